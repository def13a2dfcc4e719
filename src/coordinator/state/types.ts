/** What the coordinator keeps across restarts. Every shape here is JSON-safe. */
import type { NodeRecord, RolloutSnapshot } from '../rollout/index.ts'

/** A patch the coordinator has seen a verified announcement of. */
export interface PatchEntry {
  readonly patchId: string
  readonly name: string
  readonly version: string
  /** Size of the patch file in bytes. */
  readonly size: number
  readonly chunkSize: number
  /** Target selectors, "key=value". */
  readonly targets: readonly string[]
  readonly description: string
  /** Sequence of the newest announcement seen. */
  readonly sequence: number
  /** When the publisher issued the announcement, publisher clock. */
  readonly issuedAtMs: number
  readonly expiresAtMs: number
  /** When the coordinator first saw the announcement, coordinator clock. */
  readonly seenAtMs: number
  /** Set once the publisher revoked the patch. */
  readonly revoked?: { readonly reason: string; readonly atMs: number }
  /**
   * Set when the announcement no longer verifies under a newer root (its key was rotated out);
   * cleared by a newer announcement that verifies.
   */
  readonly untrusted?: { readonly reason: string; readonly atMs: number }
}

/** A node that reported at least once. */
export interface NodeEntry {
  readonly nodeId: string
  readonly site: string
  /** '' for a node in no ring. */
  readonly ring: string
  readonly groups: readonly string[]
  /** When its latest report arrived, coordinator clock. */
  readonly lastSeenMs: number
  /** When its first report arrived, coordinator clock. */
  readonly firstSeenMs: number
}

/** One approval or halt the coordinator signed for a patch, newest last in a patch's history. */
export type HistoryEntry =
  | {
      readonly type: 'approval'
      readonly ring?: string
      readonly group?: string
      readonly by: 'operator' | 'policy'
      readonly atMs: number
      readonly sequence: number
      readonly notBeforeMs: number
      /** 0 for none, as in the signed record. */
      readonly deadlineMs: number
      readonly windows: readonly unknown[]
      /** Why the policy approved; '' for an operator. */
      readonly reason: string
    }
  | {
      readonly type: 'halt'
      readonly by: 'operator' | 'policy'
      readonly atMs: number
      readonly sequence: number
      readonly reason: string
    }

/** A patch's rollout without its node records, which are stored one by one. */
export interface RolloutEntry {
  readonly snapshot: RolloutSnapshot
  /** The approvals and halts signed for this patch, oldest first, at most the last 200. */
  readonly history: readonly HistoryEntry[]
  /**
   * The issue time of the newest record signed for this patch. The next one is issued later
   * still, so that on the nodes an approval always follows the halt it lifts.
   */
  readonly lastIssuedAtMs: number
}

/** Everything the store holds, as {@link CoordinatorStore.load} reads it back. */
export interface StoredState {
  readonly patches: PatchEntry[]
  readonly nodes: NodeEntry[]
  readonly rollouts: Array<{ entry: RolloutEntry; nodes: NodeRecord[] }>
  /** The last sequence the coordinator used on each record stream. */
  readonly sequences: Map<string, number>
  /** The newest signed record of each stream, envelope bytes as gossiped. */
  readonly records: Map<string, Uint8Array>
}
