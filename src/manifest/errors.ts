/**
 * Errors raised while chunking a file or checking bytes against a manifest. Each is told apart by
 * its `name` and carries what failed as fields; messages are for people, not for matching.
 */

/** How many bad chunk indexes an error message lists before it says "and N more". */
const LISTED_CHUNKS = 5

/** A chunk's bytes do not hash to the manifest's entry for it, or have the wrong length. */
export class ChunkMismatchError extends Error {
  override readonly name = 'ChunkMismatchError'
  /** Index of the chunk in the manifest. */
  readonly index: number
  /** The manifest's SHA-256 for the chunk, lowercase hex. */
  readonly expected: string
  /** SHA-256 of the bytes received, lowercase hex. */
  readonly actual: string
  /** Length the chunk must have. */
  readonly expectedLength: number
  /** Length of the bytes received. */
  readonly actualLength: number

  constructor(
    index: number,
    expected: string,
    actual: string,
    expectedLength: number,
    actualLength: number,
  ) {
    const why =
      expectedLength === actualLength
        ? `sha256 is ${actual}, expected ${expected}`
        : `length is ${actualLength} bytes, expected ${expectedLength}`
    super(`chunk ${index} does not match the manifest: ${why}`)
    this.index = index
    this.expected = expected
    this.actual = actual
    this.expectedLength = expectedLength
    this.actualLength = actualLength
  }
}

/** A chunk index outside 0..chunkCount-1. */
export class ChunkIndexError extends RangeError {
  override readonly name = 'ChunkIndexError'
  readonly index: number
  readonly chunkCount: number

  constructor(index: number, chunkCount: number) {
    super(`chunk index ${index} is outside 0..${chunkCount - 1} (${chunkCount} chunks)`)
    this.index = index
    this.chunkCount = chunkCount
  }
}

/** A chunk size that is not an integer within MIN_CHUNK_SIZE..MAX_CHUNK_SIZE. */
export class ChunkSizeError extends RangeError {
  override readonly name = 'ChunkSizeError'
  readonly chunkSize: number

  constructor(chunkSize: number, min: number, max: number) {
    super(`chunk size ${chunkSize} is not an integer number of bytes within ${min}..${max}`)
    this.chunkSize = chunkSize
  }
}

/** A file would need more chunks than one manifest may list at the chosen chunk size. */
export class TooManyChunksError extends RangeError {
  override readonly name = 'TooManyChunksError'
  readonly size: number
  readonly chunkSize: number
  readonly max: number

  constructor(size: number, chunkSize: number, max: number) {
    super(`a ${size}-byte file at ${chunkSize}-byte chunks needs more than ${max} chunks`)
    this.size = size
    this.chunkSize = chunkSize
    this.max = max
  }
}

/** A manifest object whose fields disagree with each other (not one produced by a decoder). */
export class InvalidManifestError extends Error {
  override readonly name = 'InvalidManifestError'
  readonly reason: string

  constructor(reason: string) {
    super(`invalid manifest: ${reason}`)
    this.reason = reason
  }
}

/** A file's size differs from the manifest's. */
export class SizeMismatchError extends Error {
  override readonly name = 'SizeMismatchError'
  readonly path: string
  readonly expected: number
  readonly actual: number

  constructor(path: string, expected: number, actual: number) {
    super(`${path} is ${actual} bytes, the manifest says ${expected}`)
    this.path = path
    this.expected = expected
    this.actual = actual
  }
}

/** One or more chunks of a file do not match the manifest. */
export class BadChunksError extends Error {
  override readonly name = 'BadChunksError'
  readonly path: string
  /** Every bad chunk index, ascending. */
  readonly badChunks: number[]

  constructor(path: string, badChunks: number[]) {
    const listed = badChunks.slice(0, LISTED_CHUNKS).join(', ')
    const more =
      badChunks.length > LISTED_CHUNKS ? ` and ${badChunks.length - LISTED_CHUNKS} more` : ''
    super(`${badChunks.length} chunk(s) of ${path} do not match the manifest: ${listed}${more}`)
    this.path = path
    this.badChunks = badChunks
  }
}

/** Every chunk matched but the whole-file SHA-256 did not (the manifest disagrees with itself). */
export class FileHashMismatchError extends Error {
  override readonly name = 'FileHashMismatchError'
  readonly path: string
  /** Lowercase hex. */
  readonly expected: string
  /** Lowercase hex. */
  readonly actual: string

  constructor(path: string, expected: string, actual: string) {
    super(`sha256 of ${path} is ${actual}, the manifest says ${expected}`)
    this.path = path
    this.expected = expected
    this.actual = actual
  }
}

/**
 * A file changed while it was being read: it shrank, grew or was modified. Whatever was computed
 * from it is discarded; the caller may retry once the file is stable.
 */
export class FileChangedError extends Error {
  override readonly name = 'FileChangedError'
  readonly path: string
  /** Size when the file was opened. */
  readonly sizeBefore: number
  /** Size observed when the change was noticed. */
  readonly sizeAfter: number

  constructor(path: string, sizeBefore: number, sizeAfter: number, reason: string) {
    super(`${path} changed while being read (${reason}): ${sizeBefore} bytes, then ${sizeAfter}`)
    this.path = path
    this.sizeBefore = sizeBefore
    this.sizeAfter = sizeAfter
  }
}
