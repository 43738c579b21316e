import { BerthError } from '../lib/errors.ts';

export class InvalidDigestError extends BerthError {
  readonly value: string;
  constructor(value: string) {
    super('E_INVALID_DIGEST', `invalid digest "${value}": expected sha256: followed by 64 hex digits`);
    this.value = value;
  }
}
