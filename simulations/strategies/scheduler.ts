/**
 * Strategies that run the node's own scheduler (src/schedule), one {@link ChunkScheduler} per
 * simulated node, fed with the calls src/node/download.ts makes:
 *
 * - at start: `addPeer` for the origin and each connected peer, `setPeerBitfield` for what a peer
 *   already holds, `setSiteMember` for the nodes of its site (they all fetch the patch);
 * - `next(now, { wanBytes })` on every pump, with the node's WAN token bucket when it has one and
 *   no WAN budget during the first `gatherMs` (1.5 s), then a timer for `nextWakeAt`;
 * - `received` for a chunk that verified (and cancels of the copies it returns), `failed(...,
 *   'bad-chunk')` for one from a bad peer, hanging up when that returns `disconnect`, `failed(...,
 *   'timeout')` when a WAN outage cut a request;
 * - `peerHas` on every peer that holds a connection to a node when it gets a chunk (a have),
 *   `removePeer` when a node goes away, `addPeer` again when it comes back.
 *
 * `patchmesh` is the real configuration: each node is connected to its site's nodes, to the origin
 * and to `mesh.wanPeers` random nodes of other sites (found through the DHT in the real mesh).
 * `swarm` is the same scheduler with sites erased (every node at a site of its own, so no site
 * preference and no WAN split), connected to `mesh.wanPeers` random nodes anywhere and to the
 * origin: random peers and rarest first, in the BitTorrent manner.
 *
 * Left out, as they change nothing the scheduler reads: have messages for a chunk the receiving
 * node already holds, and the 5 ms re-pumps the node makes while its WAN bucket is full. A have
 * for a chunk the node has a request out for does not pump it: the real node would call `next()`,
 * which could only add an end-game copy, and its next reply's pump adds that a little later. Nor
 * does a have (or a timer) to a node whose request slots are all taken (`hasFreeSlot()` false):
 * `next()` would return nothing, and the claims of overdue chunks it would make are made on the
 * pump after the next reply, under the same deadlines. Haves reach a scheduler in batches, each
 * with the time it was sent, just before the simulator's next call to it (see have-queue.ts).
 * Known shortcoming: skipping those pumps changes the order in which a run's nodes are pumped
 * within one instant, so results differ from a run that pumps every node (p50 by up to 3 % at 50
 * to 150 enterprise sites, see simulations/README.md); each run stays deterministic per seed.
 */
import { TokenBucket, mbitToBytesPerSecond } from '../../src/mesh/rate-limit.ts'
import { Bitfield } from '../../src/schedule/bitfield.ts'
import { hashString } from '../../src/schedule/hash.ts'
import { createScheduler } from '../../src/schedule/scheduler.ts'
import type { ChunkScheduler } from '../../src/schedule/scheduler.ts'
import type { Run, Strategy } from '../engine.ts'
import type { Adjacency, Fleet } from '../fleet.ts'
import { HaveQueues } from './have-queue.ts'

/** How long a new download fetches only from its site (src/node/download.ts `gatherMs`). */
const GATHER_MS = 1500
const ORIGIN_ID = 'origin'
const PATCH_SEED = hashString('simulated-patch')

export interface SchedulerStrategyInit {
  name: 'patchmesh' | 'swarm'
  /** Whether nodes know their sites (patchmesh) or each is a site of its own (swarm). */
  siteAware: boolean
  peers: Adjacency
}

export class SchedulerStrategy implements Strategy {
  readonly name: 'patchmesh' | 'swarm'
  readonly #run: Run
  readonly #fleet: Fleet
  readonly #siteAware: boolean
  readonly #peers: Adjacency
  readonly #sched: (ChunkScheduler | undefined)[]
  readonly #buckets: (TokenBucket | undefined)[]
  readonly #wanOpensAt: Float64Array
  /** Per node: the chunks it holds, one bit each, `#stride` bytes a node. */
  readonly #holds: Uint8Array
  /** Per node: chunks it has a request out for, same layout; see {@link SchedulerStrategy.#announce}. */
  readonly #fetching: Uint8Array
  readonly #stride: number
  readonly #ids: string[]
  readonly #endpointOf = new Map<string, number>()
  readonly #siteName: (node: number) => string
  /** Pairs of nodes that hung up on each other for bad chunks: a * nodes + b, a < b. */
  readonly #cut = new Set<number>()
  readonly #neighbours: number[] = []
  /** Haves not yet handed to their recipient's scheduler: see {@link HaveQueues}. */
  readonly #haves: HaveQueues
  /**
   * Per node: 0 when its last pump left no request slot free and nothing freed one since, so a
   * have need not pump it. Every call that may free a slot (a reply, a failure, a peer leaving)
   * sets it back to 1.
   */
  readonly #slotFree: Uint8Array

  constructor(run: Run, init: SchedulerStrategyInit) {
    this.name = init.name
    this.#run = run
    this.#fleet = run.fleet
    this.#siteAware = init.siteAware
    this.#peers = init.peers
    const { nodes, chunkCount } = run.fleet
    this.#sched = new Array<ChunkScheduler | undefined>(nodes)
    this.#buckets = new Array<TokenBucket | undefined>(nodes)
    this.#wanOpensAt = new Float64Array(nodes)
    this.#stride = Bitfield.byteLength(chunkCount)
    this.#holds = new Uint8Array(nodes * this.#stride)
    this.#fetching = new Uint8Array(nodes * this.#stride)
    this.#haves = new HaveQueues(nodes)
    this.#slotFree = new Uint8Array(nodes).fill(1)
    this.#ids = Array.from({ length: nodes }, (_, i) => `node-${i}`)
    this.#ids.forEach((id, i) => this.#endpointOf.set(id, i))
    this.#endpointOf.set(ORIGIN_ID, run.fleet.origin)
    const siteOf = run.fleet.siteOfNode
    this.#siteName = init.siteAware ? (i) => `site-${siteOf[i]}` : (i) => `alone-${i}`
  }

  start(now: number): void {
    for (let i = 0; i < this.#fleet.nodes; i++) if (this.#run.present[i] === 1) this.#begin(i, now)
  }

  pump(node: number, now: number): void {
    const s = this.#sched[node]
    if (s === undefined) return
    // With every request slot taken next() returns nothing, and the wake set before still stands:
    // the node is pumped again when a reply (or a failure, or a peer leaving) frees a slot.
    if (!s.hasFreeSlot()) {
      this.#slotFree[node] = 0
      return
    }

    this.#deliverHaves(node, s)
    const run = this.#run
    const nowMs = now * 1000
    const bucket = this.#buckets[node]
    const opensAt = this.#wanOpensAt[node]
    const wanBytes =
      nowMs < opensAt
        ? 0
        : bucket === undefined
          ? Infinity
          : bucket.budget(this.#fleet.scenario.patch.chunkSize)
    for (const r of s.next(nowMs, { wanBytes })) {
      if (r.source !== 'site') bucket?.consume(r.bytes)
      this.#fetching[node * this.#stride + (r.index >>> 3)] |= 1 << (r.index & 7)
      run.request(this.#endpointOf.get(r.peerId) as number, node, r.index, r.bytes)
    }
    this.#slotFree[node] = s.hasFreeSlot() ? 1 : 0

    let wake = s.nextWakeAt(nowMs)
    if (nowMs < opensAt) wake = Math.min(wake, opensAt)
    else if (bucket !== undefined) {
      const wait = bucket.waitFor(this.#fleet.scenario.patch.chunkSize)
      if (wait > 0) wake = Math.min(wake, nowMs + wait + 5)
    }
    run.wakeAt(node, Number.isFinite(wake) ? Math.max(wake, nowMs + 5) / 1000 : Infinity)
  }

  done(dst: number, src: number, chunk: number, bytes: number, now: number): void {
    const s = this.#sched[dst]
    this.#fetching[dst * this.#stride + (chunk >>> 3)] &= ~(1 << (chunk & 7))
    if (s === undefined) return

    this.#deliverHaves(dst, s)
    const run = this.#run
    const nowMs = now * 1000
    const peerId = src === this.#fleet.origin ? ORIGIN_ID : this.#ids[src]
    if (src < this.#fleet.nodes && this.#fleet.bad[src] === 1) {
      run.badBytes += bytes
      if (s.failed(chunk, peerId, 'bad-chunk', nowMs) === 'disconnect') this.#hangUp(dst, src, now)
      run.markDirty(dst)
      return
    }
    if (this.#has(dst, chunk)) {
      run.duplicateBytes += bytes
      s.received(chunk, peerId, nowMs)
      run.markDirty(dst)
      return
    }

    for (const copy of s.received(chunk, peerId, nowMs)) {
      run.duplicateBytes += run.cancel(dst, this.#endpointOf.get(copy.peerId) as number, chunk)
    }
    this.#holds[dst * this.#stride + (chunk >>> 3)] |= 1 << (chunk & 7)
    this.#announce(dst, chunk, nowMs)

    if (s.isComplete()) {
      run.complete(dst)
      this.#drop(dst)
    } else {
      run.markDirty(dst)
    }
  }

  failed(dst: number, src: number, chunk: number, _moved: number, now: number): void {
    const s = this.#sched[dst]
    this.#fetching[dst * this.#stride + (chunk >>> 3)] &= ~(1 << (chunk & 7))
    if (s === undefined) return

    this.#deliverHaves(dst, s)
    s.failed(chunk, src === this.#fleet.origin ? ORIGIN_ID : this.#ids[src], 'timeout', now * 1000)
    this.#run.markDirty(dst)
  }

  nodeDown(node: number, now: number): void {
    // Its requests, and those sent to it, end with it.
    for (const [dst, , chunk] of this.#run.transfersOf(node)) {
      this.#fetching[dst * this.#stride + (chunk >>> 3)] &= ~(1 << (chunk & 7))
    }
    this.#drop(node)
    this.#run.wakeAt(node, Infinity)
    for (const k of this.#neighboursOf(node)) {
      const s = this.#sched[k]
      if (s === undefined || this.#isCut(node, k)) continue
      this.#deliverHaves(k, s)
      s.removePeer(this.#ids[node], now * 1000)
      this.#run.markDirty(k)
    }
  }

  nodeUp(node: number, now: number): void {
    const nowMs = now * 1000
    const holdings = this.#holdingsOf(node)
    for (const k of this.#neighboursOf(node)) {
      const s = this.#sched[k]
      if (s === undefined || this.#run.present[k] === 0 || this.#isCut(node, k)) continue
      this.#deliverHaves(k, s)
      s.addPeer({ id: this.#ids[node], site: this.#siteName(node) })
      if (!holdings.isEmpty()) s.setPeerBitfield(this.#ids[node], holdings, nowMs)
      if (this.#sameSite(node, k)) s.setSiteMember(this.#ids[node], true, nowMs)
      this.#run.markDirty(k)
    }
    if (Number.isNaN(this.#run.completedAt[node])) this.#begin(node, now)
  }

  /** Starts (or, after churn, resumes from what it holds) the node's download. */
  #begin(node: number, now: number): void {
    const { fleet } = this
    const nowMs = now * 1000
    const s = createScheduler({
      selfId: this.#ids[node],
      site: this.#siteName(node),
      chunkCount: fleet.chunkCount,
      chunkSize: fleet.scenario.patch.chunkSize,
      lastChunkSize: fleet.lastChunkSize,
      have: this.#holdingsOf(node),
      options: { seed: PATCH_SEED },
    })
    s.addPeer({ id: ORIGIN_ID, site: 'head-office', isOrigin: true })
    s.peerHasAll(ORIGIN_ID, nowMs)
    for (const k of this.#neighboursOf(node)) {
      if (this.#run.present[k] === 0 || this.#isCut(node, k)) continue
      s.addPeer({ id: this.#ids[k], site: this.#siteName(k) })
      const holdings = this.#holdingsOf(k)
      if (!holdings.isEmpty()) s.setPeerBitfield(this.#ids[k], holdings, nowMs)
      if (this.#sameSite(node, k)) s.setSiteMember(this.#ids[k], true, nowMs)
    }

    this.#sched[node] = s
    this.#slotFree[node] = 1
    const limit = this.#siteAware
      ? fleet.scenario.siteGroups[fleet.groupOf(node)].nodeWanDownMbit
      : undefined
    this.#buckets[node] =
      limit === undefined
        ? undefined
        : new TokenBucket(mbitToBytesPerSecond(limit), undefined, () => this.#run.now * 1000)
    this.#wanOpensAt[node] = this.#siteAware ? nowMs + GATHER_MS : nowMs
    this.#run.markDirty(node)
  }

  get fleet(): Fleet {
    return this.#fleet
  }

  /**
   * A have message from `node` for `chunk` to every connected peer still fetching it. Those that
   * already hold the chunk are left out (it changes nothing they read), and only peers not
   * already fetching the chunk are pumped after it.
   */
  #announce(node: number, chunk: number, nowMs: number): void {
    const run = this.#run
    const byte = chunk >>> 3
    const bit = 1 << (chunk & 7)
    const badNode = this.#fleet.bad[node] === 1
    for (const k of this.#neighboursOf(node)) {
      const s = this.#sched[k]
      if (s === undefined || (this.#holds[k * this.#stride + byte] & bit) !== 0) continue
      if ((badNode || this.#fleet.bad[k] === 1) && this.#isCut(node, k)) continue
      this.#haves.add(k, node, chunk, nowMs)
      // A have for a chunk the node is fetching already cannot give it a new request (but for
      // an end-game copy, which its next reply's pump sends instead): no pump for it.
      // Nor does one to a node with every request slot taken: the reply that frees one pumps it.
      if (this.#slotFree[k] === 1 && (this.#fetching[k * this.#stride + byte] & bit) === 0) {
        run.markDirty(k)
      }
    }
  }

  /**
   * Hands the node's waiting haves to its scheduler, each with the time it was sent; called before
   * every other call to that scheduler. Haves for a chunk the node got meanwhile are left out,
   * as they are at sending: the node's own chunk arrives through `done`, which hands over first.
   * The call that follows may free a request slot, so the node is pumpable by haves again.
   */
  #deliverHaves(node: number, s: ChunkScheduler): void {
    this.#slotFree[node] = 1
    const length = this.#haves.length(node)
    if (length === 0) return

    const entries = this.#haves.entries(node)
    for (let p = 0; p < length; p += 3) {
      const chunk = entries[p + 1]
      if (!this.#has(node, chunk)) s.peerHas(this.#ids[entries[p]], chunk, entries[p + 2])
    }
    this.#haves.clear(node)
  }

  /** The node's download ended (complete or gone): its scheduler and waiting haves go. */
  #drop(node: number): void {
    this.#sched[node] = undefined
    this.#buckets[node] = undefined
    this.#haves.clear(node)
  }

  /** The node's connected peers (site members, then others); the list is reused per call. */
  #neighboursOf(node: number): number[] {
    const out = this.#neighbours
    out.length = 0
    const { fleet } = this
    if (this.#siteAware) {
      const site = fleet.siteOfNode[node]
      for (let k = fleet.siteFirst[site]; k < fleet.siteFirst[site + 1]; k++) {
        if (k !== node) out.push(k)
      }
    }
    const { start, list } = this.#peers
    for (let p = start[node]; p < start[node + 1]; p++) out.push(list[p])

    return out
  }

  #sameSite(a: number, b: number): boolean {
    return this.#siteAware && this.#fleet.siteOfNode[a] === this.#fleet.siteOfNode[b]
  }

  #has(node: number, chunk: number): boolean {
    return (this.#holds[node * this.#stride + (chunk >>> 3)] & (1 << (chunk & 7))) !== 0
  }

  #holdingsOf(node: number): Bitfield {
    const start = node * this.#stride
    return Bitfield.fromBytes(
      this.#holds.subarray(start, start + this.#stride),
      this.#fleet.chunkCount,
    )
  }

  /** `node` hangs up on the bad peer `bad`: both forget each other for the rest of the run. */
  #hangUp(node: number, bad: number, now: number): void {
    const n = this.#fleet.nodes
    this.#cut.add(Math.min(node, bad) * n + Math.max(node, bad))
    this.#run.bans++
    for (const [a, b] of [
      [node, bad],
      [bad, node],
    ]) {
      const s = this.#sched[a]
      if (s === undefined) continue
      this.#deliverHaves(a, s)
      s.removePeer(this.#ids[b], now * 1000)
    }
    this.#run.markDirty(bad)
  }

  #isCut(a: number, b: number): boolean {
    if (this.#cut.size === 0) return false
    const n = this.#fleet.nodes

    return this.#cut.has(Math.min(a, b) * n + Math.max(a, b))
  }
}
