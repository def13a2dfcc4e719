/**
 * Chunk-sized buffers a download reuses for the chunks it holds between their write and their
 * commit, so that a chunk's bytes live in one buffer that is allocated once, not in the pieces
 * the stream delivered it in.
 *
 * Why: a chunk waits for its group commit (an fdatasync, tens of milliseconds) before it is held,
 * and its bytes are kept until then for a retry. Pieces kept that long outlive the young
 * generation; the garbage collector then moves them and their buffers can only be freed by a full
 * collection, which a fetch of 1 GiB set off again and again. Copying each chunk once into a
 * reused buffer (about 50 ms of memcpy per GiB) lets the pieces die young: the fetching node's
 * CPU per GiB fell by about a second and its peak RSS by about 12 MiB (`npm run bench --
 * transfer`, in the resolving note of the mesh issue).
 */
export class ChunkBuffers {
  readonly #chunkSize: number
  readonly #keep: number
  readonly #free: Buffer[] = []

  /** Buffers of `chunkSize` bytes; at most `keep` are kept for reuse once released. */
  constructor(chunkSize: number, keep: number) {
    this.#chunkSize = chunkSize
    this.#keep = keep
  }

  /**
   * The bytes of `pieces`, in order, in one buffer of the pool (a new one when none is free).
   * Throws a RangeError when they are longer than a chunk: the caller checks the length first.
   */
  copy(pieces: Iterable<Uint8Array>, length: number): Buffer {
    if (length > this.#chunkSize) {
      throw new RangeError(`${length} bytes do not fit a chunk of ${this.#chunkSize}`)
    }
    const buffer = this.#free.pop() ?? Buffer.allocUnsafeSlow(this.#chunkSize)
    let at = 0
    for (const piece of pieces) {
      buffer.set(piece, at)
      at += piece.byteLength
    }

    return buffer.subarray(0, length)
  }

  /**
   * Gives back a buffer from {@link copy} that nothing reads or writes any more (its write and
   * commit are done, or it was refused). Buffers of another size are left to the collector.
   */
  release(bytes: Buffer): void {
    const whole = bytes.byteOffset === 0 && bytes.buffer.byteLength === this.#chunkSize
    if (!whole || this.#free.length >= this.#keep) return

    this.#free.push(Buffer.from(bytes.buffer, bytes.byteOffset, this.#chunkSize))
  }

  /** Buffers waiting for reuse. */
  get free(): number {
    return this.#free.length
  }
}
