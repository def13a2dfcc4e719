/**
 * Chunking, hashing and manifests: how a patch file is cut into chunks, what each must hash to,
 * and how a file or a single chunk is checked against its manifest.
 */
export { buildManifest, patchIdOf, sealManifest } from './build.ts'
export type { BuildManifestOptions, BuiltManifest } from './build.ts'
export {
  chunkCount,
  chunkHash,
  chunkRange,
  HASH_LENGTH,
  validateChunkSize,
  verifyChunk,
} from './chunks.ts'
export type { ChunkRange } from './chunks.ts'
export {
  BadChunksError,
  ChunkIndexError,
  ChunkMismatchError,
  ChunkSizeError,
  FileChangedError,
  FileHashMismatchError,
  InvalidManifestError,
  SizeMismatchError,
  TooManyChunksError,
} from './errors.ts'
export type { ProgressFn } from './scan.ts'
export { verifyFile } from './verify.ts'
export type { VerifyFileOptions } from './verify.ts'
