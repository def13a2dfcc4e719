/**
 * Where each chunk of a patch lies and what it must hash to. A chunk is a fixed-size slice of the
 * file; the last one may be shorter, and a zero-byte file has none.
 */
import { toHex } from '../util/bytes.ts'
import { createHash } from 'node:crypto'

import { equals } from 'uint8arrays/equals'

import { MAX_CHUNK_SIZE, MAX_CHUNKS, MIN_CHUNK_SIZE } from '../wire/limits.ts'
import { chunkCountOf } from '../wire/records.ts'
import type { Manifest } from '../wire/records.ts'
import {
  ChunkIndexError,
  ChunkMismatchError,
  ChunkSizeError,
  InvalidManifestError,
  TooManyChunksError,
} from './errors.ts'

/** Length of one SHA-256 digest, and so of one entry in `Manifest.chunkHashes`. */
export const HASH_LENGTH = 32

/** Byte range of one chunk in the file. */
export interface ChunkRange {
  offset: number
  length: number
}

/** Throws a {@link ChunkSizeError} unless `chunkSize` is an integer in MIN..MAX_CHUNK_SIZE. */
export function validateChunkSize(chunkSize: number): void {
  if (!Number.isInteger(chunkSize) || chunkSize < MIN_CHUNK_SIZE || chunkSize > MAX_CHUNK_SIZE) {
    throw new ChunkSizeError(chunkSize, MIN_CHUNK_SIZE, MAX_CHUNK_SIZE)
  }
}

/**
 * Throws a {@link TooManyChunksError} when a `size`-byte file would need more than MAX_CHUNKS
 * chunks of `chunkSize`, i.e. a manifest no decoder would accept.
 */
export function validateChunkCount(size: number, chunkSize: number): void {
  if (chunkCountOf(size, chunkSize) > MAX_CHUNKS) {
    throw new TooManyChunksError(size, chunkSize, MAX_CHUNKS)
  }
}

/**
 * Throws an {@link InvalidManifestError} when the manifest's fields disagree. Manifests from
 * `decodeManifest` always pass; this guards hand-built ones before a long file scan.
 */
export function validateManifest(m: Manifest): void {
  validateChunkSize(m.chunkSize)
  if (!Number.isSafeInteger(m.size) || m.size < 0) {
    throw new InvalidManifestError(`size ${m.size} is not a byte count`)
  }
  if (m.sha256.byteLength !== HASH_LENGTH) {
    throw new InvalidManifestError(`sha256 is ${m.sha256.byteLength} bytes, expected 32`)
  }

  const expected = chunkCount(m) * HASH_LENGTH
  if (m.chunkHashes.byteLength !== expected) {
    throw new InvalidManifestError(
      `chunkHashes is ${m.chunkHashes.byteLength} bytes, expected ${expected}`,
    )
  }
}

/** Number of chunks the manifest lists. */
export function chunkCount(m: Manifest): number {
  return chunkCountOf(m.size, m.chunkSize)
}

/** Offset and length of chunk `index`; throws a {@link ChunkIndexError} when out of range. */
export function chunkRange(m: Manifest, index: number): ChunkRange {
  checkIndex(m, index)
  const offset = index * m.chunkSize

  return { offset, length: Math.min(m.chunkSize, m.size - offset) }
}

/**
 * The manifest's SHA-256 of chunk `index`: a view into `m.chunkHashes`, not a copy. Throws a
 * {@link ChunkIndexError} when out of range.
 */
export function chunkHash(m: Manifest, index: number): Uint8Array {
  checkIndex(m, index)

  return m.chunkHashes.subarray(index * HASH_LENGTH, (index + 1) * HASH_LENGTH)
}

/**
 * Checks that `data` is chunk `index` of the manifest's file. Throws a {@link ChunkIndexError}
 * for an index out of range and a {@link ChunkMismatchError} for a wrong length or hash.
 */
export function verifyChunk(
  m: Manifest,
  index: number,
  data: Uint8Array | { byteLength: number; [Symbol.iterator](): Iterator<Uint8Array> },
): void {
  const { length } = chunkRange(m, index)
  const expected = chunkHash(m, index)
  const hash = createHash('sha256')
  // Pieces (a Uint8ArrayList off the wire) are hashed as they lie, never joined.
  if (data instanceof Uint8Array) hash.update(data)
  else for (const piece of data) hash.update(piece)
  const actual = hash.digest()

  if (data.byteLength !== length || !equals(actual, expected)) {
    throw new ChunkMismatchError(index, toHex(expected), toHex(actual), length, data.byteLength)
  }
}

function checkIndex(m: Manifest, index: number): void {
  const count = chunkCount(m)

  if (!Number.isInteger(index) || index < 0 || index >= count) {
    throw new ChunkIndexError(index, count)
  }
}
