/**
 * Read access to an artifact's bytes for the content checks, without holding the whole file: random reads for
 * the small structures at the end of a zip, and one sequential pass for everything else. Backed by a Buffer in
 * unit tests and by a staged blob in the service.
 */

export interface ByteSource {
  readonly size: number;
  read(offset: number, length: number): Promise<Buffer>;
  /** The bytes from `offset` to the end, in chunks. */
  stream(offset: number): AsyncIterable<Buffer>;
}

export function bufferSource(bytes: Buffer, chunkSize = 64 * 1024): ByteSource {
  return {
    size: bytes.length,
    read: async (offset, length) => bytes.subarray(offset, Math.min(bytes.length, offset + length)),
    async *stream(offset) {
      for (let at = offset; at < bytes.length; at += chunkSize) yield bytes.subarray(at, Math.min(bytes.length, at + chunkSize));
    },
  };
}

/** Sequential reads of exact lengths over a chunked stream. */
export class StreamReader {
  #iterator: AsyncIterator<Buffer>;
  #pending: Buffer = Buffer.alloc(0);
  #position: number;

  constructor(source: AsyncIterable<Buffer>, start: number) {
    this.#iterator = source[Symbol.asyncIterator]();
    this.#position = start;
  }

  get position(): number {
    return this.#position;
  }

  async #fill(min: number): Promise<boolean> {
    while (this.#pending.length < min) {
      const next = await this.#iterator.next();
      if (next.done) return false;
      // Stryker disable next-line ConditionalExpression: concatenating onto an empty buffer gives the same bytes; the shortcut only saves a copy
      this.#pending = this.#pending.length === 0 ? next.value : Buffer.concat([this.#pending, next.value]);
    }
    return true;
  }

  /** Exactly `length` bytes, or undefined when the stream ends first. */
  async read(length: number): Promise<Buffer | undefined> {
    if (!(await this.#fill(length))) return undefined;
    const out = this.#pending.subarray(0, length);
    this.#pending = this.#pending.subarray(length);
    this.#position += length;
    return out;
  }

  /** The next `length` bytes as chunks (for streaming them through a decompressor); ends early at end of stream. */
  async *take(length: number): AsyncIterable<Buffer> {
    let left = length;
    while (left > 0) {
      if (this.#pending.length === 0) {
        const next = await this.#iterator.next();
        if (next.done) return;
        this.#pending = next.value;
      }
      const n = Math.min(left, this.#pending.length);
      const chunk = this.#pending.subarray(0, n);
      this.#pending = this.#pending.subarray(n);
      this.#position += n;
      left -= n;
      yield chunk;
    }
  }

  async skip(length: number): Promise<boolean> {
    let skipped = 0;
    for await (const chunk of this.take(length)) skipped += chunk.length;
    return skipped === length;
  }
}
