import { BerthError } from '../../lib/errors.ts';

// A blob that is longer than its descriptor says: refused, never stored.
export class BlobSizeError extends BerthError {
  constructor(digest: string, size: number) {
    super('E_BLOB_SIZE', `blob ${digest} is larger than the ${size} bytes its descriptor declares`);
  }
}
