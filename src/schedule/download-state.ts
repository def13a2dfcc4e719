import type { Bitfield } from './bitfield.ts'
import { hashString, tieOrder } from './hash.ts'
import type { ResolvedSchedulerOptions } from './options.ts'
import { PeerTable, type PeerState } from './peers.ts'
import { CLAIMED, DONE, holdersBucket, PickOrder, STALLED, WAITING } from './pick-order.ts'
import { SiteSplit } from './site-split.ts'
import type { FailureReason, ScheduledRequest, SourceCounts } from './types.ts'

/** Weight of a new sample in the moving average of this node's WAN chunk time. */
const WAN_TIME_SMOOTHING = 0.3

/**
 * The bookkeeping of one download, shared by the public scheduler and its request selection:
 * what we hold, who holds what, what is in flight, and in which bucket of the pick order each
 * chunk sits. Internal to src/schedule.
 *
 * Holder counts only count usable peers: a banned peer's holdings are subtracted once, at the ban.
 */
export class DownloadState {
  readonly options: ResolvedSchedulerOptions
  readonly chunkCount: number
  readonly chunkSize: number
  readonly lastChunkSize: number
  readonly site: string
  readonly have: Bitfield
  readonly peers = new PeerTable()
  readonly split: SiteSplit
  readonly order: PickOrder
  /** Per chunk: usable peers at this site holding it. */
  readonly siteHolders: Uint16Array
  /** Per chunk: usable peers at other sites (origin included) holding it. */
  readonly wanHolders: Uint16Array
  /** Per chunk: requests in flight, and how many of them cross the WAN. */
  readonly requests: Uint8Array
  readonly wanRequests: Uint8Array
  /** Per waiting chunk: since when it has waited for its current first-ranked member. */
  readonly waitSince: Float64Array
  /**
   * Per chunk: 1 once its fallback deadline passed, so this node may pull it (it sits in
   * {@link CLAIMED}). Cleared when a site peer gets the chunk, its first-ranked member changes, or
   * the deadline moved past now again before the chunk was requested (its member showed life).
   */
  readonly claimed: Uint8Array
  /**
   * Moving average of how long this node's own WAN requests took, request to verified chunk, in
   * ms; 0 until one completed. What a member's WAN chunks are expected to take too.
   */
  wanChunkMs = 0
  /** The wait of one rank, as {@link DownloadState.deadline} uses it; see `wanWaitChunkTimes`. */
  waitMs: number
  /**
   * While the split is stale (a membership change not yet applied), so are the buckets: calls
   * that would re-bucket leave it to {@link DownloadState.sync}, which applies them all as of this
   * time, the latest of theirs.
   */
  #pendingAt = 0
  /** Requests in flight, those of them across the WAN, and distinct chunks they are for. */
  inFlight = 0
  wanInFlight = 0
  chunksInFlight = 0
  /** A lower bound on the fallback deadline of every waiting chunk not in flight. */
  waitDueAt = Infinity
  /** The latest end of a pause ever set: no peer is paused from then on. */
  pausesEndBy = -Infinity
  /** Ids banned from this patch, kept across removal so a reconnecting peer stays banned. */
  readonly banned = new Set<string>()
  readonly stats = {
    requested: { site: 0, wan: 0, origin: 0 } satisfies SourceCounts,
    requestedBytes: { site: 0, wan: 0, origin: 0 } satisfies SourceCounts,
    received: { site: 0, wan: 0, origin: 0 } satisfies SourceCounts,
    duplicates: 0,
    cancelled: 0,
    failed: { timeout: 0, 'bad-chunk': 0, refused: 0, 'not-found': 0, local: 0 } satisfies Record<
      FailureReason,
      number
    >,
  }

  constructor(
    selfId: string,
    site: string,
    sizes: { chunkCount: number; chunkSize: number; lastChunkSize: number },
    have: Bitfield,
    options: ResolvedSchedulerOptions,
  ) {
    const n = sizes.chunkCount
    this.options = options
    this.waitMs = options.wanWaitMs
    this.chunkCount = n
    this.chunkSize = sizes.chunkSize
    this.lastChunkSize = sizes.lastChunkSize
    this.site = site
    this.have = have
    this.split = new SiteSplit(selfId, options.seed, n)
    this.siteHolders = new Uint16Array(n)
    this.wanHolders = new Uint16Array(n)
    this.requests = new Uint8Array(n)
    this.wanRequests = new Uint8Array(n)
    this.waitSince = new Float64Array(n)
    this.claimed = new Uint8Array(n)

    const selfHash = hashString(selfId)
    const tieKeys = new Uint32Array(n)
    for (let i = 0; i < n; i++) tieKeys[i] = tieOrder(selfHash, i)
    this.order = new PickOrder(tieKeys)
    for (const i of have.setIndexes()) this.order.bucket[i] = DONE
    this.order.rebuild()
  }

  get remaining(): number {
    return this.chunkCount - this.have.count
  }

  bytesOf(index: number): number {
    return index === this.chunkCount - 1 ? this.lastChunkSize : this.chunkSize
  }

  /** Bucket of chunk `index`, which we lack: see {@link bucketOf}. */
  #bucketOf(index: number): number {
    const othersFirst = this.split.selfRank[index] > 1

    return bucketOf(
      this.siteHolders[index],
      this.wanHolders[index],
      othersFirst && this.claimed[index] === 0,
      othersFirst && this.claimed[index] === 1,
    )
  }

  /**
   * When this node may pull waiting chunk `index` over the WAN itself. The member ranked first
   * has one wait ({@link DownloadState.waitMs}) from the later of the chunk's wait start and its
   * own last WAN progress; the second-ranked then has as long from the later of that and its own
   * last progress; each further rank waits one more.
   */
  deadline(index: number): number {
    const wait = this.waitMs
    const rank = this.split.selfRank[index]
    const first = this.peers.atSlot(this.split.first[index])
    let at = Math.max(this.waitSince[index], first.lastWanProgressAt) + wait
    if (rank === 2) return at

    const second = this.peers.atSlot(this.split.second[index])
    at = Math.max(at, second.lastWanProgressAt) + wait

    return at + (rank - 3) * wait
  }

  /**
   * Books how long one of this node's own WAN requests took. The wait grows and shrinks with it;
   * when it shrinks, deadlines computed before may be early no longer, so they are looked at again
   * on the next `next()`.
   */
  recordWanChunk(ms: number, now: number): void {
    this.wanChunkMs =
      this.wanChunkMs === 0 ? ms : this.wanChunkMs + WAN_TIME_SMOOTHING * (ms - this.wanChunkMs)

    const wait = Math.max(this.options.wanWaitMs, this.options.wanWaitChunkTimes * this.wanChunkMs)
    if (wait < this.waitMs) this.waitDueAt = Math.min(this.waitDueAt, now)
    this.waitMs = wait
  }

  /** Moves chunk `index` to the bucket it now belongs in. */
  update(index: number, now: number): void {
    if (this.#deferred(now)) return

    const from = this.order.bucket[index]
    if (from === DONE) return

    const site = this.siteHolders[index]
    if (site > 0) this.claimed[index] = 0
    const to = this.#bucketOf(index)
    if (to === from) return

    this.order.move(index, to)
    if (to !== WAITING) return

    if (from !== CLAIMED) this.waitSince[index] = now
    if (this.requests[index] === 0) this.waitDueAt = Math.min(this.waitDueAt, this.deadline(index))
  }

  /** Re-buckets every chunk after a bulk change, O(chunks). */
  updateAll(now: number): void {
    if (!this.#deferred(now)) this.#rebucket(now, undefined)
  }

  /**
   * Marks `peer` as joining or leaving the WAN split. Applying it costs O(members x chunks), so it
   * waits for {@link DownloadState.sync}: a node told of many members in a row computes the split
   * once.
   */
  setMember(peer: PeerState, member: boolean, now: number): void {
    this.#pendingAt = this.split.stale ? Math.max(this.#pendingAt, now) : now
    if (member) this.split.join(peer)
    else this.split.leave(peer)
    peer.member = member
  }

  /**
   * Applies membership changes made since the last call, as of the latest deferred call: the
   * split is recomputed and every chunk re-bucketed. Call before reading buckets or deadlines.
   */
  sync(): void {
    if (!this.split.stale) return

    this.#rebucket(this.#pendingAt, this.split.refresh(this.have))
  }

  /** Whether a membership change is pending, so that re-bucketing waits for `sync()`. */
  #deferred(now: number): boolean {
    if (!this.split.stale) return false

    this.#pendingAt = Math.max(this.#pendingAt, now)

    return true
  }

  /**
   * Re-buckets every chunk, O(chunks). A waiting chunk whose first-ranked member changed
   * (`firstChanged`, from {@link SiteSplit.refresh}) restarts its wait.
   */
  #rebucket(now: number, firstChanged?: Uint8Array): void {
    const { bucket } = this.order
    const { siteHolders, requests, waitSince, claimed } = this
    let due = Infinity

    for (let i = 0; i < this.chunkCount; i++) {
      const from = bucket[i]
      if (from === DONE) continue

      const ownerChanged = firstChanged !== undefined && firstChanged[i] === 1
      if (siteHolders[i] > 0 || ownerChanged) claimed[i] = 0
      const to = this.#bucketOf(i)
      bucket[i] = to
      if (to !== WAITING) continue

      if ((from !== WAITING && from !== CLAIMED) || ownerChanged) waitSince[i] = now
      if (requests[i] === 0) due = Math.min(due, this.deadline(i))
    }

    this.order.rebuild()
    this.waitDueAt = due
  }

  /**
   * Claims every waiting chunk whose fallback deadline has passed, moving it to {@link CLAIMED},
   * and sets {@link DownloadState.waitDueAt} to the earliest deadline still ahead. O(waiting
   * chunks); runs once per deadline (or shorter wait), not once per call.
   */
  claimOverdue(now: number): void {
    const { order, start } = this.order
    let due = Infinity
    let p = start[WAITING]

    while (p < start[WAITING + 1]) {
      const index = order[p]
      const at = this.requests[index] === 0 ? this.deadline(index) : Infinity
      if (at <= now) {
        // Moving it up swaps the last waiting chunk into position p: look at p again.
        this.claimed[index] = 1
        this.order.move(index, CLAIMED)
        continue
      }

      due = Math.min(due, at)
      p++
    }

    this.waitDueAt = due
  }

  /**
   * Judges claimed chunk `index` again before it is requested: if its deadline moved past `now`
   * (its member brought a chunk into the site, or WAN chunks turned out slower), the claim is
   * dropped and the chunk waits again. Returns whether the claim stands. O(1).
   */
  claimStands(index: number, now: number): boolean {
    const at = this.deadline(index)
    if (at <= now) return true

    this.claimed[index] = 0
    this.order.move(index, WAITING)
    this.waitDueAt = Math.min(this.waitDueAt, at)

    return false
  }

  /** Counts `peer` (usable, its holdings bit already set) as a holder of `index`. */
  addHolder(peer: PeerState, index: number, now: number): void {
    if (!peer.sameSite) {
      this.wanHolders[index]++

      return
    }

    // A member showing a chunk nobody at the site had is pulling its WAN share: it is alive.
    if (peer.member && this.siteHolders[index] === 0 && this.order.bucket[index] !== DONE) {
      peer.lastWanProgressAt = now
    }
    this.siteHolders[index]++
  }

  dropHolder(peer: PeerState, index: number): void {
    if (peer.sameSite) this.siteHolders[index]--
    else this.wanHolders[index]--
  }

  issue(peer: PeerState, index: number, now: number): ScheduledRequest {
    const bytes = this.bytesOf(index)
    peer.addRequest(index, now)
    if (this.requests[index]++ === 0) this.chunksInFlight++
    if (peer.source !== 'site') {
      this.wanRequests[index]++
      this.wanInFlight++
    }
    this.inFlight++
    this.stats.requested[peer.source]++
    this.stats.requestedBytes[peer.source] += bytes

    return { index, peerId: peer.id, source: peer.source, bytes }
  }

  /** Forgets the request for `index` to `peer`; returns when it was sent, or NaN if never. */
  settle(peer: PeerState, index: number): number {
    const sentAt = peer.removeRequest(index)
    if (Number.isNaN(sentAt)) return sentAt

    this.inFlight--
    if (peer.source !== 'site') {
      this.wanRequests[index]--
      this.wanInFlight--
    }
    if (--this.requests[index] === 0) {
      this.chunksInFlight--
      // While a membership change is pending, sync() recomputes every deadline.
      if (!this.split.stale && this.order.bucket[index] === WAITING) {
        this.waitDueAt = Math.min(this.waitDueAt, this.deadline(index))
      }
    }

    return sentAt
  }

  markHave(index: number): void {
    this.have.set(index)
    this.order.move(index, DONE)
  }

  /**
   * Takes `peer` out of the download: its requests are forgotten, it leaves the WAN split and its
   * holdings stop counting. Used before a ban and before removal.
   */
  detach(peer: PeerState, now: number): void {
    while (peer.inFlight > 0) this.settle(peer, peer.requested[0])

    if (peer.member) this.setMember(peer, false, now)
    if (!peer.banned) {
      for (const index of peer.holdings.setIndexes()) this.dropHolder(peer, index)
    }

    this.updateAll(now)
  }
}

/**
 * Bucket of a chunk we lack, from its usable holders here and elsewhere and who is to pull it:
 * another member (`othersToPull`), or this node after the other's deadline passed (`claimed`).
 */
function bucketOf(
  siteHolders: number,
  wanHolders: number,
  othersToPull: boolean,
  claimed: boolean,
): number {
  if (siteHolders === 0) {
    if (wanHolders === 0) return STALLED
    if (othersToPull) return WAITING
    if (claimed) return CLAIMED
  }

  return holdersBucket(siteHolders + wanHolders)
}
