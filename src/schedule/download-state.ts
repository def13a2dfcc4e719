import type { Bitfield } from './bitfield.ts'
import { hashString, tieOrder } from './hash.ts'
import type { ResolvedSchedulerOptions } from './options.ts'
import { PeerTable, type PeerState } from './peers.ts'
import { DONE, holdersBucket, PickOrder, STALLED, WAITING } from './pick-order.ts'
import { SiteSplit } from './site-split.ts'
import type { FailureReason, ScheduledRequest, SourceCounts } from './types.ts'

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
   * Per chunk: 1 once its fallback deadline passed, so this node pulls it as if responsible.
   * Cleared when a site peer gets the chunk or its first-ranked member changes.
   */
  readonly claimed: Uint8Array
  /** First-ranked members saved before a membership change, until the re-bucketing after it. */
  #ownersBefore: Int32Array | undefined
  /** Requests in flight, and distinct chunks they are for. */
  inFlight = 0
  chunksInFlight = 0
  /** A lower bound on the fallback deadline of every waiting chunk not in flight. */
  waitDueAt = Infinity
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
    this.chunkCount = n
    this.chunkSize = sizes.chunkSize
    this.lastChunkSize = sizes.lastChunkSize
    this.site = site
    this.have = have
    this.split = new SiteSplit(selfId, options.seed, this.peers, n)
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

  /** Whether chunk `index` is, for now, another member's to pull over the WAN. */
  #othersToPull(index: number): boolean {
    return this.split.selfRank[index] > 1 && this.claimed[index] === 0
  }

  /**
   * When this node may pull waiting chunk `index` over the WAN itself. The member ranked first
   * has `wanWaitMs` from the later of the chunk's wait start and its own last WAN progress; the
   * second-ranked then has as long from the later of that and its own last progress; each further
   * rank waits one more `wanWaitMs`.
   */
  deadline(index: number): number {
    const wait = this.options.wanWaitMs
    const rank = this.split.selfRank[index]
    const first = this.peers.atSlot(this.split.first[index])
    let at = Math.max(this.waitSince[index], first.lastWanProgressAt) + wait
    if (rank === 2) return at

    const second = this.peers.atSlot(this.split.second[index])
    at = Math.max(at, second.lastWanProgressAt) + wait

    return at + (rank - 3) * wait
  }

  /** Moves chunk `index` to the bucket it now belongs in. */
  update(index: number, now: number): void {
    const from = this.order.bucket[index]
    if (from === DONE) return

    const site = this.siteHolders[index]
    if (site > 0) this.claimed[index] = 0
    const to = bucketOf(site, this.wanHolders[index], this.#othersToPull(index))
    if (to === from) return

    this.order.move(index, to)
    if (to !== WAITING) return

    this.waitSince[index] = now
    if (this.requests[index] === 0) this.waitDueAt = Math.min(this.waitDueAt, this.deadline(index))
  }

  /**
   * Re-buckets every chunk after a bulk change, O(chunks). When `ownersChanged`, a waiting chunk
   * whose first-ranked member changed since {@link DownloadState.saveOwners} restarts its wait.
   */
  updateAll(now: number, ownersChanged: boolean): void {
    const { bucket } = this.order
    const { first } = this.split
    const { siteHolders, wanHolders, requests, waitSince, claimed } = this
    const before = ownersChanged ? this.#ownersBefore : undefined
    this.#ownersBefore = undefined
    let due = Infinity

    for (let i = 0; i < this.chunkCount; i++) {
      const from = bucket[i]
      if (from === DONE) continue

      const ownerChanged = before !== undefined && first[i] !== before[i]
      if (siteHolders[i] > 0 || ownerChanged) claimed[i] = 0
      const to = bucketOf(siteHolders[i], wanHolders[i], this.#othersToPull(i))
      bucket[i] = to
      if (to !== WAITING) continue

      if (from !== WAITING || ownerChanged) waitSince[i] = now
      if (requests[i] === 0) due = Math.min(due, this.deadline(i))
    }

    this.order.rebuild()
    this.waitDueAt = due
  }

  /**
   * Claims every waiting chunk whose fallback deadline has passed, moving it among the chunks to
   * pull now, and sets {@link DownloadState.waitDueAt} to the earliest deadline still ahead.
   * O(waiting chunks); runs once per deadline, not once per call.
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
        this.order.move(index, holdersBucket(this.wanHolders[index]))
        continue
      }

      due = Math.min(due, at)
      p++
    }

    this.waitDueAt = due
  }

  /** Remembers each chunk's first-ranked member before a membership change. */
  saveOwners(): void {
    this.#ownersBefore = this.split.first.slice()
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
    if (peer.source !== 'site') this.wanRequests[index]++
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
    if (peer.source !== 'site') this.wanRequests[index]--
    if (--this.requests[index] === 0) {
      this.chunksInFlight--
      if (this.order.bucket[index] === WAITING) {
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

    const wasMember = peer.member
    if (wasMember) {
      this.saveOwners()
      this.split.leave(peer, this.have)
      peer.member = false
    }

    if (!peer.banned) {
      for (const index of peer.holdings.setIndexes()) this.dropHolder(peer, index)
    }

    this.updateAll(now, wasMember)
  }
}

/** Bucket of a chunk we lack, from its usable holders here and elsewhere and who is to pull it. */
function bucketOf(siteHolders: number, wanHolders: number, othersToPull: boolean): number {
  if (siteHolders === 0) {
    if (wanHolders === 0) return STALLED
    if (othersToPull) return WAITING
  }

  return holdersBucket(siteHolders + wanHolders)
}
