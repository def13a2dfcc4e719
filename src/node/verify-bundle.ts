/**
 * What a node checks before it trusts a file offline: the bundle's announcement against its
 * enrolled root (following any root rotations the bundle carries), the manifest against the
 * announcement, that the publisher has not revoked the patch (a signed revocation in the bundle),
 * and every byte of the file against the manifest.
 */
import { bundlePaths, readBundle } from '../authority/bundle.ts'
import { readRevocation } from '../authority/revoke.ts'
import { naming } from '../util/files.ts'
import { verifyFile } from '../manifest/index.ts'
import type { ProgressFn } from '../manifest/index.ts'
import {
  checkManifest,
  checkRecord,
  followRoots,
  loadAnchor,
  PatchRevokedError,
} from '../trust/index.ts'
import type { Announcement, Manifest } from '../wire/records.ts'

export interface VerifyBundleOptions {
  /** The file to check. */
  file: string
  /** The root the verifier is enrolled with (its trust anchor), as signed bytes. */
  anchor: Uint8Array
  /** Where the anchor was read from, for error messages. */
  anchorPath?: string
  bundleDir: string
  nowMs?: number
  clockSkewMs?: number
  onProgress?: ProgressFn
}

export interface VerifiedFile {
  announcement: Announcement
  manifest: Manifest
  /** The root version the announcement was verified under. */
  rootVersion: number
}

/** Resolves when the file is the one the bundle announces; throws a named error otherwise. */
export async function verifyAgainstBundle(opts: VerifyBundleOptions): Promise<VerifiedFile> {
  const bundle = await readBundle(opts.bundleDir)
  const paths = bundlePaths(opts.bundleDir)
  const anchor = await naming(opts.anchorPath ?? 'the trusted root', () => loadAnchor(opts.anchor))
  const root = await naming(paths.roots, () => followRoots(anchor, bundle.roots))
  const { record } = await naming(paths.announcement, () =>
    checkRecord('announcement', bundle.announcement, root, {
      nowMs: opts.nowMs ?? Date.now(),
      clockSkewMs: opts.clockSkewMs,
    }),
  )
  const manifest = await naming(paths.manifest, () => checkManifest(record, bundle.manifest))
  // A revocation in the bundle must verify like the announcement; a damaged one is an error,
  // never a reason to call the patch good.
  const revocation = await readRevocation(opts.bundleDir)
  if (revocation !== undefined) {
    const revoked = await naming(paths.revocation, () =>
      checkRecord('revocation', revocation, root, {
        nowMs: opts.nowMs ?? Date.now(),
        clockSkewMs: opts.clockSkewMs,
      }),
    )
    if (revoked.record.patchId === record.patchId) {
      throw new PatchRevokedError(record.patchId, revoked.record.reason)
    }
  }
  await verifyFile(opts.file, manifest, { onProgress: opts.onProgress })

  return { announcement: record, manifest, rootVersion: root.root.version }
}
