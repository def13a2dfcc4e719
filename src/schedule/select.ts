import type { DownloadState } from './download-state.ts'
import { mix32 } from './hash.ts'
import type { PeerState } from './peers.ts'
import { CLAIMED, DONE, FIRST_HOLDERS_BUCKET } from './pick-order.ts'
import type { ScheduledRequest } from './types.ts'

const NONE: readonly ScheduledRequest[] = Object.freeze([])

/** Puts the origin ahead of other WAN peers of equal cost. */
const ORIGIN_FIRST = 2 ** 32

/**
 * Chooses the requests of one `next()` call, in two passes:
 *
 * 1. Chunks we can fetch now, rarest first: from a site peer when any site peer holds the chunk,
 *    else over the WAN when this node is the chunk's responsible member. Then, with the WAN
 *    capacity left, chunks claimed after the responsible member's fallback deadline, each judged
 *    again first: one whose member showed life since goes back to waiting. Waiting chunks are
 *    never looked at.
 * 2. The end game: duplicates of in-flight chunks to other holders, same site first.
 *
 * Peers are chosen by expected cost, (requests in flight + 1) x (1 + failures in a row) / speed,
 * an unmeasured peer being assumed as fast as the fastest measured one of its kind.
 */
export class Selector {
  readonly #state: DownloadState
  /** Usable peers with a free request slot, at this site and across the WAN; reused per call. */
  readonly #site: PeerState[] = []
  readonly #wan: PeerState[] = []
  #siteSpeed = 1
  #wanSpeed = 1
  #out: ScheduledRequest[] | undefined
  #free = 0
  #siteOpen = 0
  #wanOpen = 0
  #budget = 0
  /** Most WAN requests in flight: half the slots, rounded up (see `maxInFlight`). */
  readonly #wanSlots: number

  constructor(state: DownloadState) {
    this.#state = state
    this.#wanSlots = Math.ceil(state.options.maxInFlight / 2)
  }

  select(now: number, wanBytes: number): readonly ScheduledRequest[] {
    const s = this.#state
    if (s.remaining === 0) return NONE

    if (now >= s.waitDueAt) s.claimOverdue(now)
    this.#free = s.options.maxInFlight - s.inFlight
    if (this.#free <= 0) return NONE

    this.#collect(now)
    this.#budget = wanBytes > 0 ? wanBytes : 0
    this.#out = undefined

    this.#fetchable(now)
    const remaining = s.remaining
    if (this.#free > 0 && remaining <= s.options.endGameChunks && s.chunksInFlight === remaining) {
      this.#endGame(now)
    }

    const out = this.#out ?? NONE
    this.#out = undefined

    return out
  }

  #fetchable(now: number): void {
    const s = this.#state
    const { order, start } = s.order
    const endGameWindow = s.remaining <= s.options.endGameChunks
    const smallest = Math.min(s.chunkSize, s.lastChunkSize)

    for (let p = start[FIRST_HOLDERS_BUCKET]; p < start[DONE]; p++) {
      const index = order[p]
      if (s.requests[index] !== 0) continue

      let peer: PeerState | undefined
      if (s.siteHolders[index] !== 0) {
        if (this.#siteOpen > 0) peer = this.#pick(this.#site, index, false)
        // Rule: never over the WAN what the site holds, unless in the end game no site holder
        // is usable at all (every one banned or paused).
        if (peer === undefined && endGameWindow && !this.#siteHolderUsable(index, now)) {
          peer = this.#wanPeer(index, false)
        }
      } else {
        peer = this.#wanPeer(index, false)
      }

      if (peer !== undefined) {
        this.#issue(peer, index, now, false)
        if (this.#free === 0) return
      } else if (this.#siteOpen === 0 && this.#wanClosed(smallest)) {
        return
      }
    }

    this.#claimed(now, smallest)
  }

  /** Claimed chunks, over the WAN, after the own share had its pick. */
  #claimed(now: number, smallest: number): void {
    const s = this.#state
    const { order, start } = s.order

    for (let p = start[CLAIMED]; p < start[CLAIMED + 1]; p++) {
      if (this.#wanClosed(smallest)) return

      const index = order[p]
      if (s.requests[index] !== 0) continue
      // Dropping the claim swaps the first claimed chunk, already looked at, into position p.
      if (!s.claimStands(index, now)) continue

      const peer = this.#wanPeer(index, false)
      if (peer === undefined) continue

      this.#issue(peer, index, now, false)
      if (this.#free === 0) return
    }
  }

  #endGame(now: number): void {
    const s = this.#state
    const { order, start } = s.order
    const cap = s.options.endGameRequestsPerChunk

    // Round r gives every chunk with at most r requests one more, so duplicates spread evenly.
    for (let round = 1; round < cap && this.#free > 0; round++) {
      let issued = false
      for (let p = 0; p < start[DONE] && this.#free > 0; p++) {
        const index = order[p]
        if (s.requests[index] > round) continue

        let peer = this.#siteOpen > 0 ? this.#pick(this.#site, index, true) : undefined
        if (peer === undefined && !this.#siteHolderUsable(index, now)) {
          peer = this.#wanPeer(index, true)
        }
        if (peer === undefined) continue

        this.#issue(peer, index, now, true)
        issued = true
      }
      if (!issued) return
    }
  }

  /**
   * A WAN peer for `index` if the budget and the WAN's half of the request slots allow and no WAN
   * request for it is in flight.
   */
  #wanPeer(index: number, exclude: boolean): PeerState | undefined {
    const s = this.#state
    // One WAN transfer per chunk at a time: a second copy would share the same thin link.
    if (this.#wanOpen === 0 || s.wanRequests[index] !== 0) return undefined
    // WAN transfers slowed by busy uplinks elsewhere would otherwise take every slot, and the
    // node would fall behind on what its site holds: it then finishes well after its site does.
    if (s.wanInFlight >= this.#wanSlots) return undefined
    if (this.#budget < s.bytesOf(index)) return undefined

    return this.#pick(this.#wan, index, exclude)
  }

  #pick(peers: PeerState[], index: number, exclude: boolean): PeerState | undefined {
    const s = this.#state
    const limit = s.options.maxInFlightPerPeer
    const fallbackSpeed = peers === this.#site ? this.#siteSpeed : this.#wanSpeed
    let best: PeerState | undefined
    let bestCost = Infinity
    let bestTie = -1

    for (const peer of peers) {
      if (peer.inFlight >= limit || !peer.holdings.get(index)) continue
      if (exclude && peer.hasRequest(index)) continue

      const speed = peer.speed > 0 ? peer.speed : fallbackSpeed
      const cost = ((peer.inFlight + 1) * (1 + peer.failuresInRow)) / speed
      if (cost > bestCost) continue

      const tie = (peer.isOrigin ? ORIGIN_FIRST : 0) + mix32(peer.idHash ^ index)
      if (cost < bestCost || tie > bestTie) {
        best = peer
        bestCost = cost
        bestTie = tie
      }
    }

    return best
  }

  /** Whether no WAN request can be sent in this call, whatever the chunk. */
  #wanClosed(smallest: number): boolean {
    return (
      this.#wanOpen === 0 || this.#budget < smallest || this.#state.wanInFlight >= this.#wanSlots
    )
  }

  #siteHolderUsable(index: number, now: number): boolean {
    for (const peer of this.#state.peers.list) {
      if (peer.sameSite && peer.usable(now) && peer.holdings.get(index)) return true
    }

    return false
  }

  #issue(peer: PeerState, index: number, now: number, duplicate: boolean): void {
    const s = this.#state
    const request = s.issue(peer, index, now)
    ;(this.#out ??= []).push(request)
    if (duplicate) s.stats.duplicates++

    this.#free--
    if (!peer.sameSite) this.#budget -= request.bytes
    if (peer.inFlight < s.options.maxInFlightPerPeer) return
    if (peer.sameSite) this.#siteOpen--
    else this.#wanOpen--
  }

  /** Fills the per-call lists of usable peers with a free slot, and the assumed unknown speeds. */
  #collect(now: number): void {
    const limit = this.#state.options.maxInFlightPerPeer
    this.#site.length = 0
    this.#wan.length = 0
    let siteSpeed = 0
    let wanSpeed = 0

    for (const peer of this.#state.peers.list) {
      if (!peer.usable(now) || peer.inFlight >= limit || peer.holdings.isEmpty()) continue

      if (peer.sameSite) {
        this.#site.push(peer)
        if (peer.speed > siteSpeed) siteSpeed = peer.speed
      } else {
        this.#wan.push(peer)
        if (peer.speed > wanSpeed) wanSpeed = peer.speed
      }
    }

    this.#siteOpen = this.#site.length
    this.#wanOpen = this.#wan.length
    this.#siteSpeed = siteSpeed > 0 ? siteSpeed : 1
    this.#wanSpeed = wanSpeed > 0 ? wanSpeed : 1
  }
}
