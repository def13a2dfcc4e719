/**
 * The verifier a node runs on every signed record it receives: envelope, payload type, role
 * signatures against the current root, validity time, then sequence. Stateless checks are
 * exported on their own for one-shot tools such as `patchmesh verify`.
 */
import { createHash } from 'node:crypto'
import { patchIdOf } from '../manifest/index.ts'
import {
  Announcement as AnnouncementCodec,
  Approval as ApprovalCodec,
  Halt as HaltCodec,
  Revocation as RevocationCodec,
  decodeAnnouncement,
  decodeApproval,
  decodeHalt,
  decodeManifest,
  decodeRevocation,
} from '../wire/records.ts'
import type {
  Announcement,
  Approval,
  Envelope,
  Halt,
  Manifest,
  Revocation,
} from '../wire/records.ts'
import { openEnvelope, RECORDS, signEnvelope, signingInput } from './envelope.ts'
import type { RecordKind } from './envelope.ts'
import { ExpiredRecordError, ManifestMismatchError } from './errors.ts'
import type { Bytes, SigningKey } from './keys.ts'
import { followRoots, rotateRoot } from './root.ts'
import type { TrustedRoot } from './root.ts'
import { SequenceGuard } from './sequence.ts'
import type { SequenceStore } from './sequence.ts'
import { checkValidity, DEFAULT_CLOCK_SKEW_MS, verifyThreshold } from './verify.ts'

interface RecordTypes {
  announcement: Announcement
  revocation: Revocation
  approval: Approval
  halt: Halt
}
type SignedKind = keyof RecordTypes

const decoders: { [K in SignedKind]: (bytes: Uint8Array) => RecordTypes[K] } = {
  announcement: decodeAnnouncement,
  revocation: decodeRevocation,
  approval: decodeApproval,
  halt: decodeHalt,
}

const encoders: { [K in SignedKind]: (record: RecordTypes[K]) => Uint8Array } = {
  announcement: AnnouncementCodec.encode,
  revocation: RevocationCodec.encode,
  approval: ApprovalCodec.encode,
  halt: HaltCodec.encode,
}

/** Encodes a record and signs it with every key given: how authority and coordinator sign. */
export function signRecord<K extends SignedKind>(
  kind: K,
  record: RecordTypes[K],
  keys: SigningKey[],
): Uint8Array {
  return signEnvelope(kind, encoders[kind](record) as Bytes, keys)
}

/** A record that passed every check. */
export interface Verified<T> {
  record: T
  envelope: Envelope
  /** The envelope bytes as received: what is stored and forwarded. */
  bytes: Uint8Array
  /**
   * Hex SHA-256 of the signed content (payload type and payload): copies of one record that
   * differ only in their signatures share it. Used for duplicate detection and message ids.
   */
  digest: string
  /** Ids of the keys whose signatures verified. */
  signers: string[]
}

export interface CheckOptions {
  /** Current time in ms since the epoch. */
  nowMs: number
  /** Allowed clock disagreement in ms. Default {@link DEFAULT_CLOCK_SKEW_MS}. */
  clockSkewMs?: number
}

/**
 * Verifies a signed record without sequence state: its envelope, type, signatures by a
 * threshold of its role's keys in `root`, and its validity (as well as the root's own).
 */
export function checkRecord<K extends SignedKind>(
  kind: K,
  bytes: Uint8Array,
  root: TrustedRoot,
  opts: CheckOptions,
): Verified<RecordTypes[K]> {
  const skew = opts.clockSkewMs ?? DEFAULT_CLOCK_SKEW_MS
  const verified = checkSignatures(kind, bytes, root)
  checkValidity(kind, verified.record, opts.nowMs, skew)
  checkRootCurrent(root, opts.nowMs, skew)

  return verified
}

/**
 * The checks of {@link checkRecord} that depend on the root alone: the envelope, its type, a
 * threshold of the role's keys in `root`, and an announcement's patch id. A node runs them on
 * its stored records when it moves to a newer root. Validity times are left out: they were
 * checked on arrival, and an expired halt or revocation keeps its effect.
 */
export function checkSignatures<K extends SignedKind>(
  kind: K,
  bytes: Uint8Array,
  root: TrustedRoot,
): Verified<RecordTypes[K]> {
  const envelope = openEnvelope(kind, bytes)
  const signers = verifyThreshold(kind, envelope, root.root, RECORDS[kind].role)
  const record = decoders[kind](envelope.payload)
  if (kind === 'announcement') checkPatchId(record as Announcement)

  const digest = sha256Hex(signingInput(envelope.payloadType, envelope.payload))

  return { record, envelope, bytes, digest, signers }
}

/**
 * Checks that `manifestBytes` are the manifest `announcement` names, by hash, and that its
 * size, chunk size and file hash agree with the announcement. Returns the decoded manifest.
 */
export function checkManifest(announcement: Announcement, manifestBytes: Uint8Array): Manifest {
  const digest = createHash('sha256').update(manifestBytes).digest()
  if (!digest.equals(announcement.manifestSha256)) {
    throw new ManifestMismatchError(announcement.patchId, 'manifest hash differs from announced')
  }

  const manifest = decodeManifest(manifestBytes)
  if (manifest.size !== announcement.size) {
    throw new ManifestMismatchError(announcement.patchId, 'manifest size differs from announced')
  }
  if (manifest.chunkSize !== announcement.chunkSize) {
    throw new ManifestMismatchError(announcement.patchId, 'chunk size differs from announced')
  }
  if (!Buffer.from(manifest.sha256).equals(announcement.sha256)) {
    throw new ManifestMismatchError(announcement.patchId, 'file hash differs from announced')
  }

  return manifest
}

/** Which stream a record's sequence number belongs to. */
export function streamOf(kind: SignedKind, record: RecordTypes[SignedKind]): string {
  switch (kind) {
    case 'announcement':
    case 'revocation':
      // One stream per patch, so an old announcement cannot undo a revocation.
      return `patch:${record.patchId}`
    case 'approval': {
      const a = record as Approval
      return a.ring !== ''
        ? `approval:${a.patchId}:ring:${a.ring}`
        : `approval:${a.patchId}:group:${a.group}`
    }
    case 'halt':
      return `halt:${record.patchId}`
  }
}

export interface RecordVerifierOptions {
  /** The clock; tests pass a controllable one. Default Date.now. */
  now?: () => number
  /** Allowed clock disagreement in ms. Default {@link DEFAULT_CLOCK_SKEW_MS}. */
  clockSkewMs?: number
}

/** A node's verifier: the stateless checks plus replay and rollback protection. */
export class RecordVerifier {
  #root: TrustedRoot
  readonly #guard: SequenceGuard
  readonly #now: () => number
  readonly #skew: number

  constructor(root: TrustedRoot, sequences: SequenceStore, opts: RecordVerifierOptions = {}) {
    this.#root = root
    this.#guard = new SequenceGuard(sequences)
    this.#now = opts.now ?? Date.now
    this.#skew = opts.clockSkewMs ?? DEFAULT_CLOCK_SKEW_MS
  }

  get root(): TrustedRoot {
    return this.#root
  }

  /** Moves to a newer root (or a chain of them); the caller persists `root.bytes`. */
  updateRoot(chain: Uint8Array[]): TrustedRoot {
    this.#root =
      chain.length === 1 ? rotateRoot(this.#root, chain[0]) : followRoots(this.#root, chain)
    return this.#root
  }

  /**
   * Verifies a record and admits its sequence. `fresh` is false for the very record accepted
   * last on its stream (a harmless duplicate, as gossip and catch-up deliver).
   */
  async verify<K extends SignedKind>(
    kind: K,
    bytes: Uint8Array,
  ): Promise<Verified<RecordTypes[K]> & { fresh: boolean }> {
    const verified = checkRecord(kind, bytes, this.#root, {
      nowMs: this.#now(),
      clockSkewMs: this.#skew,
    })
    const record = verified.record
    const stream = streamOf(kind, record)
    const outcome = await this.#guard.admit(kind, stream, record.sequence, verified.digest)

    return { ...verified, fresh: outcome === 'new' }
  }
}

function checkPatchId(a: Announcement): void {
  if (a.patchId !== patchIdOf(a.manifestSha256)) {
    throw new ManifestMismatchError(a.patchId, 'patch id does not derive from the manifest hash')
  }
}

function checkRootCurrent(root: TrustedRoot, nowMs: number, skewMs: number): void {
  if (nowMs - skewMs > root.root.expiresAtMs) {
    throw new ExpiredRecordError('root', root.root.expiresAtMs, nowMs)
  }
}

function sha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex')
}

export type { RecordKind, SignedKind, RecordTypes }
