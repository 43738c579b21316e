import { BerthError } from '../../lib/errors.ts';

// An image archive (docker save / OCI layout tar) that is malformed or incomplete.
export class ArchiveError extends BerthError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('E_ARCHIVE_INVALID', message, options);
  }
}
