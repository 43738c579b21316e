import { BerthError } from '../../lib/errors.ts';

// Chain ids ("sha256:<64 hex>") name layer directories, so they are checked before they become
// part of a path.
export class InvalidChainIdError extends BerthError {
  constructor(id: string) {
    super('E_INVALID_CHAIN_ID', `invalid chain id "${id}": expected sha256:<64 lowercase hex digits>`);
  }
}

export function chainIdHex(id: string): string {
  const m = /^sha256:([0-9a-f]{64})$/.exec(id);
  if (!m) throw new InvalidChainIdError(id);
  return m[1]!;
}

// The name of a layer's entry in the store's l/ directory: short, so that an overlay mount of
// a deep image keeps its lowerdir= option under the kernel's one-page limit for mount data
// (containers/storage does the same). 26 hex digits of a sha256 cannot collide by accident, and
// chain ids are digests of content, so they cannot be chosen to collide either.
export function shortLinkName(id: string): string {
  return chainIdHex(id).slice(0, 26);
}
