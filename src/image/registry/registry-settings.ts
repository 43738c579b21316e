// Which registries are spoken to over plain HTTP (or HTTPS without certificate checks), and the
// retry policy. Like docker: loopback registries (localhost, 127.0.0.0/8, ::1) are insecure by
// default; others only when listed, in BERTH_INSECURE_REGISTRIES (comma-separated) or in the
// "insecure-registries" array of the registries file (BERTH_REGISTRIES_CONF, default
// /etc/berth/registries.json), as host, host:port or an IPv4 CIDR. Pulls from docker.io try the
// "registry-mirrors" of that file (or BERTH_REGISTRY_MIRRORS) first, as docker's daemon does.
import { existsSync, readFileSync } from 'node:fs';
import { InvalidConfigError } from '../../lib/errors.ts';

export interface RegistrySettings {
  insecureRegistries: string[];
  // pull-through mirrors of docker.io, tried in order before it (docker's registry-mirrors)
  registryMirrors: string[];
  // docker's config directory holding config.json (credentials); default $DOCKER_CONFIG or ~/.docker
  configDir?: string;
  retries: number;
  retryBaseMs: number;
  // longest Retry-After honoured; a longer one fails the request with the registry's answer
  retryAfterMaxMs: number;
  userAgent: string;
}

export const DEFAULT_REGISTRIES_CONF = '/etc/berth/registries.json';

export function loadRegistrySettings(overrides: Partial<RegistrySettings> = {}): RegistrySettings {
  const insecure: string[] = [];
  const mirrors: string[] = [];
  const env = process.env['BERTH_INSECURE_REGISTRIES'];
  if (env) insecure.push(...env.split(',').map((s) => s.trim()).filter(Boolean));
  const envMirrors = process.env['BERTH_REGISTRY_MIRRORS'];
  if (envMirrors) mirrors.push(...envMirrors.split(',').map((s) => s.trim()).filter(Boolean));
  const conf = process.env['BERTH_REGISTRIES_CONF'] ?? DEFAULT_REGISTRIES_CONF;
  if (existsSync(conf)) {
    try {
      const j = JSON.parse(readFileSync(conf, 'utf8')) as Record<string, unknown>;
      for (const [key, into] of [['insecure-registries', insecure], ['registry-mirrors', mirrors]] as const) {
        const list = j[key];
        if (list !== undefined && (!Array.isArray(list) || list.some((x) => typeof x !== 'string'))) {
          throw new InvalidConfigError(key, `in ${conf} must be an array of strings`);
        }
        if (list) into.push(...(list as string[]));
      }
    } catch (e) {
      if (e instanceof InvalidConfigError) throw e;
      throw new InvalidConfigError('', `${conf} is not valid JSON`, { cause: e });
    }
  }
  for (const m of mirrors) {
    if (!/^https?:\/\/[^/]+\/?$/.test(m)) throw new InvalidConfigError('registry-mirrors', `invalid mirror "${m}": expected a URL such as https://mirror.example`);
  }
  return {
    insecureRegistries: insecure,
    registryMirrors: mirrors,
    retries: Number(process.env['BERTH_REGISTRY_RETRIES'] ?? 5),
    retryBaseMs: Number(process.env['BERTH_REGISTRY_RETRY_BASE_MS'] ?? 500),
    retryAfterMaxMs: 60_000,
    userAgent: 'berth/0.1.0',
    ...overrides,
  };
}

function ipv4(s: string): number | undefined {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(s);
  if (!m) return undefined;
  const parts = m.slice(1).map(Number);
  if (parts.some((p) => p > 255)) return undefined;
  return ((parts[0]! << 24) >>> 0) + (parts[1]! << 16) + (parts[2]! << 8) + parts[3]!;
}

export function hostOf(domain: string): string {
  if (domain.startsWith('[')) return domain.slice(1, domain.indexOf(']'));
  const colon = domain.lastIndexOf(':');
  return colon >= 0 ? domain.slice(0, colon) : domain;
}

export function isLoopback(domain: string): boolean {
  const host = hostOf(domain);
  if (host === 'localhost' || host === '::1') return true;
  const ip = ipv4(host);
  return ip !== undefined && ip >>> 24 === 127;
}

export function isInsecureRegistry(domain: string, settings: Pick<RegistrySettings, 'insecureRegistries'>): boolean {
  if (isLoopback(domain)) return true;
  const host = hostOf(domain);
  for (const entry of settings.insecureRegistries) {
    if (entry === domain || entry === host) return true;
    const cidr = /^([\d.]+)\/(\d{1,2})$/.exec(entry);
    if (cidr) {
      const net = ipv4(cidr[1]!);
      const ip = ipv4(host);
      const bits = Number(cidr[2]);
      if (net === undefined || ip === undefined || bits > 32) continue;
      const mask = bits === 0 ? 0 : (~0 << (32 - bits)) >>> 0;
      if (((ip & mask) >>> 0) === ((net & mask) >>> 0)) return true;
    }
  }
  return false;
}
