/**
 * One sequential pass over a file that computes its whole-file SHA-256 and every chunk's SHA-256,
 * shared by building and verifying manifests.
 *
 * The file is read chunk by chunk into two alternating buffers, the next read running while the
 * current chunk is hashed. The whole-file hash is updated on the calling thread while each chunk's
 * own hash runs in libuv's threadpool through WebCrypto, so the two hashes of a byte run on two
 * cores. At most `PIPELINE_DEPTH` chunks are hashed at once, each holding WebCrypto's copy of it, so
 * memory stays near (2 + PIPELINE_DEPTH) chunk sizes whatever the size of the file.
 *
 * Buffers are reused rather than allocated per chunk: a fresh 1 MiB buffer per chunk is a fresh
 * mapping to fault in, which measured slower than both hashes together.
 */
import { createHash, subtle } from 'node:crypto'
import { open } from 'node:fs/promises'
import type { FileHandle } from 'node:fs/promises'

import { chunkCountOf } from '../wire/records.ts'
import { HASH_LENGTH, validateChunkCount, validateChunkSize } from './chunks.ts'
import { FileChangedError, SizeMismatchError } from './errors.ts'

/** Chunks hashed concurrently; more does not help on two cores and costs memory. */
const PIPELINE_DEPTH = 4

/** Reports progress after each chunk is read; the last call has `bytesDone === total`. */
export type ProgressFn = (bytesDone: number, total: number) => void

export interface ScanOptions {
  chunkSize: number
  /** When set, a file of any other size is rejected with a SizeMismatchError before reading. */
  expectedSize?: number
  onProgress?: ProgressFn
}

export interface ScanResult {
  size: number
  sha256: Uint8Array<ArrayBuffer>
  /** 32 bytes per chunk, in index order. */
  chunkHashes: Uint8Array<ArrayBuffer>
}

/**
 * Reads the file at `path` once and returns its size, SHA-256 and chunk hashes. Throws a
 * {@link FileChangedError} if the file's size or modification time changes during the pass. A
 * rewrite in place that keeps the size and lands within the file system's timestamp granularity
 * of the previous write goes unnoticed; callers that publish should read a file nobody writes.
 */
export async function scanFile(path: string, opts: ScanOptions): Promise<ScanResult> {
  validateChunkSize(opts.chunkSize)
  const handle = await open(path, 'r')

  try {
    const before = await handle.stat()
    const size = before.size
    if (opts.expectedSize !== undefined && size !== opts.expectedSize) {
      throw new SizeMismatchError(path, opts.expectedSize, size)
    }
    validateChunkCount(size, opts.chunkSize)

    const result = await hashChunks(handle, path, size, opts)

    const extra = await handle.read(new Uint8Array(1), 0, 1, size)
    const after = await handle.stat()
    if (extra.bytesRead > 0 || after.size !== size) {
      const how = extra.bytesRead > 0 || after.size > size ? 'grew' : 'shrank'
      throw new FileChangedError(path, size, after.size, how)
    }
    if (after.mtimeMs !== before.mtimeMs) {
      throw new FileChangedError(path, size, after.size, 'modified')
    }

    return result
  } finally {
    await handle.close()
  }
}

async function hashChunks(
  handle: FileHandle,
  path: string,
  size: number,
  opts: ScanOptions,
): Promise<ScanResult> {
  const { chunkSize, onProgress } = opts
  const count = chunkCountOf(size, chunkSize)
  const whole = createHash('sha256')
  const chunkHashes = new Uint8Array(count * HASH_LENGTH)
  const bufferSize = Math.min(chunkSize, size)
  const buffers = [Buffer.allocUnsafeSlow(bufferSize), Buffer.allocUnsafeSlow(bufferSize)]
  const inFlight: Array<Promise<void>> = []
  let nextRead: Promise<Uint8Array> | undefined

  const read = (index: number): Promise<Uint8Array> => {
    const offset = index * chunkSize
    const length = Math.min(chunkSize, size - offset)
    const chunk = readFully(handle, path, size, buffers[index % 2].subarray(0, length), offset)
    // Marks the promise handled so a failure surfaces where it is awaited, not as unhandled.
    chunk.catch(() => {})

    return chunk
  }

  try {
    for (let index = 0; index < count; index++) {
      const chunk = await (nextRead ?? read(index))
      // The next read fills the other buffer while this one is hashed.
      nextRead = index + 1 < count ? read(index + 1) : undefined

      // WebCrypto copies its input before digest() returns, so the buffer may be refilled at once.
      const hashed = subtle.digest('SHA-256', chunk).then((digest) => {
        chunkHashes.set(new Uint8Array(digest), index * HASH_LENGTH)
      })
      hashed.catch(() => {})
      inFlight.push(hashed)
      whole.update(chunk)

      if (inFlight.length >= PIPELINE_DEPTH) await inFlight.shift()
      onProgress?.(index * chunkSize + chunk.byteLength, size)
    }
    await Promise.all(inFlight)
  } finally {
    await Promise.allSettled([...inFlight, nextRead])
  }

  if (count === 0) onProgress?.(0, 0)

  return { size, sha256: whole.digest(), chunkHashes }
}

/** Fills `buf` from `offset`; running out of bytes early means the file shrank. */
async function readFully(
  handle: FileHandle,
  path: string,
  size: number,
  buf: Uint8Array,
  offset: number,
): Promise<Uint8Array> {
  let filled = 0

  while (filled < buf.byteLength) {
    const { bytesRead } = await handle.read(buf, filled, buf.byteLength - filled, offset + filled)
    if (bytesRead === 0) {
      const now = await handle.stat()
      throw new FileChangedError(path, size, now.size, 'shrank')
    }
    filled += bytesRead
  }

  return buf
}
