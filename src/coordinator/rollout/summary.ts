import { RolloutConfigError } from './errors.ts'
import {
  NODE_STATES,
  type Approval,
  type HaltState,
  type NodeRecord,
  type NodeState,
  type RolloutView,
  type SourceBytes,
} from './types.ts'

/** Options of {@link summarize}. */
export interface SummaryOptions {
  /** Failed nodes listed per ring, per site and in total, most recent first. Default 5. */
  recentFailures?: number
}

/** The defaults documented on {@link SummaryOptions}. */
export const DEFAULT_SUMMARY_OPTIONS: Readonly<Required<SummaryOptions>> = Object.freeze({
  recentFailures: 5,
})

/** One failed node. */
export interface FailureEntry {
  readonly nodeId: string
  readonly ring: string
  readonly site: string
  readonly reason: string
  /** When the failure arrived, coordinator clock. */
  readonly atMs: number
}

export interface FailureSummary {
  readonly count: number
  /** Failed nodes by reason ('' when a node gave none). */
  readonly byReason: Readonly<Record<string, number>>
  /** The most recent failures, newest first. */
  readonly recent: readonly FailureEntry[]
}

/** A node held up without failing: its latest report gives a reason, e.g. "disk full: <path>". */
export interface StalledEntry extends FailureEntry {
  readonly state: NodeState
}

export interface StalledSummary {
  readonly count: number
  /** The most recently reported, newest first; as many as {@link SummaryOptions.recentFailures}. */
  readonly recent: readonly StalledEntry[]
}

export interface ByteSummary extends SourceBytes {
  /** Bytes that crossed a WAN link: from other sites and from the origin. */
  readonly wan: number
  /**
   * WAN bytes saved against every node pulling from the origin: what the nodes would have pulled
   * (the whole patch for a node that holds it, what it has fetched so far for one that does not)
   * less the WAN bytes they did pull. Once every node holds the patch this is
   * nodes x size - WAN bytes. Negative when duplicate fetches cost more than they saved.
   */
  readonly savedWan: number
}

/** Counts over one set of nodes: a ring, a site or all. */
export interface CountSummary {
  /** Nodes that reported. */
  readonly nodes: number
  readonly byState: Readonly<Record<NodeState, number>>
  /**
   * Installed nodes over nodes; for a ring, over the larger of nodes and its enrolled nodes, as
   * promotion counts it. 0 when there are none.
   */
  readonly installedShare: number
  readonly failures: FailureSummary
  /** Nodes not failed whose latest report says what holds them up. */
  readonly stalled: StalledSummary
  readonly bytes: ByteSummary
}

export interface RingSummary extends CountSummary {
  readonly ring: string
  /** Nodes enrolled in the ring, as the rollout was told (0 when not). */
  readonly expectedNodes: number
  readonly approval: Approval | undefined
}

export interface SiteSummary extends CountSummary {
  readonly site: string
}

/** What the API and dashboard show of a rollout. */
export interface RolloutSummary {
  readonly patchId: string
  readonly sizeBytes: number
  readonly autoPromote: boolean
  readonly halted: HaltState | undefined
  readonly total: CountSummary
  /** The rollout's rings in order, then rings only nodes named ('' for none), sorted. */
  readonly rings: readonly RingSummary[]
  /** Sites sorted by name. */
  readonly sites: readonly SiteSummary[]
}

/** States in which a node holds the whole patch. */
const HOLDS_PATCH: ReadonlySet<NodeState> = new Set([
  'downloaded',
  'waiting-window',
  'installing',
  'installed',
])

/** Summarises a rollout by ring and by site; throws RolloutConfigError for invalid options. */
export function summarize(model: RolloutView, options: SummaryOptions = {}): RolloutSummary {
  const recent = options.recentFailures ?? DEFAULT_SUMMARY_OPTIONS.recentFailures
  if (!Number.isSafeInteger(recent) || recent < 0) {
    throw new RolloutConfigError('options.recentFailures', 'must be an integer >= 0')
  }

  const total: NodeRecord[] = []
  const byRing = new Map<string, NodeRecord[]>(model.rings.map((ring) => [ring, []]))
  const bySite = new Map<string, NodeRecord[]>()
  for (const node of model.nodes()) {
    total.push(node)
    push(byRing, node.ring, node)
    push(bySite, node.site, node)
  }

  const known = new Set(model.rings)
  const ringOrder = [...model.rings, ...[...byRing.keys()].filter((r) => !known.has(r)).sort()]
  const count = (nodes: NodeRecord[], denominator: number): CountSummary =>
    countOf(nodes, denominator, model.sizeBytes, recent)

  return {
    patchId: model.patchId,
    sizeBytes: model.sizeBytes,
    autoPromote: model.autoPromote,
    halted: model.halted,
    total: count(total, total.length),
    rings: ringOrder.map((ring) => {
      const nodes = byRing.get(ring) ?? []
      const expectedNodes = model.expectedNodes(ring)
      const approval = model.ringApproval(ring)

      return {
        ring,
        expectedNodes,
        approval,
        ...count(nodes, Math.max(expectedNodes, nodes.length)),
      }
    }),
    sites: [...bySite.keys()]
      .sort()
      .map((site) => ({ site, ...count(bySite.get(site) ?? [], bySite.get(site)?.length ?? 0) })),
  }
}

function countOf(
  nodes: readonly NodeRecord[],
  denominator: number,
  sizeBytes: number,
  recent: number,
): CountSummary {
  const byState = Object.fromEntries(NODE_STATES.map((s) => [s, 0])) as Record<NodeState, number>
  const byReason: Record<string, number> = {}
  const failed: NodeRecord[] = []
  const stalled: NodeRecord[] = []
  let ownSite = 0
  let otherSites = 0
  let origin = 0
  let wouldPull = 0

  for (const node of nodes) {
    byState[node.state]++
    if (node.state === 'failed') {
      failed.push(node)
      const reason = node.reason ?? ''
      byReason[reason] = (byReason[reason] ?? 0) + 1
    } else if (node.state !== 'installed' && node.reason !== undefined && node.reason !== '') {
      // An installed node's reason says where it installed: done, not held up.
      stalled.push(node)
    }
    const { bytes } = node
    ownSite += bytes.ownSite
    otherSites += bytes.otherSites
    origin += bytes.origin
    wouldPull += holdsPatch(node) ? sizeBytes : bytes.ownSite + bytes.otherSites + bytes.origin
  }

  const wan = otherSites + origin
  failed.sort((a, b) => b.stateSinceMs - a.stateSinceMs || compare(a.nodeId, b.nodeId))
  stalled.sort((a, b) => b.receivedAtMs - a.receivedAtMs || compare(a.nodeId, b.nodeId))

  return {
    nodes: nodes.length,
    byState,
    installedShare: denominator === 0 ? 0 : byState.installed / denominator,
    failures: {
      count: failed.length,
      byReason,
      recent: failed.slice(0, recent).map((node) => ({
        nodeId: node.nodeId,
        ring: node.ring,
        site: node.site,
        reason: node.reason ?? '',
        atMs: node.stateSinceMs,
      })),
    },
    stalled: {
      count: stalled.length,
      recent: stalled.slice(0, recent).map((node) => ({
        nodeId: node.nodeId,
        ring: node.ring,
        site: node.site,
        state: node.state,
        reason: node.reason ?? '',
        atMs: node.receivedAtMs,
      })),
    },
    bytes: { ownSite, otherSites, origin, wan, savedWan: wouldPull - wan },
  }
}

function holdsPatch(node: NodeRecord): boolean {
  return HOLDS_PATCH.has(node.state) || (node.chunkCount > 0 && node.chunksHeld >= node.chunkCount)
}

function push(map: Map<string, NodeRecord[]>, key: string, node: NodeRecord): void {
  const list = map.get(key)
  if (list === undefined) map.set(key, [node])
  else list.push(node)
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0
}
