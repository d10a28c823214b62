/**
 * Bytes received in arbitrary pieces, taken out in exact lengths without copying more than the
 * piece that is split.
 */
export class ByteQueue {
  #chunks: Buffer[] = [];
  #length = 0;

  get length(): number {
    return this.#length;
  }

  push(chunk: Buffer): void {
    if (chunk.length === 0) return;
    this.#chunks.push(chunk);
    this.#length += chunk.length;
  }

  /** Removes and returns the first `size` bytes; the queue must hold at least that many. */
  take(size: number): Buffer {
    if (size > this.#length) {
      throw new RangeError(`${size} bytes asked of a queue of ${this.#length}`);
    }
    const parts: Buffer[] = [];
    let needed = size;
    while (needed > 0) {
      const first = this.#chunks[0];
      if (first.length <= needed) {
        parts.push(first);
        this.#chunks.shift();
        needed -= first.length;
      } else {
        parts.push(first.subarray(0, needed));
        this.#chunks[0] = first.subarray(needed);
        needed = 0;
      }
    }
    this.#length -= size;
    return parts.length === 1 ? parts[0] : Buffer.concat(parts, size);
  }
}
