import { BitfieldLengthError, BitfieldPaddingError, ChunkIndexError } from './errors.ts'

const POPCOUNT = new Uint8Array(256)
for (let b = 1; b < 256; b++) POPCOUNT[b] = (b & 1) + POPCOUNT[b >> 1]

/**
 * A fixed-length set of bits, one per chunk. Bit i lives in byte `i >> 3` at position `i & 7`,
 * least significant bit first, and bits past the length are zero: this is also the wire format of
 * a peer's holdings, so {@link Bitfield.toBytes} and {@link Bitfield.fromBytes} only copy.
 *
 * The count of set bits is maintained on every change, so {@link Bitfield.count} and
 * {@link Bitfield.isFull} are O(1).
 */
export class Bitfield {
  /** Number of bits. */
  readonly length: number
  readonly #bytes: Uint8Array
  #count = 0

  /** An empty bitfield of `length` bits. */
  constructor(length: number) {
    if (!Number.isSafeInteger(length) || length < 0) {
      throw new RangeError(`bitfield length must be a non-negative integer, got ${length}`)
    }

    this.length = length
    this.#bytes = new Uint8Array(Bitfield.byteLength(length))
  }

  /** Bytes needed for `length` bits. */
  static byteLength(length: number): number {
    return (length + 7) >>> 3
  }

  /** A bitfield of `length` bits, all set. */
  static full(length: number): Bitfield {
    const field = new Bitfield(length)
    field.setAll()

    return field
  }

  /**
   * Decodes wire bytes (copied). Throws {@link BitfieldLengthError} unless there are exactly
   * ceil(length / 8) bytes, and {@link BitfieldPaddingError} when a bit past the end is set.
   */
  static fromBytes(bytes: Uint8Array, length: number): Bitfield {
    const field = new Bitfield(length)
    const expected = field.#bytes.byteLength

    if (bytes.byteLength !== expected) throw new BitfieldLengthError(expected, bytes.byteLength)

    const tail = length & 7
    if (tail !== 0 && bytes[expected - 1] >>> tail !== 0) throw new BitfieldPaddingError(length)

    field.#bytes.set(bytes)
    let count = 0
    for (let k = 0; k < expected; k++) count += POPCOUNT[field.#bytes[k]]
    field.#count = count

    return field
  }

  /** Number of set bits. */
  get count(): number {
    return this.#count
  }

  /** True when every bit is set (also for a zero-length bitfield). */
  isFull(): boolean {
    return this.#count === this.length
  }

  /** True when no bit is set. */
  isEmpty(): boolean {
    return this.#count === 0
  }

  get(index: number): boolean {
    this.#check(index)

    return (this.#bytes[index >>> 3] & (1 << (index & 7))) !== 0
  }

  /** Sets bit `index`; returns true when it was clear before. */
  set(index: number): boolean {
    this.#check(index)
    const mask = 1 << (index & 7)
    const byte = this.#bytes[index >>> 3]
    if ((byte & mask) !== 0) return false

    this.#bytes[index >>> 3] = byte | mask
    this.#count++

    return true
  }

  /** Clears bit `index`; returns true when it was set before. */
  clear(index: number): boolean {
    this.#check(index)
    const mask = 1 << (index & 7)
    const byte = this.#bytes[index >>> 3]
    if ((byte & mask) === 0) return false

    this.#bytes[index >>> 3] = byte & ~mask
    this.#count--

    return true
  }

  setAll(): void {
    this.#bytes.fill(0xff)
    const tail = this.length & 7
    if (tail !== 0) this.#bytes[this.#bytes.byteLength - 1] = (1 << tail) - 1
    this.#count = this.length
  }

  /** Makes this bitfield equal to `other`, which must have the same length. */
  copyFrom(other: Bitfield): void {
    if (other.length !== this.length) {
      throw new BitfieldLengthError(this.#bytes.byteLength, other.#bytes.byteLength)
    }

    this.#bytes.set(other.#bytes)
    this.#count = other.#count
  }

  clone(): Bitfield {
    const copy = new Bitfield(this.length)
    copy.copyFrom(this)

    return copy
  }

  /** The wire bytes, as a copy the caller may keep. */
  toBytes(): Uint8Array {
    return this.#bytes.slice()
  }

  /** Indexes of set bits, ascending. Whole zero bytes are skipped. */
  *setIndexes(): Generator<number> {
    yield* this.#indexes(0)
  }

  /** Indexes of clear bits, ascending. Whole 0xff bytes are skipped. */
  *unsetIndexes(): Generator<number> {
    yield* this.#indexes(0xff)
  }

  *#indexes(flip: number): Generator<number> {
    const bytes = this.#bytes

    for (let k = 0; k < bytes.byteLength; k++) {
      let bits = (bytes[k] ^ flip) & 0xff
      while (bits !== 0) {
        const low = bits & -bits
        const index = (k << 3) + (31 - Math.clz32(low))
        if (index >= this.length) return

        yield index
        bits ^= low
      }
    }
  }

  #check(index: number): void {
    if (!(index >= 0 && index < this.length) || index !== (index | 0)) {
      throw new ChunkIndexError(index, this.length)
    }
  }
}
