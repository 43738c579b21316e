import { BerthError } from '../../lib/errors.ts';

// Downloaded or loaded bytes whose digest is not the one they were asked for: never stored.
export class DigestMismatchError extends BerthError {
  readonly expected: string;
  readonly actual: string;
  constructor(expected: string, actual: string, what = 'blob') {
    super('E_DIGEST_MISMATCH', `${what} ${expected} failed verification: its content has digest ${actual}`);
    this.expected = expected;
    this.actual = actual;
  }
}
