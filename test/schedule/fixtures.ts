import {
  Bitfield,
  createScheduler,
  type ChunkScheduler,
  type RequestBudget,
  type ScheduledRequest,
  type SchedulerOptions,
} from '../../src/schedule/index.ts'

export const SITE = 'branch-7'
export const HQ = 'head-office'
export const CHUNK = 1000

export const UNLIMITED: RequestBudget = { wanBytes: Number.MAX_SAFE_INTEGER }
export const NO_WAN: RequestBudget = { wanBytes: 0 }

export interface TestPeer {
  id: string
  /** Default SITE. */
  site?: string
  origin?: boolean
  /** Chunk indexes held, or 'all'. Default none. */
  has?: readonly number[] | 'all'
  /** Declared a site member (only for peers at SITE). */
  member?: boolean
}

export interface TestScheduler {
  selfId?: string
  chunks?: number
  lastChunkSize?: number
  have?: readonly number[]
  options?: SchedulerOptions
  peers?: readonly TestPeer[]
}

/** A scheduler for `self` at SITE with the given peers added at time 0. */
export function scheduler(spec: TestScheduler = {}): ChunkScheduler {
  const chunks = spec.chunks ?? 16
  const have = new Bitfield(chunks)
  for (const i of spec.have ?? []) have.set(i)

  const s = createScheduler({
    selfId: spec.selfId ?? 'self',
    site: SITE,
    chunkCount: chunks,
    chunkSize: CHUNK,
    lastChunkSize: spec.lastChunkSize ?? CHUNK,
    have,
    options: spec.options,
  })
  for (const peer of spec.peers ?? []) addPeer(s, peer)

  return s
}

export function addPeer(s: ChunkScheduler, peer: TestPeer, now = 0): void {
  s.addPeer({ id: peer.id, site: peer.site ?? SITE, isOrigin: peer.origin })
  if (peer.member === true) s.setSiteMember(peer.id, true, now)
  if (peer.has === 'all') s.peerHasAll(peer.id, now)
  else for (const i of peer.has ?? []) s.peerHas(peer.id, i, now)
}

export function origin(id = 'origin'): TestPeer {
  return { id, site: HQ, origin: true, has: 'all' }
}

export function range(n: number): number[] {
  return Array.from({ length: n }, (_, i) => i)
}

/** "index@peer" labels, sorted, for comparing request sets. */
export function labels(requests: readonly ScheduledRequest[]): string[] {
  return requests.map((r) => `${r.index}@${r.peerId}`).sort()
}

export function indexes(requests: readonly ScheduledRequest[]): number[] {
  return requests.map((r) => r.index).sort((a, b) => a - b)
}
