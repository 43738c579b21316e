import { BerthError } from '../../lib/errors.ts';

// The bytes are not a tar archive berth can read (bad checksum, truncated, malformed PAX record)
// or the entry uses a feature berth refuses (sparse files).
export class TarFormatError extends BerthError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('E_TAR_FORMAT', message, options);
  }
}
