/**
 * Revoking a published patch: the publisher signs a revocation on the patch's own sequence
 * stream (after its announcement, so no replayed announcement can undo it) and keeps it in the
 * bundle as `revocation.signed`. The authority gossips it at start and whenever it reloads its
 * bundles; every node then stops fetching, serving and installing the patch and deletes its data.
 */
import { stat, writeFile } from 'node:fs/promises'
import { signRecord } from '../trust/index.ts'
import { readBoundedFile } from '../util/files.ts'
import { MAX_ENVELOPE_BYTES, MAX_TEXT_LENGTH } from '../wire/limits.ts'
import { decodeAnnouncement, decodeEnvelope, decodeRevocation } from '../wire/records.ts'
import type { Revocation } from '../wire/records.ts'
import { bundlePaths } from './bundle.ts'
import { BundleError, PublishError } from './errors.ts'
import { openKeys, signersFor } from './keys-dir.ts'

/** How long a revocation stays valid by default: a year, far past any announcement's life. */
const DEFAULT_VALIDITY_MS = 365 * 86_400_000

export interface RevokeOptions {
  bundle: string
  keysDir: string
  reason: string
  /** Default {@link DEFAULT_VALIDITY_MS}. */
  validForMs?: number
  /** Default Date.now(). */
  nowMs?: number
}

/** Signs a revocation of the bundle's patch and writes it into the bundle. */
export async function revoke(opts: RevokeOptions): Promise<Revocation> {
  if (opts.reason.trim() === '' || opts.reason.length > MAX_TEXT_LENGTH) {
    throw new PublishError(`the reason must be 1 to ${MAX_TEXT_LENGTH} characters`)
  }
  const paths = bundlePaths(opts.bundle)
  const announced = await readBoundedFile(paths.announcement, MAX_ENVELOPE_BYTES, 'announcement')
  const announcement = decodeAnnouncement(decodeEnvelope(announced).payload)
  const keys = await openKeys(opts.keysDir, ['publisher'])
  const nowMs = opts.nowMs ?? Date.now()

  const revocation: Revocation = {
    patchId: announcement.patchId,
    reason: opts.reason,
    sequence: Math.max(announcement.sequence + 1, nowMs),
    issuedAtMs: nowMs,
    expiresAtMs: nowMs + (opts.validForMs ?? DEFAULT_VALIDITY_MS),
  }
  const signed = signRecord('revocation', revocation, signersFor(keys, 'publisher'))
  await writeFile(paths.revocation, signed)

  return revocation
}

/** The bundle's signed revocation, or undefined when it was never revoked. */
export async function readRevocation(bundle: string): Promise<Uint8Array | undefined> {
  const path = bundlePaths(bundle).revocation
  if ((await stat(path).catch(() => undefined)) === undefined) return undefined

  const bytes = await readBoundedFile(path, MAX_ENVELOPE_BYTES, 'revocation')
  try {
    decodeRevocation(decodeEnvelope(bytes).payload)
  } catch (err) {
    throw new BundleError(bundle, `revocation.signed: ${(err as Error).message}`)
  }

  return bytes
}
