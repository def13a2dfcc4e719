/**
 * Turning a file into a released patch: chunk and hash it, build the manifest, sign the
 * announcement with the publisher keys, and write it all as a bundle.
 */
import { rm, stat } from 'node:fs/promises'
import { buildManifest, validateChunkSize } from '../manifest/index.ts'
import type { BuiltManifest, ProgressFn } from '../manifest/index.ts'
import { signRecord, toHex } from '../trust/index.ts'
import {
  Announcement as AnnouncementCodec,
  decodeAnnouncement,
  decodeEnvelope,
} from '../wire/records.ts'
import type { Announcement } from '../wire/records.ts'
import { DEFAULT_CHUNK_SIZE, MAX_CHUNKS } from '../wire/limits.ts'
import { PublishError } from './errors.ts'
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

/**
 * Publishes `opts.file` as a bundle in `opts.out`. Everything that can be checked before the
 * copy is (the keys, the root's expiry, the file, the chunk size, every announcement field), and
 * the signed announcement is decoded once more as a verifier would before it is written, so a
 * bundle that is written is one verifiers accept. On failure the output directory is removed.
 */
export async function publish(opts: PublishOptions): Promise<Published> {
  const keys = await openKeys(opts.keysDir, ['publisher'])
  const signers = signersFor(keys, 'publisher')
  const nowMs = opts.nowMs ?? Date.now()
  const { expiresAtMs } = keys.root.root
  if (expiresAtMs <= nowMs) {
    throw new PublishError(
      `the root in ${opts.keysDir} expired at ${new Date(expiresAtMs).toISOString()}; ` +
        'renew it with `patchmesh keys rotate --role root`',
    )
  }

  if (opts.sequence !== undefined && !(Number.isSafeInteger(opts.sequence) && opts.sequence >= 1)) {
    throw new PublishError(`the sequence must be a whole number of 1 or more, got ${opts.sequence}`)
  }
  const chunkSize = opts.chunkSize ?? DEFAULT_CHUNK_SIZE
  const size = await regularFileSize(opts.file)
  validateChunkSize(chunkSize)
  if (Math.ceil(size / chunkSize) > MAX_CHUNKS) {
    throw new PublishError(`${opts.file} needs over ${MAX_CHUNKS} chunks; use a larger chunk size`)
  }
  const draft = (built?: BuiltManifest): Announcement => ({
    patchId: built?.patchId ?? '0'.repeat(32),
    name: opts.name,
    version: opts.version,
    targets: opts.targets ?? [],
    size: built?.manifest.size ?? size,
    sha256: built?.manifest.sha256 ?? new Uint8Array(32),
    chunkSize,
    manifestSha256: new Uint8Array(built?.manifestSha256 ?? new Uint8Array(32)),
    sequence: opts.sequence ?? nowMs,
    issuedAtMs: nowMs,
    expiresAtMs: nowMs + (opts.validForMs ?? DEFAULT_VALIDITY_MS),
    description: opts.description ?? '',
  })
  // The verifiers' own decoder judges the fields: name, version, selectors, sequence, validity.
  decodeAnnouncement(AnnouncementCodec.encode(draft()))

  const data = await startBundle(opts.out, opts.file)
  try {
    // Chunk the bundle's own copy, so the manifest describes exactly the bytes shipped even if
    // the source file changes meanwhile.
    const built = await buildManifest(data, { chunkSize, onProgress: opts.onProgress })
    const announcement = draft(built)
    const signed = signRecord('announcement', announcement, signers)
    decodeEnvelope(signed)

    const { manifest } = built
    const summary: BundleSummary = {
      patchId: built.patchId,
      name: opts.name,
      version: opts.version,
      size: manifest.size,
      sha256: toHex(manifest.sha256),
      chunkSize,
      chunks: manifest.chunkHashes.byteLength / 32,
    }
    const roots = await rootHistory(opts.keysDir)
    await finishBundle(opts.out, { announcement: signed, manifest: built.bytes, roots }, summary)

    return { dir: opts.out, summary, announcement }
  } catch (err) {
    await rm(opts.out, { recursive: true, force: true })
    throw err
  }
}

async function regularFileSize(file: string): Promise<number> {
  const info = await stat(file)
  if (!info.isFile()) {
    throw new PublishError(
      `${file} is not a regular file (a pipe or a device cannot be chunked twice)`,
    )
  }

  return info.size
}
