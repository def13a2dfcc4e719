import { Bitfield } from './bitfield.ts'
import { DuplicatePeerError, UnknownPeerError } from './errors.ts'
import { hashString } from './hash.ts'
import type { PeerInfo, RequestSource } from './types.ts'

/** Weight of a new speed sample in a peer's moving average. */
const SPEED_SMOOTHING = 0.3

/** What the scheduler knows about one peer, for one patch. */
export class PeerState {
  readonly id: string
  /** Dense small integer naming the peer in per-chunk arrays; reused after removal. */
  readonly slot: number
  readonly idHash: number
  readonly sameSite: boolean
  readonly isOrigin: boolean
  readonly source: RequestSource
  /** Chunks the peer told us it holds, whether or not it is usable. */
  readonly holdings: Bitfield
  /** A site member currently downloading this patch: it takes part in the WAN split. */
  member = false
  banned = false
  badChunks = 0
  /** Timeouts, refusals and bad chunks since its last good chunk; lowers its priority. */
  failuresInRow = 0
  /** Not chosen before this time (ms) after a timeout or refusal. */
  pausedUntil = -Infinity
  /** Moving average of bytes per second per request; 0 until measured. */
  speed = 0
  /** Last time (ms) this member brought a chunk into the site: the liveness of its WAN share. */
  lastWanProgressAt = -Infinity
  /** Requests in flight to this peer: chunk indexes and send times, `inFlight` entries used. */
  inFlight = 0
  readonly requested: Int32Array
  readonly sentAt: Float64Array

  constructor(
    info: PeerInfo,
    slot: number,
    selfSite: string,
    chunkCount: number,
    maxPerPeer: number,
  ) {
    this.id = info.id
    this.slot = slot
    this.idHash = hashString(info.id)
    this.sameSite = info.site === selfSite
    this.isOrigin = info.isOrigin === true
    this.source = this.sameSite ? 'site' : this.isOrigin ? 'origin' : 'wan'
    this.holdings = new Bitfield(chunkCount)
    this.requested = new Int32Array(maxPerPeer)
    this.sentAt = new Float64Array(maxPerPeer)
  }

  hasRequest(index: number): boolean {
    for (let k = 0; k < this.inFlight; k++) if (this.requested[k] === index) return true

    return false
  }

  addRequest(index: number, now: number): void {
    this.requested[this.inFlight] = index
    this.sentAt[this.inFlight] = now
    this.inFlight++
  }

  /** Forgets the request for `index`; returns when it was sent, or NaN when there was none. */
  removeRequest(index: number): number {
    for (let k = 0; k < this.inFlight; k++) {
      if (this.requested[k] !== index) continue

      const sentAt = this.sentAt[k]
      this.inFlight--
      this.requested[k] = this.requested[this.inFlight]
      this.sentAt[k] = this.sentAt[this.inFlight]

      return sentAt
    }

    return Number.NaN
  }

  recordSpeed(bytesPerSecond: number): void {
    if (!(bytesPerSecond > 0) || !Number.isFinite(bytesPerSecond)) return

    this.speed =
      this.speed === 0
        ? bytesPerSecond
        : this.speed + SPEED_SMOOTHING * (bytesPerSecond - this.speed)
  }

  /** Usable now: not banned and not paused. */
  usable(now: number): boolean {
    return !this.banned && this.pausedUntil <= now
  }
}

/** The peers of one download, by id and by slot. */
export class PeerTable {
  readonly #byId = new Map<string, PeerState>()
  readonly #bySlot: (PeerState | undefined)[] = []
  readonly #freeSlots: number[] = []
  /** Every known peer, in no particular order; iterate this in hot paths. */
  readonly list: PeerState[] = []

  add(info: PeerInfo, selfSite: string, chunkCount: number, maxPerPeer: number): PeerState {
    if (this.#byId.has(info.id)) throw new DuplicatePeerError(info.id)

    const slot = this.#freeSlots.pop() ?? this.#bySlot.length
    const peer = new PeerState(info, slot, selfSite, chunkCount, maxPerPeer)
    this.#byId.set(peer.id, peer)
    this.#bySlot[slot] = peer
    this.list.push(peer)

    return peer
  }

  remove(peer: PeerState): void {
    this.#byId.delete(peer.id)
    this.#bySlot[peer.slot] = undefined
    this.#freeSlots.push(peer.slot)
    const k = this.list.indexOf(peer)
    this.list[k] = this.list[this.list.length - 1]
    this.list.pop()
  }

  find(id: string): PeerState | undefined {
    return this.#byId.get(id)
  }

  get(id: string): PeerState {
    const peer = this.#byId.get(id)
    if (peer === undefined) throw new UnknownPeerError(id)

    return peer
  }

  /** The peer in `slot`; only called for slots the caller knows are taken. */
  atSlot(slot: number): PeerState {
    return this.#bySlot[slot] as PeerState
  }
}
