import { readFileSync } from 'node:fs';
import { CAPABILITIES, capabilityNumber } from '../../runtime/index.ts';

let cached: string[] | undefined;

// The capabilities this process may hand on: its bounding set (CapBnd). --privileged and
// --cap-add ALL mean these, as with docker and podman; a capability the host took away (this
// process running in a container without CAP_SYS_RESOURCE, say) would make capset fail.
export function hostCapabilities(): string[] {
  if (cached) return cached;
  let bounding: bigint | undefined;
  try {
    const hex = /^CapBnd:\s+([0-9a-f]+)$/m.exec(readFileSync('/proc/self/status', 'utf8'))?.[1];
    if (hex) bounding = BigInt(`0x${hex}`);
  } catch {
    // no /proc: assume every capability
  }
  cached = CAPABILITIES.filter((c) => bounding === undefined || (bounding & (1n << BigInt(capabilityNumber(c)!))) !== 0n);
  return cached;
}
