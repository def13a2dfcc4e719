import { chunkHash, rendezvousWeight } from './hash.ts'

/**
 * Rendezvous hashing with bounded loads: which member of a site pulls each chunk of a patch over
 * the WAN, such that no member gets more than {@link shareCap} chunks. A pure function of the
 * member hashes (in an order every member agrees on, ascending id), the chunk count and the
 * patch's seed, so every member computes the same owners without talking to the others.
 *
 * Each chunk ranks the members by rendezvous weight, as plain rendezvous hashing does, and each
 * member ranks the chunks by the same weights. Chunks propose to members in rank order (deferred
 * acceptance): a member with room keeps a proposal; a full member keeps the heavier of the newcomer
 * and its lightest chunk and sends the other on to its next choice. As both sides rank by one
 * weight per (chunk, member) pair, the result is the only stable assignment, the one a greedy pass
 * over all pairs, heaviest first, gives: it cannot depend on the order in which a member learned
 * the others, nor on the order of proposals. A chunk goes to the first member of its rendezvous
 * order that has room for it, so where no cap binds this is plain rendezvous hashing, and a member
 * joining or leaving moves its own chunks plus the few that the changed cap pushes along.
 *
 * Work: O(chunks x members) weights at most (each chunk proposes to each member at most once, and
 * in practice to one or two), plus O(cap) per proposal a full member turns over.
 */

/**
 * Most chunks one member is given: the mean share, rounded up. Tight on purpose: each member
 * pulls its share at its own WAN rate, so the site is done when its largest share is.
 */
export function shareCap(chunkCount: number, memberCount: number): number {
  return memberCount === 0 ? 0 : Math.ceil(chunkCount / memberCount)
}

/** Members a split can hold: positions must fit {@link memberRankKey}. */
export const MAX_MEMBERS = 2 ** 16

/**
 * A chunk's order of preference over members as one number: weight first, then the member's
 * position (ascending ids) so that equal weights go to the larger id. Exact below 2^53, as weights
 * are below 2^32 and positions below {@link MAX_MEMBERS}.
 */
export function memberRankKey(weight: number, member: number): number {
  return weight * MAX_MEMBERS + member
}

/**
 * Per chunk, the position in `memberHashes` of the member that pulls it; -1 when there are no
 * members. `memberHashes` must be in an order every member agrees on (ascending id). `cap` is
 * {@link shareCap} unless a larger one is given (to compare with plain rendezvous hashing, say);
 * a smaller one is raised to it, as every chunk needs a member.
 */
export function assignOwners(
  memberHashes: Uint32Array,
  chunkCount: number,
  seed: number,
  cap = shareCap(chunkCount, memberHashes.length),
): Int32Array {
  const owners = new Int32Array(chunkCount).fill(-1)
  if (memberHashes.length === 0) return owners

  const proposals = new Proposals(memberHashes, seed, owners, cap)
  for (let i = 0; i < chunkCount; i++) proposals.place(i)

  return owners
}

/**
 * The state of one run of deferred acceptance; see {@link assignOwners}. Its arrays are garbage
 * after the run, so they are kept small: the simulator's nodes all run it at their start.
 */
class Proposals {
  readonly #hashes: Uint32Array
  readonly #seed: number
  readonly #owners: Int32Array
  readonly #cap: number
  /** Per chunk: the member it last proposed to, -1 before the first; it next tries the one below. */
  readonly #tried: Int32Array
  /** Member m's chunks sit at [m * cap, m * cap + load[m]), with their weights for m beside. */
  readonly #held: Int32Array
  readonly #heldWeight: Uint32Array
  readonly #load: Int32Array

  constructor(hashes: Uint32Array, seed: number, owners: Int32Array, cap: number) {
    this.#hashes = hashes
    this.#seed = seed
    this.#owners = owners
    this.#cap = Math.max(cap, shareCap(owners.length, hashes.length))
    this.#tried = new Int32Array(owners.length).fill(-1)
    this.#held = new Int32Array(hashes.length * this.#cap)
    this.#heldWeight = new Uint32Array(hashes.length * this.#cap)
    this.#load = new Int32Array(hashes.length)
  }

  /** Finds chunk `index` a member, and a new one for every chunk it displaces on the way. */
  place(index: number): void {
    let chunk = index
    // Members have room for every chunk (members x cap >= chunks), so a free chunk always has a
    // member left to try; each proposal moves one chunk a step down its order, so they end.
    while (chunk >= 0) chunk = this.#propose(chunk)
  }

  /** Proposes `chunk` to its next choice; returns the chunk left without a member, or -1. */
  #propose(chunk: number): number {
    const key = chunkHash(chunk, this.#seed)
    const member = this.#nextChoice(chunk, key)
    const weight = rendezvousWeight(this.#hashes[member], key)
    const base = member * this.#cap

    if (this.#load[member] < this.#cap) {
      this.#hold(base + this.#load[member]++, member, chunk, weight)

      return -1
    }

    const at = this.#lightest(member)
    const lightest = this.#held[at]
    if (!heavier(weight, chunk, this.#heldWeight[at], lightest)) return chunk

    this.#owners[lightest] = -1
    this.#hold(at, member, chunk, weight)

    return lightest
  }

  /** The member ranked next for `chunk` (its `key`) after the last one it tried. O(members). */
  #nextChoice(chunk: number, key: number): number {
    const last = this.#tried[chunk]
    const below =
      last < 0 ? Infinity : memberRankKey(rendezvousWeight(this.#hashes[last], key), last)
    let best = -1
    let bestKey = -1

    for (let m = 0; m < this.#hashes.length; m++) {
      const rank = memberRankKey(rendezvousWeight(this.#hashes[m], key), m)
      if (rank < below && rank > bestKey) {
        best = m
        bestKey = rank
      }
    }
    this.#tried[chunk] = best

    return best
  }

  /** Position in `held` of the chunk full `member` would give up first. O(cap). */
  #lightest(member: number): number {
    const base = member * this.#cap
    let at = base

    for (let k = base + 1; k < base + this.#cap; k++) {
      if (heavier(this.#heldWeight[at], this.#held[at], this.#heldWeight[k], this.#held[k])) {
        at = k
      }
    }

    return at
  }

  #hold(at: number, member: number, chunk: number, weight: number): void {
    this.#held[at] = chunk
    this.#heldWeight[at] = weight
    this.#owners[chunk] = member
  }
}

/**
 * Whether a member ranks chunk a (weight wa) above chunk b: by weight, then the lower index. The
 * index decides only exact ties, which a 32-bit hash makes rare, but they must go one way for all.
 */
function heavier(wa: number, a: number, wb: number, b: number): boolean {
  return wa > wb || (wa === wb && a < b)
}
