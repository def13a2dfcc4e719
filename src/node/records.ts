/**
 * The node's side of signed records: every record from gossip or catch-up is verified, stored
 * and handed on; the verdict tells gossipsub whether to forward it and whom to blame. When the
 * node moves to a newer root, every stored announcement and approval is checked again under it,
 * and those signed by keys the new root no longer lists for their role are dropped; revocations
 * and halts are kept (see RECHECKED_KINDS).
 */
import type { Logger } from '../log.ts'
import type { RecordSink, RecordVerdict } from '../mesh/records.ts'
import type { NodeStore } from '../store/node-store.ts'
import {
  checkRecord,
  checkSignatures,
  RECORDS,
  RootVersionError,
  TrustError,
} from '../trust/index.ts'
import type { RecordVerifier, SignedKind, RecordTypes, TrustedRoot } from '../trust/index.ts'
import { WireDecodeError } from '../wire/errors.ts'
import { decodeApproval, decodeEnvelope, decodeHalt, decodeRoot } from '../wire/records.ts'

/** What the node does with each newly accepted record, once it is stored. */
export interface RecordHandlers {
  announcement(record: RecordTypes['announcement'], bytes: Uint8Array): Promise<void> | void
  revocation(record: RecordTypes['revocation'], bytes: Uint8Array): Promise<void> | void
  /** An approval or halt of a patch changed. Default: nothing. */
  decision?(patchId: string): Promise<void> | void
  /** A stored record no longer verifies under a newer root and was deleted. Default: nothing. */
  dropped?(record: DroppedRecord): Promise<void> | void
}

/** A stored record that does not verify under the current root, and why. */
export interface DroppedRecord {
  kind: SignedKind
  patchId: string
  /** As stored: an approval's "ring:<name>" or "group:<name>", '' for the other kinds. */
  subject: string
  reason: TrustError | WireDecodeError
}

const SIGNED_KINDS = ['announcement', 'revocation', 'approval', 'halt'] as const
/**
 * The kinds checked again under a newer root: those that let a node fetch or install. A stored
 * revocation or halt only ever stops a patch, so it stays even when its key was rotated out: a
 * routine rotation must not un-revoke a patch (the keys being retired may have signed it because
 * they were compromised), and the publisher or coordinator lifts a stop only with a newer record.
 */
const RECHECKED_KINDS = ['announcement', 'approval'] as const

/** The node store key of the newest root version every stored record was checked under. */
const CHECKED_UNDER_KEY = 'records-checked-under-root'

const KIND_BY_TYPE = new Map<string, SignedKind | 'root'>(
  Object.entries(RECORDS).map(([kind, { payloadType }]) => [
    payloadType,
    kind as SignedKind | 'root',
  ]),
)

/**
 * Approvals of one patch stand side by side, one per ring or group (the verifier's sequence
 * streams); a patch has one halt stream.
 */
function subjectOf(record: RecordTypes['approval'] | RecordTypes['halt']): string {
  if (!('ring' in record)) return ''

  return record.ring !== '' ? `ring:${record.ring}` : `group:${record.group}`
}

export class NodeRecords implements RecordSink {
  readonly #verifier: RecordVerifier
  readonly #store: NodeStore
  readonly #handlers: RecordHandlers
  readonly #log: Logger
  #rechecks: Promise<unknown> = Promise.resolve()

  constructor(verifier: RecordVerifier, store: NodeStore, handlers: RecordHandlers, log: Logger) {
    this.#verifier = verifier
    this.#store = store
    this.#handlers = handlers
    this.#log = log
  }

  async receive(
    bytes: Uint8Array,
    from: string,
    via: 'gossip' | 'catch-up',
  ): Promise<RecordVerdict> {
    try {
      const kind = KIND_BY_TYPE.get(decodeEnvelope(bytes).payloadType)
      switch (kind) {
        case 'root':
          return await this.#root(bytes)
        case 'announcement':
        case 'revocation': {
          const root = this.#verifier.root
          const verified = await this.#verifier.verify(kind, bytes)
          if (!verified.fresh) return 'ignore'

          await this.#keep(kind, verified.record.patchId, bytes, '', root)
          this.#log.info(
            { kind, patch: verified.record.patchId, peer: from, via },
            `${kind} accepted`,
          )
          if (kind === 'announcement')
            await this.#handlers.announcement(verified.record as RecordTypes['announcement'], bytes)
          else await this.#handlers.revocation(verified.record as RecordTypes['revocation'], bytes)
          return 'accept'
        }
        case 'approval':
        case 'halt': {
          // The coordinator decides only on patches it has seen announced, and catch-up sends
          // announcements first: a decision on a patch this node never heard of is not kept.
          // Checked before verification, which would mark its sequence as seen.
          const decode = kind === 'approval' ? decodeApproval : decodeHalt
          const about = decode(decodeEnvelope(bytes).payload).patchId
          if ((await this.#store.getRecord('announcement', about)) === undefined) {
            // A forgery still costs its sender: the signatures are checked, without state.
            checkRecord(kind, bytes, this.#verifier.root, { nowMs: Date.now() })
            this.#log.debug({ kind, patch: about, peer: from, via }, `${kind} of an unknown patch`)
            return 'ignore'
          }
          const root = this.#verifier.root
          const verified = await this.#verifier.verify(kind, bytes)
          if (!verified.fresh) return 'ignore'

          const { patchId } = verified.record
          await this.#keep(kind, patchId, bytes, subjectOf(verified.record), root)
          this.#log.info({ kind, patch: patchId, peer: from, via }, `${kind} accepted`)
          await this.#handlers.decision?.(patchId)
          return 'accept'
        }
        default:
          this.#log.debug({ peer: from, via }, 'record of an unknown type dropped')
          return 'reject'
      }
    } catch (err) {
      return this.#verdictFor(err, from, via)
    }
  }

  /** Roots first (a verifier with an old root needs them), then the current record of each patch. */
  async current(): Promise<Uint8Array[]> {
    const out: Uint8Array[] = [this.#verifier.root.bytes]
    for (const kind of SIGNED_KINDS) {
      for (const record of await this.#store.listRecords(kind)) out.push(record.envelope)
    }

    return out
  }

  async #root(bytes: Uint8Array): Promise<RecordVerdict> {
    const offered = decodeRoot(decodeEnvelope(bytes).payload).version
    if (offered <= this.#verifier.root.root.version) return 'ignore'

    const next = this.#verifier.updateRoot([bytes])
    await this.#store.putTrustRoot(next.bytes)
    this.#log.info({ version: next.root.version }, 'moved to a newer root')
    // The root is taken either way; records not checked now are checked at the next start.
    await this.recheck().catch((err: unknown) =>
      this.#log.error({ version: next.root.version, err }, 'stored records not checked again'),
    )
    return 'accept'
  }

  /**
   * Checks every stored record again under the current root, unless that was done under this
   * root version already (the store keeps the version), deletes those that no longer verify
   * (a key the root no longer lists for the role, a threshold not met) and tells the handlers.
   * The node calls it on start and it runs after each root update. Validity times are not
   * checked again (see checkSignatures); sequence numbers stay as they are.
   */
  recheck(): Promise<DroppedRecord[]> {
    const run = this.#rechecks.then(() => this.#recheck())
    this.#rechecks = run.catch(() => undefined)

    return run
  }

  async #recheck(): Promise<DroppedRecord[]> {
    const root = this.#verifier.root
    const version = root.root.version
    const checked = await this.#store.getValue(CHECKED_UNDER_KEY)
    if (checked !== undefined && Number(new TextDecoder().decode(checked)) >= version) return []

    const dropped: DroppedRecord[] = []
    for (const kind of RECHECKED_KINDS) {
      for (const { patchId, subject, envelope } of await this.#store.listRecords(kind)) {
        const reason = failureUnder(root, kind, envelope)
        if (reason === undefined) continue

        await this.#store.deleteRecord(kind, patchId, subject)
        this.#log.warn(
          { kind, patch: patchId, subject, reason: reason.name, rootVersion: version },
          `stored ${kind} of patch ${patchId} dropped under root ${version}: ${reason.message}`,
        )
        dropped.push({ kind, patchId, subject, reason })
      }
    }
    await this.#store.putValue(CHECKED_UNDER_KEY, new TextEncoder().encode(String(version)))

    for (const record of dropped) {
      try {
        await this.#handlers.dropped?.(record)
      } catch (err) {
        this.#log.error({ kind: record.kind, patch: record.patchId, err }, 'drop not applied')
      }
    }

    return dropped
  }

  /**
   * Stores a record verified under `root`. A newer root may have arrived while it was verified,
   * and that root's recheck may have listed the store before this record was in it: the record
   * is then checked again here, and deleted and refused if it does not verify under the new root.
   */
  async #keep(
    kind: SignedKind,
    patchId: string,
    bytes: Uint8Array,
    subject: string,
    root: TrustedRoot,
  ): Promise<void> {
    await this.#store.putRecord(kind, patchId, bytes, subject)
    const current = this.#verifier.root
    if (current === root || !(RECHECKED_KINDS as readonly string[]).includes(kind)) return

    const reason = failureUnder(current, kind, bytes)
    if (reason === undefined) return
    await this.#store.deleteRecord(kind, patchId, subject)
    throw reason
  }

  #verdictFor(err: unknown, from: string, via: string): RecordVerdict {
    if (err instanceof RootVersionError) return 'ignore'
    if (err instanceof TrustError) {
      const level = err.penalize ? 'warn' : 'debug'
      this.#log[level]({ peer: from, via, reason: err.name }, `record refused: ${err.message}`)
      return err.penalize ? 'reject' : 'ignore'
    }
    if (err instanceof WireDecodeError) {
      this.#log.warn({ peer: from, via }, `malformed record refused: ${err.message}`)
      return 'reject'
    }

    this.#log.error({ peer: from, via, err }, 'record could not be handled')
    return 'ignore'
  }
}

/** Why a stored record does not verify under `root`, or undefined when it does. */
function failureUnder(root: TrustedRoot, kind: SignedKind, envelope: Uint8Array) {
  try {
    checkSignatures(kind, envelope, root)
    return undefined
  } catch (err) {
    // Stored bytes that no longer decode (a damaged store) are dropped the same way.
    if (err instanceof TrustError || err instanceof WireDecodeError) return err
    throw err
  }
}
