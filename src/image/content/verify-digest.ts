// Passes a stream through while hashing it; at the end, before the consumer sees the end, the
// digest is compared and a mismatch thrown, so an unpacker never completes a layer whose bytes
// were wrong.
import { createHash } from 'node:crypto';
import type { Digest } from '../../oci/digest.ts';
import { DigestMismatchError } from './digest-mismatch-error.ts';

export async function* verifyDigest(source: AsyncIterable<Uint8Array>, expected: Digest, what: string, onDone?: (bytes: number) => void): AsyncGenerator<Uint8Array> {
  const h = createHash('sha256');
  let n = 0;
  for await (const chunk of source) {
    h.update(chunk);
    n += chunk.length;
    yield chunk;
  }
  const got = `sha256:${h.digest('hex')}`;
  if (got !== expected) throw new DigestMismatchError(expected, got, what);
  onDone?.(n);
}

// An iterable whose consumer may stop early without closing the source: the caller drains the
// rest afterwards (so that verification at the end of the stream still runs).
export function detachReturn<T>(it: AsyncIterator<T>): AsyncIterable<T> {
  return {
    [Symbol.asyncIterator]: () => ({
      next: () => it.next(),
      return: async () => ({ done: true, value: undefined }),
    }),
  };
}

export async function drain<T>(it: AsyncIterator<T>): Promise<void> {
  for (;;) {
    const n = await it.next();
    if (n.done) return;
  }
}
