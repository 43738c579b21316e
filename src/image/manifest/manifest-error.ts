import { BerthError } from '../../lib/errors.ts';

// A manifest, index or config that berth cannot use: unknown or refused media type, bad JSON,
// missing fields, no entry for the wanted platform.
export class ManifestError extends BerthError {
  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(code, message, options);
  }
}
