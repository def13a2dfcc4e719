import type { Bitfield } from './bitfield.ts'
import { chunkHash, hashString, rendezvousWeight } from './hash.ts'
import type { PeerState, PeerTable } from './peers.ts'

/**
 * The WAN split: for every chunk, the rank of this node among its site's members by rendezvous
 * (highest-random-weight) hashing of (chunk, member), and who ranks first and second among the
 * others. The member ranked first pulls the chunk over the WAN; the others wait for it.
 *
 * Rendezvous hashing moves only the chunks of a member that joins or leaves, and needs no
 * coordination: every member computes the same ranking from the same member set. Ranks are kept
 * per chunk and updated incrementally, O(chunks) hashes per join and O(chunks + members x chunks
 * the leaver ranked first or second for) per leave, so `next()` reads them in O(1).
 *
 * Held chunks are skipped: their ranks go stale and are never read again.
 *
 * Known shortcoming: rendezvous hashing is even only on average. 256 chunks over 12 members
 * give shares from about 0.6 to 1.5 times the mean, and each member pulls its share at its own
 * WAN rate (`--wan-down-mbit`, typically the site's link over its member count), so a site is
 * done when its largest share is: the simulator's small-office.yaml finishes at 1.41 times the
 * lower bound where one site cache needs 1.01. The fallback does not even it out, since a member
 * that keeps delivering keeps its share. A split with bounded loads (no member above about the
 * mean share, computed alike by every member from the member set) would.
 */
export class SiteSplit {
  readonly #selfId: string
  readonly #selfHash: number
  readonly #seed: number
  readonly #peers: PeerTable
  /** Other members, in join order. */
  readonly #members: PeerState[] = []
  /** Slot of the highest-ranked other member for each chunk; -1 when there is none. */
  readonly first: Int32Array
  /** Slot of the second-highest-ranked other member for each chunk; -1 when there is none. */
  readonly second: Int32Array
  /** This node's rank for each chunk among all members, itself included; 1 is responsible. */
  readonly selfRank: Uint16Array

  constructor(selfId: string, seed: number, peers: PeerTable, chunkCount: number) {
    this.#selfId = selfId
    this.#selfHash = hashString(selfId)
    this.#seed = seed
    this.#peers = peers
    this.first = new Int32Array(chunkCount).fill(-1)
    this.second = new Int32Array(chunkCount).fill(-1)
    this.selfRank = new Uint16Array(chunkCount).fill(1)
  }

  get memberCount(): number {
    return this.#members.length
  }

  join(peer: PeerState, skip: Bitfield): void {
    const { first, second, selfRank } = this
    this.#members.push(peer)

    for (let i = 0; i < selfRank.length; i++) {
      if (skip.get(i)) continue

      const key = chunkHash(i, this.#seed)
      const weight = rendezvousWeight(peer.idHash, key)
      if (this.#beatsSelf(weight, peer.id, key)) selfRank[i]++

      if (first[i] < 0 || this.#beats(weight, peer.id, first[i], key)) {
        second[i] = first[i]
        first[i] = peer.slot
      } else if (second[i] < 0 || this.#beats(weight, peer.id, second[i], key)) {
        second[i] = peer.slot
      }
    }
  }

  leave(peer: PeerState, skip: Bitfield): void {
    const k = this.#members.indexOf(peer)
    if (k < 0) return
    this.#members.splice(k, 1)

    for (let i = 0; i < this.selfRank.length; i++) {
      if (skip.get(i)) continue

      const key = chunkHash(i, this.#seed)
      if (this.#beatsSelf(rendezvousWeight(peer.idHash, key), peer.id, key)) this.selfRank[i]--
      if (this.first[i] === peer.slot || this.second[i] === peer.slot) this.#rankTopTwo(i, key)
    }
  }

  #rankTopTwo(i: number, key: number): void {
    let first = -1
    let second = -1

    for (const member of this.#members) {
      const weight = rendezvousWeight(member.idHash, key)
      if (first < 0 || this.#beats(weight, member.id, first, key)) {
        second = first
        first = member.slot
      } else if (second < 0 || this.#beats(weight, member.id, second, key)) {
        second = member.slot
      }
    }

    this.first[i] = first
    this.second[i] = second
  }

  /** Whether (weight, id) ranks above the member in `slot` for chunk `key`; ids break ties. */
  #beats(weight: number, id: string, slot: number, key: number): boolean {
    const other = this.#peers.atSlot(slot)
    const otherWeight = rendezvousWeight(other.idHash, key)

    return weight > otherWeight || (weight === otherWeight && id > other.id)
  }

  #beatsSelf(weight: number, id: string, key: number): boolean {
    const selfWeight = rendezvousWeight(this.#selfHash, key)

    return weight > selfWeight || (weight === selfWeight && id > this.#selfId)
  }
}
