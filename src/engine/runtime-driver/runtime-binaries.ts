import { findInPath } from '../../lib/find-in-path.ts';
import { BerthError, UsageError } from '../../lib/errors.ts';
import { DEFAULT_RUNTIME, RUNTIME_NAMES, type RuntimeName } from './driver.ts';

// docker's wording, which its CLI prints as "Error response from daemon: ...".
export class UnknownRuntimeError extends UsageError {
  constructor(name: string) {
    super(`unknown or invalid runtime name: ${name}`);
  }
}

// `--runtime` as given: berth's own under either of its names, runc or crun; anything else is
// refused before anything is made.
export function runtimeName(given: string | undefined): RuntimeName {
  if (given === undefined || given === '' || given === 'berth-runtime') return DEFAULT_RUNTIME;
  if ((RUNTIME_NAMES as readonly string[]).includes(given)) return given as RuntimeName;
  throw new UnknownRuntimeError(given);
}

// The external runtime's program, looked up in PATH as a shell would.
export function findRuntimeBinary(name: string, path = process.env['PATH'] ?? ''): string | undefined {
  return findInPath(name, path);
}

export function requireRuntimeBinary(name: RuntimeName): string {
  const found = findRuntimeBinary(name);
  if (!found) throw new BerthError('E_RUNTIME_MISSING', `runtime "${name}" is not installed: no executable "${name}" in PATH (${process.env['PATH'] ?? ''})`);
  return found;
}
