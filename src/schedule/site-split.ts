import type { Bitfield } from './bitfield.ts'
import { assignOwners, MAX_MEMBERS, memberRankKey } from './bounded-loads.ts'
import { chunkHash, hashString, rendezvousWeight } from './hash.ts'
import type { PeerState } from './peers.ts'

/**
 * The WAN split: for every chunk, which of its site's members pulls it over the WAN (its owner),
 * and in which order the others take over when the owner is slow. The others wait for it.
 *
 * Owners come from rendezvous hashing with bounded loads (bounded-loads.ts): no member owns more
 * than the mean share rounded up, and a chunk goes to the first member of its rendezvous order
 * with room. Every member computes the same owners from the same member set (itself included),
 * chunk count and seed, whatever order it learned the members in, and a member joining or leaving
 * moves its own chunks and the few the changed cap pushes along.
 *
 * The fallback order of a chunk is its owner, then every other member in rendezvous order: the
 * same at every member, and independent of the loads, since a takeover after a wait is no
 * membership change. A member that leaves is no fallback case: the chunks are owned anew.
 *
 * Membership changes only mark the split stale; {@link SiteSplit.refresh} recomputes it, in
 * O(members x chunks), before the next read. A node that learns its site's members one by one
 * (the simulator's 10,000 nodes learn about 20 each) thus computes it once, not once per member.
 * Ranks of held chunks (`skip`) are not computed: they are never read again.
 *
 * Known shortcoming: the split evens out chunk counts, not time, and over all chunks of the
 * patch, not over those still missing. Each member pulls its share at its own WAN rate
 * (`--wan-down-mbit`), so a member slower than the others still finishes last (the fallback takes
 * over its chunks only once it has delivered nothing for a whole wait), and after a late join or
 * churn the shares of what is left are only as even as chance makes them. With members alike, as in
 * the simulator's small-office.yaml, p50 is 1.08 times the lower bound (1.41 with plain rendezvous
 * hashing; one site cache per site gets 1.01): the cap's rounding (22 chunks where the mean is
 * 21.3) and the node's 1.5 s gather delay make most of the rest. And members whose views of the
 * member set differ (one not yet told of a joiner) disagree on more owners than under plain
 * rendezvous hashing, as every member's cap changes: until the hellos settle, a chunk may wait for
 * a fallback or cross the WAN twice.
 */
export class SiteSplit {
  readonly #selfId: string
  readonly #selfHash: number
  readonly #seed: number
  /** Other members, in join order. */
  readonly #members: PeerState[] = []
  /** Other members by slot as of the last refresh: what `first` and `second` name. */
  #bySlot: (PeerState | undefined)[] = []
  #stale = false
  /**
   * Slot of the first other member in each chunk's fallback order: the owner, or when this node
   * owns the chunk the other member ranked highest; -1 when there is none.
   */
  readonly first: Int32Array
  /** Slot of the second other member in each chunk's fallback order; -1 when there is none. */
  readonly second: Int32Array
  /** This node's place in each chunk's fallback order, 1 for the owner. */
  readonly selfRank: Uint16Array

  constructor(selfId: string, seed: number, chunkCount: number) {
    this.#selfId = selfId
    this.#selfHash = hashString(selfId)
    this.#seed = seed
    this.first = new Int32Array(chunkCount).fill(-1)
    this.second = new Int32Array(chunkCount).fill(-1)
    this.selfRank = new Uint16Array(chunkCount).fill(1)
  }

  /** Other members, this node not counted. */
  get memberCount(): number {
    return this.#members.length
  }

  /** Whether a membership changed since the last {@link SiteSplit.refresh}. */
  get stale(): boolean {
    return this.#stale
  }

  join(peer: PeerState): void {
    // Rank keys need positions below MAX_MEMBERS; no site comes near, so the rest are left out.
    if (this.#members.length + 1 >= MAX_MEMBERS) return

    this.#members.push(peer)
    this.#stale = true
  }

  leave(peer: PeerState): void {
    const k = this.#members.indexOf(peer)
    if (k < 0) return

    this.#members.splice(k, 1)
    this.#stale = true
  }

  /**
   * Recomputes owners and fallback ranks after membership changes, for the chunks not in `skip`.
   * Returns per chunk 1 where the first other member of its fallback order changed: its wait for
   * that member starts again. Compared by peer, not slot, as a leaver's slot may have gone to a
   * joiner since the last refresh.
   */
  refresh(skip: Bitfield): Uint8Array {
    const changed = new Uint8Array(this.selfRank.length)
    if (!this.#stale) return changed
    this.#stale = false

    const before = this.#bySlot
    this.#bySlot = []
    for (const peer of this.#members) this.#bySlot[peer.slot] = peer

    const everyone = this.#sortedMembers()
    const members: Ranking = {
      hashes: Uint32Array.from(everyone, (m) => m.hash),
      slots: Int32Array.from(everyone, (m) => m.slot),
      self: everyone.findIndex((m) => m.slot < 0),
    }
    const owners = assignOwners(members.hashes, this.selfRank.length, this.#seed)

    for (let i = 0; i < owners.length; i++) {
      if (skip.get(i)) continue

      const firstBefore = before[this.first[i]]
      this.#rank(i, chunkHash(i, this.#seed), owners[i], members)
      if (this.#bySlot[this.first[i]] !== firstBefore) changed[i] = 1
    }

    return changed
  }

  /** Every member, this node (slot -1) included, by ascending id: the order all members share. */
  #sortedMembers(): { id: string; hash: number; slot: number }[] {
    const everyone = this.#members.map((p) => ({ id: p.id, hash: p.idHash, slot: p.slot }))
    everyone.push({ id: this.#selfId, hash: this.#selfHash, slot: -1 })

    return everyone.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
  }

  /**
   * Chunk `i`'s fallback order as this node reads it: the owner, then the others by rendezvous
   * rank. One pass over the members for the two highest-ranked besides the owner and this node,
   * and for how many of them rank above this node.
   */
  #rank(i: number, key: number, owner: number, members: Ranking): void {
    const { hashes, slots, self } = members
    const selfKey = memberRankKey(rendezvousWeight(hashes[self], key), self)
    let top = -1
    let topKey = -1
    let next = -1
    let nextKey = -1
    let above = 0

    for (let m = 0; m < hashes.length; m++) {
      if (m === owner || m === self) continue

      const rank = memberRankKey(rendezvousWeight(hashes[m], key), m)
      if (rank > selfKey) above++
      if (rank > topKey) {
        next = top
        nextKey = topKey
        top = m
        topKey = rank
      } else if (rank > nextKey) {
        next = m
        nextKey = rank
      }
    }

    if (owner === self) {
      this.selfRank[i] = 1
      this.first[i] = slotAt(slots, top)
      this.second[i] = slotAt(slots, next)
    } else {
      this.selfRank[i] = above + 2
      this.first[i] = slotAt(slots, owner)
      this.second[i] = slotAt(slots, top)
    }
  }
}

function slotAt(slots: Int32Array, member: number): number {
  return member < 0 ? -1 : slots[member]
}

/** The members of one refresh in the order all share (ascending id), this node's slot -1. */
interface Ranking {
  hashes: Uint32Array
  slots: Int32Array
  /** This node's position. */
  self: number
}
