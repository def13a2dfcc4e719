/**
 * Turning a file into its manifest: the chunk hashes, the whole-file hash, the encoded bytes that
 * travel on the wire, and the patch id derived from them.
 */
import { toHex } from '../util/bytes.ts'
import { createHash } from 'node:crypto'

import { DEFAULT_CHUNK_SIZE } from '../wire/limits.ts'
import { Manifest } from '../wire/records.ts'
import {} from './chunks.ts'
import { scanFile } from './scan.ts'
import type { ProgressFn } from './scan.ts'

/** Bytes of the manifest's SHA-256 that make up a patch id (32 hex characters). */
const PATCH_ID_BYTES = 16

export interface BuildManifestOptions {
  /** Bytes per chunk, an integer within MIN_CHUNK_SIZE..MAX_CHUNK_SIZE. Default 1 MiB. */
  chunkSize?: number
  /** Called after each chunk is read; the last call has `bytesDone === total`. */
  onProgress?: ProgressFn
}

/** A manifest with everything derived from it. */
export interface BuiltManifest {
  manifest: Manifest
  /** The manifest encoded with `Manifest.encode`: the exact bytes that are hashed and sent. */
  bytes: Uint8Array
  /** SHA-256 of `bytes`; an announcement carries it. */
  manifestSha256: Uint8Array
  /** Lowercase hex of the first 16 bytes of `manifestSha256`. */
  patchId: string
}

/**
 * Reads the file at `path` once, streaming, and builds its manifest. Memory stays at a few chunk
 * sizes whatever the file size. Throws a ChunkSizeError for a bad `chunkSize`, a
 * TooManyChunksError when the file needs more chunks than a manifest may list, and a
 * FileChangedError when the file changes while it is read.
 */
export async function buildManifest(
  path: string,
  opts: BuildManifestOptions = {},
): Promise<BuiltManifest> {
  const chunkSize = opts.chunkSize ?? DEFAULT_CHUNK_SIZE
  const scan = await scanFile(path, { chunkSize, onProgress: opts.onProgress })

  return sealManifest({
    size: scan.size,
    chunkSize,
    sha256: scan.sha256,
    chunkHashes: scan.chunkHashes,
  })
}

/** Encodes a manifest and derives its hash and patch id. */
export function sealManifest(manifest: Manifest): BuiltManifest {
  const bytes = Manifest.encode(manifest)
  const manifestSha256 = createHash('sha256').update(bytes).digest()

  return { manifest, bytes, manifestSha256, patchId: patchIdOf(manifestSha256) }
}

/** The patch id for a manifest hash: lowercase hex of its first 16 bytes. */
export function patchIdOf(manifestSha256: Uint8Array): string {
  return toHex(manifestSha256.subarray(0, PATCH_ID_BYTES))
}
