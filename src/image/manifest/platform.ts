// Platforms: this host's, `--platform os/arch[/variant]`, and choosing a manifest from an index
// the way containerd's platforms.Only does (an exact variant first; arm64 accepts v8 or none).
import type { Descriptor, ImageIndex, Platform } from '../../oci/image-spec.ts';
import { UsageError } from '../../lib/errors.ts';
import { ManifestError } from './manifest-error.ts';

const ARCH: Record<string, string> = { x64: 'amd64', arm64: 'arm64', arm: 'arm', ia32: '386', ppc64: 'ppc64le', s390x: 's390x', riscv64: 'riscv64', loong64: 'loong64', mips: 'mips', mipsel: 'mipsle' };

export function hostPlatform(): Platform {
  const architecture = ARCH[process.arch] ?? process.arch;
  const p: Platform = { os: 'linux', architecture };
  if (architecture === 'arm64') p.variant = 'v8';
  if (architecture === 'arm') p.variant = `v${(process.config.variables as Record<string, unknown>)['arm_version'] ?? '7'}`;
  return p;
}

export function parsePlatform(spec: string): Platform {
  const parts = spec.toLowerCase().split('/');
  const [os, architecture, variant] = parts;
  if (parts.length < 2 || parts.length > 3 || !os || !architecture || (parts.length === 3 && !variant)) {
    throw new UsageError(`invalid platform "${spec}": expected os/arch or os/arch/variant, such as linux/arm64`);
  }
  const arch = architecture === 'x86_64' || architecture === 'x86-64' ? 'amd64' : architecture === 'aarch64' ? 'arm64' : architecture;
  const p: Platform = { os, architecture: arch };
  if (variant) p.variant = variant;
  else if (arch === 'arm64') p.variant = 'v8';
  return p;
}

export function formatPlatform(p: Platform): string {
  return `${p.os}/${p.architecture}${p.variant ? `/${p.variant}` : ''}`;
}

function normalVariant(p: Platform): string | undefined {
  if (p.architecture === 'arm64' && (p.variant === undefined || p.variant === 'v8')) return 'v8';
  return p.variant;
}

export function platformMatches(want: Platform, have: Platform | undefined): boolean {
  if (!have) return false;
  if (have.os !== want.os || have.architecture !== want.architecture) return false;
  const wv = normalVariant(want);
  if (wv === undefined) return true;
  const hv = normalVariant(have);
  if (hv === undefined || hv === wv) return true;
  // arm/v7 runs v6 and v5 images: prefer the exact one (ordering below), accept lower ones
  if (want.architecture === 'arm' && /^v\d$/.test(hv) && /^v\d$/.test(wv)) return hv <= wv;
  return false;
}

// The best manifest for `want`: exact variant before compatible ones, in index order.
export function selectPlatform(index: ImageIndex, want: Platform, what: string): Descriptor {
  const candidates = index.manifests.filter((m) => platformMatches(want, m.platform));
  const exact = candidates.find((m) => m.platform?.variant === want.variant);
  const best = exact ?? candidates.sort((a, b) => (b.platform?.variant ?? '').localeCompare(a.platform?.variant ?? ''))[0];
  if (!best) {
    const have = index.manifests.map((m) => (m.platform ? formatPlatform(m.platform) : 'unknown')).join(', ');
    throw new ManifestError('E_NO_MATCHING_PLATFORM', `no image for platform ${formatPlatform(want)} in the manifest list of ${what} (it has ${have || 'none'})`);
  }
  return best;
}
