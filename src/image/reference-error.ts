import { BerthError } from '../lib/errors.ts';

// docker prints "invalid reference format" for all of these; berth adds what is wrong.
export class InvalidReferenceError extends BerthError {
  readonly reference: string;
  constructor(reference: string, reason: string) {
    super('E_INVALID_REFERENCE', `invalid reference format "${reference}": ${reason}`);
    this.reference = reference;
  }
}
