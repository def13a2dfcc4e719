import type {
  ChunkScheduler,
  ScheduledRequest,
  SchedulerOptions,
} from '../../src/schedule/index.ts'
import { addPeer, CHUNK, origin, scheduler } from './fixtures.ts'

/**
 * A tiny event-driven simulation of one site: members that download one patch from the origin
 * and from each other. A chunk a member receives becomes visible to every other member at once.
 * Time jumps from event to event: the next reply or the earliest `nextWakeAt` of any member.
 */
export interface FleetSpec {
  members: number
  chunks: number
  options?: SchedulerOptions
  /** LAN reply time. Default 5 ms. */
  siteMs?: number
  /** WAN reply time. Default 200 ms. */
  wanMs?: number
  /** WAN budget per `next()` call. Default two chunks. */
  wanBytesPerCall?: number
  /** Members that are announced but never request anything (hung). */
  silent?: readonly string[]
  /** WAN reply time of particular members. */
  wanMsOf?: Readonly<Record<string, number>>
  /** Give up at this time. Default 10 minutes. */
  until?: number
}

export interface FleetResult {
  /** When the last live member completed. */
  finishedAt: number
  /** Per chunk: how many times any member requested it over the WAN. */
  wanPulls: Uint32Array
  /** Per member: WAN requests issued. */
  wanByMember: Map<string, number>
  /** Every request, as "time member index@peer". */
  log: string[]
}

interface Pending {
  at: number
  member: string
  request: ScheduledRequest
}

export function memberId(k: number): string {
  return `m${String(k).padStart(2, '0')}`
}

export function runSiteFleet(spec: FleetSpec): FleetResult {
  const ids = Array.from({ length: spec.members }, (_, k) => memberId(k))
  const silent = new Set(spec.silent ?? [])
  const nodes = new Map<string, ChunkScheduler>()
  for (const id of ids) {
    const s = scheduler({ selfId: id, chunks: spec.chunks, options: spec.options })
    addPeer(s, origin())
    for (const other of ids) if (other !== id) addPeer(s, { id: other, member: true })
    nodes.set(id, s)
  }

  const result: FleetResult = {
    finishedAt: 0,
    wanPulls: new Uint32Array(spec.chunks),
    wanByMember: new Map(ids.map((id) => [id, 0])),
    log: [],
  }
  const live = ids.filter((id) => !silent.has(id))
  const budget = { wanBytes: spec.wanBytesPerCall ?? 2 * CHUNK }
  const until = spec.until ?? 600_000
  let pending: Pending[] = []
  let now = 0

  while (now <= until) {
    for (const id of live) {
      const s = nodes.get(id) as ChunkScheduler
      for (const request of s.next(now, budget)) {
        const wan = request.source !== 'site'
        if (wan) {
          result.wanPulls[request.index]++
          result.wanByMember.set(id, (result.wanByMember.get(id) ?? 0) + 1)
        }
        const latency = wan ? (spec.wanMsOf?.[id] ?? spec.wanMs ?? 200) : (spec.siteMs ?? 5)
        pending.push({ at: now + latency, member: id, request })
        result.log.push(`${now} ${id} ${request.index}@${request.peerId}`)
      }
    }

    if (live.every((id) => (nodes.get(id) as ChunkScheduler).isComplete())) {
      result.finishedAt = now

      return result
    }

    let nextAt = Infinity
    for (const p of pending) nextAt = Math.min(nextAt, p.at)
    for (const id of live)
      nextAt = Math.min(nextAt, (nodes.get(id) as ChunkScheduler).nextWakeAt(now))
    if (nextAt === Infinity) throw new Error(`site fleet stuck at ${now} ms`)
    now = nextAt

    const due = pending.filter((p) => p.at <= now)
    pending = pending.filter((p) => p.at > now)
    for (const p of due) deliver(p)
  }

  throw new Error(`site fleet did not finish by ${until} ms`)

  function deliver(p: Pending): void {
    const s = nodes.get(p.member) as ChunkScheduler
    const before = s.progress().have
    const cancelled = s.received(p.request.index, p.request.peerId, now)
    const dropped = new Set(cancelled.map((c) => c.peerId))
    pending = pending.filter(
      (q) =>
        !(
          q.member === p.member &&
          q.request.index === p.request.index &&
          dropped.has(q.request.peerId)
        ),
    )
    if (s.progress().have === before) return

    for (const [id, other] of nodes)
      if (id !== p.member) other.peerHas(p.member, p.request.index, now)
  }
}
