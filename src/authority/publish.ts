/**
 * Turning a file into a released patch: chunk and hash it, build the manifest, sign the
 * announcement with the publisher keys, and write it all as a bundle.
 */
import { buildManifest } from '../manifest/index.ts'
import type { ProgressFn } from '../manifest/index.ts'
import { signRecord, toHex } from '../trust/index.ts'
import type { Announcement } from '../wire/records.ts'
import { DEFAULT_CHUNK_SIZE } from '../wire/limits.ts'
import { finishBundle, startBundle } from './bundle.ts'
import type { BundleSummary } from './bundle.ts'
import { openKeys, rootHistory, signersFor } from './keys-dir.ts'

export interface PublishOptions {
  file: string
  keysDir: string
  out: string
  name: string
  version: string
  /** Default 1 MiB. */
  chunkSize?: number
  /** "key=value" selectors. Default none (every node). */
  targets?: string[]
  description?: string
  /** How long the announcement is valid. Default 30 days. */
  validForMs?: number
  /**
   * Orders this announcement among records about the same patch. Default: the issue time in
   * ms, which grows across publisher restarts without any state (assuming a sane clock).
   */
  sequence?: number
  nowMs?: number
  onProgress?: ProgressFn
}

export interface Published {
  dir: string
  summary: BundleSummary
  announcement: Announcement
}

const DEFAULT_VALIDITY_MS = 30 * 86_400_000

export async function publish(opts: PublishOptions): Promise<Published> {
  const keys = await openKeys(opts.keysDir)
  const signers = signersFor(keys, 'publisher')
  const nowMs = opts.nowMs ?? Date.now()

  // Chunk the bundle's own copy, so the manifest describes exactly the bytes shipped even if
  // the source file changes meanwhile.
  const data = await startBundle(opts.out, opts.file)
  const built = await buildManifest(data, {
    chunkSize: opts.chunkSize ?? DEFAULT_CHUNK_SIZE,
    onProgress: opts.onProgress,
  })
  const { manifest } = built

  const announcement: Announcement = {
    patchId: built.patchId,
    name: opts.name,
    version: opts.version,
    targets: opts.targets ?? [],
    size: manifest.size,
    sha256: manifest.sha256,
    chunkSize: manifest.chunkSize,
    manifestSha256: new Uint8Array(built.manifestSha256),
    sequence: opts.sequence ?? nowMs,
    issuedAtMs: nowMs,
    expiresAtMs: nowMs + (opts.validForMs ?? DEFAULT_VALIDITY_MS),
    description: opts.description ?? '',
  }
  const summary: BundleSummary = {
    patchId: built.patchId,
    name: opts.name,
    version: opts.version,
    size: manifest.size,
    sha256: toHex(manifest.sha256),
    chunkSize: manifest.chunkSize,
    chunks: manifest.chunkHashes.byteLength / 32,
  }
  await finishBundle(
    opts.out,
    {
      announcement: signRecord('announcement', announcement, signers),
      manifest: built.bytes,
      roots: await rootHistory(opts.keysDir),
    },
    summary,
  )

  return { dir: opts.out, summary, announcement }
}
