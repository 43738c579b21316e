import { TarFormatError } from './tar-format-error.ts';

// Pulls exact byte counts out of a stream of arbitrarily sized chunks. Reads return views of
// the source chunks where they can (no copy) and join only when a read spans two chunks.
export class ByteSource {
  readonly #it: AsyncIterator<Uint8Array> | Iterator<Uint8Array>;
  #chunk: Buffer = Buffer.alloc(0);
  #off = 0;
  #done = false;
  // bytes consumed so far, for error messages
  position = 0;

  constructor(source: AsyncIterable<Uint8Array> | Iterable<Uint8Array>) {
    this.#it = Symbol.asyncIterator in source ? source[Symbol.asyncIterator]() : source[Symbol.iterator]();
  }

  async #fill(): Promise<boolean> {
    while (this.#off >= this.#chunk.length) {
      if (this.#done) return false;
      const r = await this.#it.next();
      if (r.done) {
        this.#done = true;
        return false;
      }
      const v = r.value;
      this.#chunk = Buffer.isBuffer(v) ? v : Buffer.from(v.buffer, v.byteOffset, v.byteLength);
      this.#off = 0;
    }
    return true;
  }

  // Exactly n bytes, or null at a clean end of input (nothing read); throws if the input ends
  // in the middle.
  async read(n: number, what: string): Promise<Buffer | null> {
    if (!(await this.#fill())) return null;
    const avail = this.#chunk.length - this.#off;
    if (avail >= n) {
      const out = this.#chunk.subarray(this.#off, this.#off + n);
      this.#off += n;
      this.position += n;
      return out;
    }
    const out = Buffer.allocUnsafe(n);
    let got = 0;
    while (got < n) {
      if (!(await this.#fill())) throw new TarFormatError(`unexpected end of archive in ${what} at offset ${this.position}`);
      const take = Math.min(n - got, this.#chunk.length - this.#off);
      this.#chunk.copy(out, got, this.#off, this.#off + take);
      this.#off += take;
      this.position += take;
      got += take;
    }
    return out;
  }

  // Up to `max` bytes from the current chunk (at least one), as a view; throws at end of input.
  async readSome(max: number, what: string): Promise<Buffer> {
    if (!(await this.#fill())) throw new TarFormatError(`unexpected end of archive in ${what} at offset ${this.position}`);
    const take = Math.min(max, this.#chunk.length - this.#off);
    const out = this.#chunk.subarray(this.#off, this.#off + take);
    this.#off += take;
    this.position += take;
    return out;
  }

  async skip(n: number, what: string): Promise<void> {
    let left = n;
    while (left > 0) left -= (await this.readSome(left, what)).length;
  }

  // Reads and discards everything left (the padding GNU tar adds after the end marker), so a
  // digest computed over the source covers the whole stream.
  async drain(): Promise<void> {
    while (await this.#fill()) {
      this.position += this.#chunk.length - this.#off;
      this.#off = this.#chunk.length;
    }
  }

  // Stops the underlying iterator early (the consumer gave up).
  async close(): Promise<void> {
    if (!this.#done) {
      this.#done = true;
      await this.#it.return?.();
    }
  }
}
