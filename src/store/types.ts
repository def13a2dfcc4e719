/** The shapes the node store reads and writes. */
import type { Bitfield } from '../schedule/bitfield.ts'
import type { SignedKind } from '../trust/index.ts'

/** The signed record kinds kept per patch: announcement, revocation, approval, halt. */
export type RecordKind = SignedKind

/** One stored signed record: the envelope bytes exactly as received. */
export interface StoredRecord {
  patchId: string
  /** What tells apart records of one kind for one patch ('' when there is one per patch). */
  subject: string
  envelope: Uint8Array
}

/**
 * The small per-patch record a node keeps beside the data file: where the patch's download and
 * install lifecycle stands. The state names belong to the state machine that writes them (in
 * src/node); the store only keeps them.
 */
export interface PatchState {
  /** Name of the lifecycle state, e.g. "fetching", "verified", "installed", "failed". */
  state: string
  /** When the patch was first recorded, in ms since the epoch. */
  createdAtMs: number
  /** When `state` last changed, in ms since the epoch. */
  updatedAtMs: number
  /** Named counters (attempts, bad chunks, bytes over the WAN, ...). */
  counters?: Record<string, number>
  /** Why the last attempt failed, for operators; absent unless the state is a failure. */
  failure?: string
}

/** A patch id with its state record. */
export interface PatchStateEntry {
  patchId: string
  state: PatchState
}

/** The reading half of a {@link Bitfield}: what a patch file's holders may look at. */
export type ReadonlyBitfield = Pick<
  Bitfield,
  | 'length'
  | 'count'
  | 'isFull'
  | 'isEmpty'
  | 'get'
  | 'toBytes'
  | 'clone'
  | 'setIndexes'
  | 'unsetIndexes'
>
