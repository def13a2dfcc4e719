/**
 * The node's side of signed records: every record from gossip or catch-up is verified, stored
 * and handed on; the verdict tells gossipsub whether to forward it and whom to blame.
 */
import type { Logger } from '../log.ts'
import type { RecordSink, RecordVerdict } from '../mesh/records.ts'
import type { NodeStore } from '../store/node-store.ts'
import { checkRecord, RECORDS, RootVersionError, TrustError } from '../trust/index.ts'
import type { RecordVerifier, SignedKind, RecordTypes } from '../trust/index.ts'
import { WireDecodeError } from '../wire/errors.ts'
import { decodeApproval, decodeEnvelope, decodeHalt, decodeRoot } from '../wire/records.ts'

/** What the node does with each newly accepted record, once it is stored. */
export interface RecordHandlers {
  announcement(record: RecordTypes['announcement'], bytes: Uint8Array): Promise<void> | void
  revocation(record: RecordTypes['revocation'], bytes: Uint8Array): Promise<void> | void
  /** An approval or halt of a patch changed. Default: nothing. */
  decision?(patchId: string): Promise<void> | void
}

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
          const verified = await this.#verifier.verify(kind, bytes)
          if (!verified.fresh) return 'ignore'

          await this.#store.putRecord(kind, verified.record.patchId, bytes)
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
          const verified = await this.#verifier.verify(kind, bytes)
          if (!verified.fresh) return 'ignore'

          const { patchId } = verified.record
          await this.#store.putRecord(kind, patchId, bytes, subjectOf(verified.record))
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
    for (const kind of ['announcement', 'revocation', 'approval', 'halt'] as const) {
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
    return 'accept'
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
