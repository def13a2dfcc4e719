/**
 * What a namespace-fleet run reports, and how the product's own counters are read from the
 * nodes' event files (the same events the demo reads).
 */
import type { NodeEvent } from '../../src/demo/processes.ts'

export interface NetlabSiteResult {
  name: string
  group: string
  nodes: number
  installed: number
  wanDownMbit: number
  wanUpMbit: number
  /** Bytes received on the site's WAN interface, as the kernel counts them (all traffic). */
  kernelWanBytesIn: number
  kernelWanBytesOut: number
  /** Chunk bytes the site's nodes received from other sites and the origin, by their counters. */
  productWanBytesIn: number
  /** Chunk bytes the site's nodes served to other sites. */
  productWanBytesOut: number
  /** The simulator's WAN bytes in for this site of the same scenario. */
  predictedWanBytesIn: number
}

export interface NetlabResult {
  scenarioName: string
  /** Every node installed the patch and its copy's SHA-256 is the announced one. */
  allInstalled: boolean
  /** From the approval to the last node's install. */
  seconds: number
  /** From the first chunk received to the last node complete, over the fleet. */
  transferSeconds: number
  /** The simulator's completion time of the whole fleet for the scenario. */
  predictedSeconds: number
  patchSize: number
  chunkSize: number
  nodes: number
  /** How traffic inside a site travels (not shaped, not counted as WAN). */
  lan: string
  sites: NetlabSiteResult[]
  headOffice: { kernelBytesOut: number; productBytesOut: number; upMbit: number }
  /** WAN bytes in over all sites if every node pulled the whole patch across its link. */
  naiveWanBytes: number
  /** The chart written with --report, if any. */
  report?: string
}

/** One node's product counters, from its events. */
export interface NodeCounters {
  installed: boolean
  sha256: string | null
  wanBytesIn: number
  wanBytesOut: number
  /** When the node received its first chunk and when it held them all, ms since the epoch. */
  firstChunkAt: number | undefined
  completeAt: number | undefined
}

/** Reads a node's counters off its events: bytes by source at completion, bytes served. */
export function nodeCounters(events: NodeEvent[]): NodeCounters {
  const complete = events.find((e) => e.event === 'patch_complete')
  const bytes = (complete?.bytes ?? {}) as Partial<Record<'site' | 'wan' | 'origin', number>>
  const firstChunk = events.find((e) => e.event === 'chunk_received')
  const served = events
    .filter((e) => e.event === 'chunk_served' && e.sameSite !== true)
    .reduce((sum, e) => sum + (e.bytes as number), 0)

  return {
    installed: events.some((e) => e.event === 'patch_installed'),
    sha256: typeof complete?.sha256 === 'string' ? complete.sha256 : null,
    wanBytesIn: (bytes.wan ?? 0) + (bytes.origin ?? 0),
    wanBytesOut: served,
    firstChunkAt: timeOf(firstChunk),
    completeAt: timeOf(complete),
  }
}

/**
 * Seconds from the fleet's first chunk received to its last node complete: the transfer alone,
 * without the approval's way to the nodes and the installs, as the simulator counts its time.
 */
export function transferSeconds(nodes: NodeCounters[]): number {
  const starts = nodes.flatMap((n) => (n.firstChunkAt === undefined ? [] : [n.firstChunkAt]))
  const ends = nodes.flatMap((n) => (n.completeAt === undefined ? [] : [n.completeAt]))
  if (starts.length === 0 || ends.length === 0) return 0

  return (Math.max(...ends) - Math.min(...starts)) / 1000
}

function timeOf(event: NodeEvent | undefined): number | undefined {
  const ms = typeof event?.time === 'string' ? Date.parse(event.time) : NaN

  return Number.isNaN(ms) ? undefined : ms
}

/** The first install failure among a node's events, if any. */
export function installFailure(events: NodeEvent[]): string | undefined {
  const failed = events.find((e) => e.event === 'install_failed' || e.event === 'patch_failed')

  return failed === undefined ? undefined : `${failed.event}: ${String(failed.reason)}`
}
