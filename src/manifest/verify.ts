/**
 * Checking a whole file on disk against its manifest, e.g. once every chunk of a download is in
 * or when a node restarts and cannot trust its data file.
 */
import { stat } from 'node:fs/promises'
import { toHex } from '../util/bytes.ts'
import { InputFileError } from '../util/files.ts'
import { equals } from 'uint8arrays/equals'

import type { Manifest } from '../wire/records.ts'
import { chunkCount, chunkHash, HASH_LENGTH, validateManifest } from './chunks.ts'
import { BadChunksError, FileHashMismatchError } from './errors.ts'
import { scanFile } from './scan.ts'
import type { ProgressFn } from './scan.ts'

export interface VerifyFileOptions {
  /** Called after each chunk is read; the last call has `bytesDone === total`. */
  onProgress?: ProgressFn
}

/**
 * Reads the file at `path` once, streaming, and checks it against `m`. In order, throws:
 * a SizeMismatchError before reading anything when the size differs; a BadChunksError listing
 * every chunk that does not match; a FileHashMismatchError when all chunks match but the
 * whole-file SHA-256 does not. Also throws an InvalidManifestError for an inconsistent manifest
 * and a FileChangedError when the file changes while it is read.
 */
export async function verifyFile(
  path: string,
  m: Manifest,
  opts: VerifyFileOptions = {},
): Promise<void> {
  const info = await stat(path)
  if (!info.isFile()) throw new InputFileError(path, 'file to verify', 'is not a regular file')

  validateManifest(m)
  const scan = await scanFile(path, {
    chunkSize: m.chunkSize,
    expectedSize: m.size,
    onProgress: opts.onProgress,
  })

  const badChunks: number[] = []
  for (let index = 0; index < chunkCount(m); index++) {
    const actual = scan.chunkHashes.subarray(index * HASH_LENGTH, (index + 1) * HASH_LENGTH)
    if (!equals(actual, chunkHash(m, index))) badChunks.push(index)
  }
  if (badChunks.length > 0) throw new BadChunksError(path, badChunks)

  if (!equals(scan.sha256, m.sha256)) {
    throw new FileHashMismatchError(path, toHex(m.sha256), toHex(scan.sha256))
  }
}
