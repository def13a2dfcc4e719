/**
 * Signing the coordinator's records: approvals and halts, with the coordinator role's keys (a
 * threshold of them), a sequence number per record stream, and a check that the nodes' verifier
 * would accept the result before anything is stored or gossiped.
 */
import { checkRecord, signRecord, streamOf, TrustError } from '../trust/index.ts'
import type { SigningKey, TrustedRoot } from '../trust/index.ts'
import type { Approval, Halt, Window } from '../wire/records.ts'
import { WireDecodeError } from '../wire/errors.ts'
import { SigningError } from './errors.ts'

/** How long a signed record is valid by default, past its last relevant time: 90 days. */
export const DEFAULT_RECORD_VALIDITY_MS = 90 * 86_400_000

/** Whom an approval is for: exactly one of a ring and a group. */
export type ApprovalTarget = { readonly ring: string } | { readonly group: string }

export interface ApprovalFields {
  readonly notBeforeMs: number
  /** 0 for none. */
  readonly deadlineMs: number
  readonly windows: readonly Window[]
}

/** A record signed and checked, ready to store and gossip. */
export interface SignedRecord<T> {
  readonly record: T
  /** The envelope, exactly as it is stored and gossiped. */
  readonly bytes: Uint8Array
  /** The sequence stream it belongs to, e.g. "approval:<patch>:ring:canary". */
  readonly stream: string
}

export interface RecordSignerOptions {
  /** A threshold of the coordinator role's keys. */
  readonly signers: readonly SigningKey[]
  /** The root the nodes verify against (the coordinator's own node's current root). */
  readonly root: () => TrustedRoot
  /** The last sequence used on each stream, as stored; the signer advances it. */
  readonly sequences: Map<string, number>
  /** How long records are valid; see {@link DEFAULT_RECORD_VALIDITY_MS}. */
  readonly validForMs?: number
}

export class RecordSigner {
  readonly #opts: RecordSignerOptions
  readonly #validForMs: number

  constructor(opts: RecordSignerOptions) {
    this.#opts = opts
    this.#validForMs = opts.validForMs ?? DEFAULT_RECORD_VALIDITY_MS
  }

  /**
   * Signs an approval issued at `issuedAtMs`. It stays valid for the validity period after the
   * latest of its issue, not-before and deadline times, so nodes that come late still install.
   */
  approval(
    patchId: string,
    target: ApprovalTarget,
    fields: ApprovalFields,
    issuedAtMs: number,
  ): SignedRecord<Approval> {
    const last = Math.max(issuedAtMs, fields.notBeforeMs, fields.deadlineMs)
    const draft: Approval = {
      patchId,
      ring: 'ring' in target ? target.ring : '',
      group: 'group' in target ? target.group : '',
      notBeforeMs: fields.notBeforeMs,
      deadlineMs: fields.deadlineMs,
      windows: fields.windows.map((w) => ({ ...w })),
      sequence: 0,
      issuedAtMs,
      expiresAtMs: last + this.#validForMs,
    }

    return this.#sign('approval', draft, issuedAtMs)
  }

  /** Signs a halt issued at `issuedAtMs`. */
  halt(patchId: string, reason: string, issuedAtMs: number): SignedRecord<Halt> {
    const draft: Halt = {
      patchId,
      reason,
      sequence: 0,
      issuedAtMs,
      expiresAtMs: issuedAtMs + this.#validForMs,
    }

    return this.#sign('halt', draft, issuedAtMs)
  }

  #sign<K extends 'approval' | 'halt'>(
    kind: K,
    draft: K extends 'approval' ? Approval : Halt,
    issuedAtMs: number,
  ): SignedRecord<K extends 'approval' ? Approval : Halt> {
    const stream = streamOf(kind, draft)
    // The issue time, unless a record on this stream already used it or a later number: then
    // one more. Time-based numbers stay ahead of the nodes' even if this state were lost.
    const sequence = Math.max((this.#opts.sequences.get(stream) ?? 0) + 1, issuedAtMs)
    const record = { ...draft, sequence }
    const bytes =
      kind === 'approval'
        ? signRecord('approval', record as Approval, [...this.#opts.signers])
        : signRecord('halt', record as Halt, [...this.#opts.signers])

    try {
      checkRecord(kind, bytes, this.#opts.root(), { nowMs: issuedAtMs })
    } catch (err) {
      if (err instanceof TrustError || err instanceof WireDecodeError) {
        throw new SigningError(err.message, { cause: err })
      }
      throw err
    }
    this.#opts.sequences.set(stream, sequence)

    return { record, bytes, stream }
  }
}
