import { InvalidConfigError } from '../../lib/errors.ts';

// Checks of linux.resources values shared by the v1 and v2 controllers. Each names the config
// field, so an error reads `linux.resources.cpu.shares: 1.5 is not an integer`. Controllers run
// them before writing anything, so a bad value never leaves a half-applied controller.

export function checkInteger(field: string, value: unknown, range: { min?: number; max?: number } = {}): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value)) {
    throw new InvalidConfigError(field, `${JSON.stringify(value)} is not an integer`);
  }
  if (range.min !== undefined && value < range.min) {
    throw new InvalidConfigError(field, `${value} is below the minimum ${range.min}${range.max !== undefined ? ` (expected ${range.min} to ${range.max})` : ''}`);
  }
  if (range.max !== undefined && value > range.max) {
    throw new InvalidConfigError(field, `${value} is above the maximum ${range.max}${range.min !== undefined ? ` (expected ${range.min} to ${range.max})` : ''}`);
  }
  return value;
}

// A byte limit: -1 means unlimited, 0 means "not set" (runc's reading of the spec).
export function checkLimit(field: string, value: unknown): number {
  return checkInteger(field, value, { min: -1 });
}

// v1 and v2 write major:minor; the kernel's dev_t has 12 bits of major and 20 of minor, but
// cgroupfs parses both as unsigned 32-bit numbers, so that is what is checked here.
export function checkDeviceNumber(field: string, value: unknown): number {
  return checkInteger(field, value, { min: 0, max: 0xffff_ffff });
}
