// Content digests (OCI image-spec descriptor.md): `algorithm:encoded`. berth computes and stores
// sha256 only, and accepts sha512 in references. A Digest is branded so that a tag, an image id
// prefix or a path can never be passed where a verified digest is expected.
import { newSha256 } from '../lib/sha256.ts';
import { InvalidDigestError } from './digest-error.ts';

export type Digest = string & { readonly __brand: 'Digest' };

const LENGTHS: Record<string, number> = { sha256: 64, sha512: 128 };

export function isDigest(value: string): value is Digest {
  const m = /^([a-z0-9]+(?:[+._-][a-z0-9]+)*):([a-zA-Z0-9=_-]+)$/.exec(value);
  if (!m) return false;
  const len = LENGTHS[m[1]!];
  return len !== undefined && m[2]!.length === len && /^[a-f0-9]+$/.test(m[2]!);
}

export function parseDigest(value: string): Digest {
  if (!isDigest(value)) throw new InvalidDigestError(value);
  return value;
}

export function sha256Digest(data: Uint8Array | string): Digest {
  return `sha256:${newSha256().update(data).digest('hex')}` as Digest;
}

// The hex part, used for file names in the store.
export function digestHex(d: Digest): string {
  return d.slice(d.indexOf(':') + 1);
}
