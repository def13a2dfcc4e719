import { Bitfield } from './bitfield.ts'
import { DownloadState } from './download-state.ts'
import { ChunkIndexError, NotSitePeerError, SchedulerConfigError } from './errors.ts'
import { checkInit, resolveOptions } from './options.ts'
import { STALLED, WAITING } from './pick-order.ts'
import { onFailed, onReceived } from './replies.ts'
import { Selector } from './select.ts'
import type {
  FailureReason,
  PeerAction,
  PeerInfo,
  RequestBudget,
  ScheduledRequest,
  SchedulerInit,
  SchedulerProgress,
} from './types.ts'

/**
 * Decides which chunk of one patch this node asks from which peer. One instance per (node, patch)
 * download, shared by the real node and the simulator: it does no I/O, reads no clock (every
 * method that depends on time takes `now`, in ms) and draws no randomness, so the same calls give
 * the same requests.
 *
 * The caller tells it about peers and their holdings, asks {@link ChunkScheduler.next} for
 * requests to send, reports each reply with {@link ChunkScheduler.received} (after verifying the
 * chunk) or {@link ChunkScheduler.failed}, and sets a timer for {@link ChunkScheduler.nextWakeAt}.
 * Request time-outs are the caller's: it reports them as failures.
 *
 * Peer events name peers the caller added; an unknown id throws {@link UnknownPeerError}, and a
 * chunk index out of range throws {@link ChunkIndexError}. Replies (`received`, `failed`) from a
 * peer removed meanwhile are accepted.
 */
export class ChunkScheduler {
  readonly #s: DownloadState
  readonly #selector: Selector
  readonly #selfId: string

  constructor(init: SchedulerInit) {
    checkInit(init)
    const have = init.have?.clone() ?? new Bitfield(init.chunkCount)
    this.#selfId = init.selfId
    this.#s = new DownloadState(init.selfId, init.site, init, have, resolveOptions(init.options))
    this.#selector = new Selector(this.#s)
  }

  get chunkCount(): number {
    return this.#s.chunkCount
  }

  /** Adds a connected peer with no holdings yet; it is not a site member until declared one. */
  addPeer(info: PeerInfo): void {
    if (info.id === this.#selfId) throw new SchedulerConfigError('peer id', 'is this node itself')

    const s = this.#s
    const peer = s.peers.add(info, s.site, s.chunkCount, s.options.maxInFlightPerPeer)
    if (s.banned.has(peer.id)) peer.banned = true
  }

  /**
   * Forgets a peer (disconnected): its requests in flight are dropped, so their chunks go back to
   * the pool, and if it was a site member its WAN share goes to the others (on the next read of
   * the split, see {@link ChunkScheduler.setSiteMember}), without waiting for a fallback deadline.
   * Unknown ids are ignored.
   */
  removePeer(id: string, now: number): void {
    const peer = this.#s.peers.find(id)
    if (peer === undefined) return

    this.#s.detach(peer, now)
    this.#s.peers.remove(peer)
  }

  /**
   * Declares whether a peer at this site currently downloads this patch, i.e. takes part in the
   * WAN split. Throws {@link NotSitePeerError} for a peer at another site; ignores a banned one.
   * O(1): the split is recomputed, in O(members x chunks), by the next call that reads it.
   */
  setSiteMember(id: string, member: boolean, now: number): void {
    const s = this.#s
    const peer = s.peers.get(id)
    if (!peer.sameSite) throw new NotSitePeerError(id)
    if (peer.banned || peer.member === member) return

    s.setMember(peer, member, now)
  }

  /** The peer now holds chunk `index` (a have message). O(1). */
  peerHas(id: string, index: number, now: number): void {
    this.#checkIndex(index)
    const s = this.#s
    const peer = s.peers.get(id)
    if (!peer.holdings.set(index) || peer.banned) return

    s.addHolder(peer, index, now)
    s.update(index, now)
  }

  /** The peer holds every chunk (a seed or the origin). O(chunks). */
  peerHasAll(id: string, now: number): void {
    this.setPeerBitfield(id, Bitfield.full(this.#s.chunkCount), now)
  }

  /** Replaces what the peer holds (a hello's bitfield, copied). O(chunks). */
  setPeerBitfield(id: string, holdings: Bitfield, now: number): void {
    const s = this.#s
    const peer = s.peers.get(id)
    if (holdings.length !== s.chunkCount) {
      throw new SchedulerConfigError('bitfield', `has ${holdings.length} bits, not ${s.chunkCount}`)
    }

    if (!peer.banned) {
      for (let i = 0; i < s.chunkCount; i++) {
        const had = peer.holdings.get(i)
        if (had === holdings.get(i)) continue

        if (had) s.dropHolder(peer, i)
        else s.addHolder(peer, i, now)
      }
    }

    peer.holdings.copyFrom(holdings)
    s.updateAll(now)
  }

  /**
   * Adds a throughput sample for a peer, in bytes per second, to the moving average that also
   * learns from the timing of replies. For callers that measure streams themselves.
   */
  recordSpeed(id: string, bytesPerSecond: number): void {
    this.#s.peers.get(id).recordSpeed(bytesPerSecond)
  }

  /**
   * The requests to send now, possibly none. Never more than the per-peer and overall in-flight
   * limits, never more WAN bytes than `budget.wanBytes`, never a chunk already held, never a banned
   * or paused peer. O(chunks + peers) at worst; usually it stops after the first few candidates.
   * The first call after site members joined or left also recomputes the WAN split.
   */
  next(now: number, budget: RequestBudget): readonly ScheduledRequest[] {
    this.#s.sync()

    return this.#selector.select(now, budget.wanBytes)
  }

  /**
   * Chunk `index` arrived from `peerId` and was verified. Returns the other requests in flight for
   * it (end-game duplicates), which the caller is to cancel; they no longer count as in flight.
   */
  received(index: number, peerId: string, now: number): readonly ScheduledRequest[] {
    this.#checkIndex(index)

    return onReceived(this.#s, index, peerId, now)
  }

  /**
   * A request for chunk `index` to `peerId` failed; the chunk goes back to the pool. Returns what
   * the caller should do to the peer: `disconnect` once it sent `banAfterBadChunks` bad chunks
   * (it is then banned from this patch), `penalise` for a bad chunk before that, else `none`.
   */
  failed(index: number, peerId: string, reason: FailureReason, now: number): PeerAction {
    this.#checkIndex(index)

    return onFailed(this.#s, index, peerId, reason, now)
  }

  isComplete(): boolean {
    return this.#s.remaining === 0
  }

  /**
   * Whether a request slot is free (fewer than `maxInFlight` requests out and chunks missing). When
   * it is not, {@link ChunkScheduler.next} returns nothing, so a caller may skip the call after a
   * have message or a timer: the overdue chunks that call would claim are claimed by the first
   * call after a reply frees a slot, under the same deadlines. O(1).
   */
  hasFreeSlot(): boolean {
    const s = this.#s

    return s.remaining > 0 && s.inFlight < s.options.maxInFlight
  }

  /**
   * The latest time (ms) by which to call {@link ChunkScheduler.next} again if nothing else
   * happens: the next WAN fallback deadline or the end of a peer's pause; Infinity when none, and
   * `now` or earlier when a deadline passed (or the WAN wait shortened) since the last `next()`.
   * Events the caller sees itself (replies, peer changes, a refilled WAN budget) are not included:
   * call `next()` after those. O(1) unless a peer is paused, O(peers) then. The time may be early
   * (a member delivered meanwhile); `next()` then returns nothing.
   */
  nextWakeAt(now: number): number {
    const s = this.#s
    if (s.remaining === 0) return Infinity

    s.sync()
    let wake = s.order.size(WAITING) > 0 ? s.waitDueAt : Infinity
    // Pauses are rare (timeouts, refusals): past the last one set, no peer can be paused.
    if (now >= s.pausesEndBy) return wake

    for (const peer of s.peers.list) {
      if (!peer.banned && peer.pausedUntil > now && peer.pausedUntil < wake) wake = peer.pausedUntil
    }

    return wake
  }

  /** Chunks we lack that no usable peer holds, ascending: what keeps the download from ending. */
  stalled(): number[] {
    this.#s.sync()
    const { order, start } = this.#s.order

    return Array.from(order.subarray(start[STALLED], start[STALLED + 1])).sort((a, b) => a - b)
  }

  isBanned(id: string): boolean {
    return this.#s.banned.has(id)
  }

  /** Peers banned from this patch, in ban order. */
  bannedPeers(): string[] {
    return [...this.#s.banned]
  }

  /** A copy of the chunks held. */
  have(): Bitfield {
    return this.#s.have.clone()
  }

  progress(): SchedulerProgress {
    const s = this.#s
    s.sync()
    const remaining = s.remaining

    return {
      chunkCount: s.chunkCount,
      have: s.have.count,
      remaining,
      inFlight: s.inFlight,
      stalled: s.order.size(STALLED),
      endGame:
        remaining > 0 && remaining <= s.options.endGameChunks && s.chunksInFlight === remaining,
      requested: { ...s.stats.requested },
      requestedBytes: { ...s.stats.requestedBytes },
      received: { ...s.stats.received },
      duplicates: s.stats.duplicates,
      cancelled: s.stats.cancelled,
      failed: { ...s.stats.failed },
      bannedPeers: s.banned.size,
    }
  }

  #checkIndex(index: number): void {
    if (!Number.isInteger(index) || index < 0 || index >= this.#s.chunkCount) {
      throw new ChunkIndexError(index, this.#s.chunkCount)
    }
  }
}

/** Builds the scheduler of one (node, patch) download. */
export function createScheduler(init: SchedulerInit): ChunkScheduler {
  return new ChunkScheduler(init)
}
