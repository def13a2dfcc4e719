/**
 * The contracts of the fleet simulator: a scenario as read from its YAML file, and what a run
 * reports. `patchmesh simulate --json` prints a {@link SimulationReport}; the HTML report and the
 * network-namespace fleet read the same types.
 */

/** Names of the distribution strategies a scenario may compare. */
export type StrategyName = 'patchmesh' | 'naive' | 'swarm' | 'site-cache'

/** One kind of site, repeated `count` times. Speeds in Mbit/s. */
export interface SiteGroup {
  name: string
  count: number
  nodesPerSite: number
  wanDownMbit: number
  wanUpMbit: number
  lanMbit: number
  /** Each node's own link (up and down alike). */
  nodeMbit: number
  /** Share of the group's nodes in each ring, in rollout order; default all in `broad`. */
  rings?: Record<string, number>
  /**
   * Each node's own WAN download limit (its token bucket, `patchmesh node --wan-down-mbit`).
   * Default, as the demo and a deployment set it: `wanDownMbit / nodesPerSite`. Only the
   * patchmesh strategy has such a limit.
   */
  nodeWanDownMbit?: number
}

/** How the mesh is wired, beyond the sites. */
export interface MeshOptions {
  /**
   * Peers at other sites each node is connected to (found through the DHT in the real mesh), and
   * the peers of each node in the swarm strategy. Default 8.
   */
  wanPeers: number
}

/** Something that happens during a run; times in seconds from its start. */
export type ScenarioEvent =
  | { kind: 'churn'; share: number; at: number; downFor: number; group?: string }
  | { kind: 'late-join'; share: number; at: number; group?: string }
  | { kind: 'wan-outage'; sites: number; from: number; to: number; group?: string }
  | { kind: 'bad-peers'; share: number; group?: string }

/** A scenario, with every default filled in and every size in bytes. */
export interface Scenario {
  name: string
  seed: number
  patch: { size: number; chunkSize: number }
  origin: { upMbit: number }
  siteGroups: SiteGroup[]
  events: ScenarioEvent[]
  strategies: StrategyName[]
  /** Give up on a strategy whose fleet is not complete after this long, simulated seconds. */
  maxSeconds: number
  /** Default `{ wanPeers: 8 }`. */
  mesh?: MeshOptions
}

export interface Percentiles {
  p50: number
  p90: number
  p99: number
  max: number
}

/** What one strategy did in one scenario. Times are simulated seconds, sizes bytes. */
export interface StrategyReport {
  /** Completion time of each node that completed, over the fleet. */
  completionSeconds: Percentiles
  /** The same per ring, by ring name. */
  completionByRing: Record<string, Percentiles>
  /** Nodes that completed, and all nodes. */
  completed: number
  nodes: number
  /** Bytes that crossed each site's WAN link inward. */
  wanBytesPerSite: { mean: number; max: number }
  originBytes: number
  /** Bytes a node received of chunks it already had (end-game copies, re-fetches). */
  duplicateBytes: number
  /** Bytes received as chunks that failed verification (from bad peers). */
  badBytes: number
  lowerBoundSeconds: number
  /** p50 completion divided by the lower bound. */
  boundRatio: number
  /** Last completion divided by the lower bound: never below 1. */
  maxBoundRatio?: number
  /** Sorted completion times of every node that completed: the CDF. */
  completionCdf: number[]
  /** WAN bytes in of every site, in site order. */
  siteWanBytes: number[]
  /** Time at which each site's last node completed (Infinity when it did not), in site order. */
  siteCompleteSeconds: number[]
  events: number
  wallSeconds: number
  /** Chunk transfers started (flows), cancelled end-game copies and failed requests included. */
  transfers?: number
  /** Peers banned for bad chunks, summed over the nodes that banned them. */
  bans?: number
  /** Whether the run stopped at `maxSeconds` with nodes still missing chunks. */
  timedOut?: boolean
}

export interface SimulationReport {
  scenario: Scenario
  nodes: number
  sites: number
  patchSize: number
  wallSeconds: number
  /** Events processed over all strategies. */
  events: number
  peakRssBytes: number
  /** The terms of the lower bound, in seconds, by name (see simulations/bound.ts). */
  bound?: Record<string, number>
  strategies: Partial<Record<StrategyName, StrategyReport>>
}
