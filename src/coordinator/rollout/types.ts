/**
 * The states a node reports for a patch, in the order a healthy node passes through them.
 * `failed` may follow any of the others, and a node may leave it again by retrying.
 */
export const NODE_STATES = [
  'announced',
  'waiting-approval',
  'downloading',
  'downloaded',
  'waiting-window',
  'installing',
  'installed',
  'failed',
] as const

export type NodeState = (typeof NODE_STATES)[number]

/** Bytes of the patch a node obtained, by where they came from. */
export interface SourceBytes {
  /** From peers at the node's own site: LAN traffic. */
  readonly ownSite: number
  /** From peers at other sites: WAN traffic. */
  readonly otherSites: number
  /** From the origin seed: WAN traffic (origin bytes are all counted as WAN). */
  readonly origin: number
}

/**
 * One status report as a node sends it. The fields are those of the wire `StatusReport`, so a
 * decoded report can be passed as it is. Optional numbers default to 0, optional strings to ''.
 */
export interface NodeReport {
  readonly nodeId: string
  /** When non-empty, must name the rollout's patch. */
  readonly patchId?: string
  /** One of {@link NODE_STATES}; anything else is rejected. */
  readonly state: string
  readonly site: string
  /** '' for a node in no ring; a ring the rollout does not know is kept but never promotes. */
  readonly ring: string
  readonly chunksHeld?: number
  readonly chunkCount?: number
  readonly bytesOwnSite?: number
  readonly bytesOtherSites?: number
  readonly bytesOrigin?: number
  /**
   * Why the node failed, or, in another state, what holds it up (e.g. "disk full: <path>" while
   * downloading); '' for none.
   */
  readonly reason?: string
  /** Per-node counter: of two reports from one node, the higher sequence wins. */
  readonly sequence: number
  /** The node's own clock when it sent the report. */
  readonly timeMs: number
}

/** What recording a report did: kept it, or ignored a repeat or an older report. */
export type ReportOutcome = 'recorded' | 'duplicate' | 'stale'

/** The latest known state of one node. */
export interface NodeRecord {
  readonly nodeId: string
  readonly ring: string
  readonly site: string
  readonly state: NodeState
  readonly sequence: number
  readonly chunksHeld: number
  readonly chunkCount: number
  readonly bytes: SourceBytes
  /**
   * The failure reason ('' when the node gave none) with state `failed`; in another state what
   * holds the node up, as its latest report says, or undefined when it says nothing.
   */
  readonly reason: string | undefined
  /** The node's clock at its latest report. Shown to operators only: node clocks drift. */
  readonly reportedAtMs: number
  /** The coordinator's clock when the latest report arrived. */
  readonly receivedAtMs: number
  /**
   * The coordinator's clock when the report that moved the node into its current state arrived.
   * Soak and halt decisions use this, never the node's clock.
   */
  readonly stateSinceMs: number
}

/** Who made a decision: an operator through the API, or the rollout policy. */
export type Actor = 'operator' | 'policy'

/** What an operator (or the policy) passes to approve a ring or group. */
export interface ApprovalTerms {
  /** The coordinator's clock at the approval; soak of the ring never starts earlier. */
  readonly approvedAtMs: number
  /** Nodes install no earlier than this. Default `approvedAtMs`. */
  readonly notBeforeMs?: number
  /** Nodes install by this time even outside their windows. Default none. */
  readonly deadlineMs?: number
  /** Maintenance windows, carried as they are into the signed approval. Default none. */
  readonly windows?: readonly unknown[]
}

/** An approval as the rollout holds it. */
export interface Approval {
  readonly approvedAtMs: number
  readonly notBeforeMs: number
  readonly deadlineMs: number | undefined
  readonly windows: readonly unknown[]
  readonly by: Actor
}

/** Why and when a rollout was halted. */
export interface HaltState {
  readonly reason: string
  readonly atMs: number
  readonly by: Actor
}

/** What evaluation and summaries read of a rollout. */
export interface RolloutView {
  readonly patchId: string
  /** Size of the patch file in bytes. */
  readonly sizeBytes: number
  /** The rings in rollout order, e.g. canary, pilot, broad. */
  readonly rings: readonly string[]
  readonly autoPromote: boolean
  readonly halted: HaltState | undefined
  /** When an approval last lifted a halt; failures before it no longer count towards a halt. */
  readonly resumedAtMs: number | undefined
  /** Nodes enrolled in a ring, as given at creation (0 when not given). */
  expectedNodes(ring: string): number
  ringApproval(ring: string): Approval | undefined
  nodes(): Iterable<NodeRecord>
}

/** Approve `ring`, the ring after `from`, which met the promotion criteria. */
export interface PromoteDecision {
  readonly type: 'promote'
  readonly ring: string
  readonly from: string
  readonly reason: string
}

/** Halt the rollout: `ring` failed past the halt threshold. */
export interface HaltDecision {
  readonly type: 'halt'
  readonly ring: string
  readonly reason: string
}

export type RolloutDecision = PromoteDecision | HaltDecision

/** What {@link evaluate} returns. */
export interface Evaluation {
  /** Decisions to apply now; empty when there is nothing to do. */
  readonly decisions: readonly RolloutDecision[]
  /**
   * The earliest time a soak now running ends, when a promotion may become due without any new
   * report; undefined when none is running. New reports can make a decision due sooner, so a
   * caller evaluates on reports as well.
   */
  readonly nextEvaluationAtMs: number | undefined
}
