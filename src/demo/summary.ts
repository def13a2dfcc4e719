/**
 * The demo's summary: each node's result with a SHA-256 of the file it installed, the bytes it
 * got by source, each site's WAN traffic, the origin's, and what a naive fleet would have moved.
 * States are the coordinator's; bytes are the nodes' own counts from their event files; hashes
 * are read from disk here.
 */
import { createHash } from 'node:crypto'
import { createReadStream } from 'node:fs'
import { pipeline } from 'node:stream/promises'
import type { BundleSummary } from '../authority/bundle.ts'
import type { FleetStates } from './operator.ts'
import type { DemoRing, PlannedSite } from './plan.ts'
import type { NodeEvent } from './processes.ts'

export interface SourceBytes {
  /** From machines at the node's own site, over the LAN. */
  ownSite: number
  /** From machines at other sites, over the WAN. */
  otherSites: number
  /** From the authority's seed, over the WAN. */
  origin: number
}

export interface NodeResult {
  name: string
  peerId: string
  site: string
  ring: DemoRing
  /** The coordinator's latest state of the node on the patch ('' when it never reported). */
  state: string
  /** SHA-256 of the file the node installed, read from disk; null when there is none. */
  sha256: string | null
  /** Whether `sha256` is the patch's. */
  sha256Match: boolean
  bytes: SourceBytes
}

export interface SiteResult {
  name: string
  nodes: number
  /** The site's WAN link, Mbit/s. */
  wanMbit: number
  /** Bytes the site's nodes got from other sites and the origin. */
  wanBytesIn: number
  /** Bytes the site's nodes sent to other sites. */
  wanBytesOut: number
}

export interface RingResult {
  name: DemoRing
  nodes: number
  installed: number
  failed: number
  /** Seconds from the first approval; null when the ring was not approved. */
  approvedAtSeconds: number | null
  /** When its last node finished, seconds from the first approval; null when it did not. */
  doneAtSeconds: number | null
}

export interface DemoSummary {
  /** Every node installed the patch and its installed file has the patch's SHA-256. */
  ok: boolean
  /** Why not, when not. */
  problem: string | null
  /** The working directory, when kept (--keep). */
  workDir: string | null
  /** The coordinator's dashboard while the demo ran. */
  dashboard: string
  /** Whether nodes fetched on announcement, before approval. */
  prefetch: boolean
  patch: { name: string; version: string; id: string; size: number; sha256: string }
  nodes: NodeResult[]
  sites: SiteResult[]
  rings: RingResult[]
  /** Bytes the authority sent. */
  originBytesOut: number
  /** WAN bytes of a fleet in which every node fetches the whole patch from the origin. */
  naiveWanBytes: number
  /** Seconds from the first approval until every node had installed or failed. */
  seconds: number
  /** Seconds to start the authority, coordinator and nodes before that. */
  startupSeconds: number
}

/** What {@link summarise} needs of one node. */
export interface NodeInput {
  name: string
  peerId: string
  site: string
  ring: DemoRing
  events: NodeEvent[]
  /** The file its install action produced or was given; undefined when there is none. */
  installedFile: string | undefined
}

export interface SummaryInput {
  patch: BundleSummary
  plan: PlannedSite[]
  nodes: NodeInput[]
  authorityEvents: NodeEvent[]
  states: FleetStates
  rings: RingResult[]
  dashboard: string
  prefetch: boolean
  seconds: number
  startupSeconds: number
  /** Set when the rollout stopped early (a canary failed). */
  problem?: string
}

export async function summarise(input: SummaryInput): Promise<DemoSummary> {
  const { patch } = input
  const hashes = await Promise.all(
    input.nodes.map(async (n) =>
      n.installedFile === undefined ? null : await hashFile(n.installedFile),
    ),
  )
  const nodes = input.nodes.map((node, i): NodeResult => {
    const sha256 = hashes[i]

    return {
      name: node.name,
      peerId: node.peerId,
      site: node.site,
      ring: node.ring,
      state: input.states.get(node.peerId) ?? '',
      sha256,
      sha256Match: sha256 === patch.sha256,
      bytes: bytesBySource(node.events),
    }
  })

  const sites = input.plan.map((site): SiteResult => {
    const members = input.nodes.filter((n) => n.site === site.name)
    const rows = nodes.filter((n) => n.site === site.name)

    return {
      name: site.name,
      nodes: members.length,
      wanMbit: site.wanMbit,
      wanBytesIn: rows.reduce((sum, n) => sum + n.bytes.otherSites + n.bytes.origin, 0),
      wanBytesOut: members.reduce((sum, n) => sum + sentToOtherSites(n.events), 0),
    }
  })

  const bad = nodes.filter((n) => n.state !== 'installed' || !n.sha256Match)
  const problem =
    input.problem ??
    (bad.length === 0
      ? null
      : `${bad.length} of ${nodes.length} nodes did not install the exact file: ` +
        bad.map((n) => `${n.name} (${n.state || 'no report'})`).join(', '))

  return {
    ok: problem === null,
    problem,
    workDir: null,
    dashboard: input.dashboard,
    prefetch: input.prefetch,
    patch: {
      name: patch.name,
      version: patch.version,
      id: patch.patchId,
      size: patch.size,
      sha256: patch.sha256,
    },
    nodes,
    sites,
    rings: input.rings,
    originBytesOut: sentToOtherSites(input.authorityEvents),
    naiveWanBytes: patch.size * nodes.length,
    seconds: round(input.seconds),
    startupSeconds: round(input.startupSeconds),
  }
}

/** The node's byte counts: those of its completed download, else of its latest progress. */
function bytesBySource(events: NodeEvent[]): SourceBytes {
  const last = events.findLast(
    (e) => e.event === 'patch_complete' || e.event === 'download_progress',
  )
  const bytes = (last?.bytes ?? {}) as Partial<Record<'site' | 'wan' | 'origin', number>>

  return { ownSite: bytes.site ?? 0, otherSites: bytes.wan ?? 0, origin: bytes.origin ?? 0 }
}

function sentToOtherSites(events: NodeEvent[]): number {
  return events
    .filter((e) => e.event === 'chunk_served' && e.sameSite !== true)
    .reduce((sum, e) => sum + (e.bytes as number), 0)
}

async function hashFile(path: string): Promise<string | null> {
  const hash = createHash('sha256')
  try {
    await pipeline(createReadStream(path), hash)
  } catch {
    return null
  }

  return hash.digest('hex')
}

function round(seconds: number): number {
  return Math.round(seconds * 100) / 100
}
