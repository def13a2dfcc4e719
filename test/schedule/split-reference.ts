import { Bitfield } from '../../src/schedule/bitfield.ts'
import { chunkHash, hashString, rendezvousWeight } from '../../src/schedule/hash.ts'
import { PeerTable, type PeerState } from '../../src/schedule/peers.ts'
import { SiteSplit } from '../../src/schedule/site-split.ts'

/**
 * The WAN split computed the slow, obvious way, to check src/schedule's against, and one member's
 * view of the real thing.
 */

export const SITE = 's'

/** Member ids for tests: spread out so that their hashes share nothing. */
export function memberIds(count: number): string[] {
  return Array.from({ length: count }, (_, k) => `node-${k * 37}`)
}

/** `ids` ranked for chunk `index`: by rendezvous weight, equal weights to the larger id. */
export function rendezvousOrder(ids: readonly string[], index: number, seed: number): string[] {
  const key = chunkHash(index, seed)
  const weighed = ids.map((id) => ({ id, w: rendezvousWeight(hashString(id), key) }))

  return weighed.sort((a, b) => b.w - a.w || (a.id < b.id ? 1 : -1)).map((m) => m.id)
}

/**
 * Owners by the greedy over every (chunk, member) pair, heaviest first, each member taking chunks
 * until it holds the mean share rounded up: the stable assignment src/schedule must agree with.
 */
export function greedyOwners(ids: readonly string[], chunks: number, seed: number): string[] {
  const cap = Math.ceil(chunks / ids.length)
  const pairs: { index: number; id: string; w: number }[] = []
  for (let index = 0; index < chunks; index++) {
    const key = chunkHash(index, seed)
    for (const id of ids) pairs.push({ index, id, w: rendezvousWeight(hashString(id), key) })
  }
  // Heavier first; then the larger id, as a chunk ranks members; then the lower chunk index.
  pairs.sort((a, b) => b.w - a.w || (a.id < b.id ? 1 : a.id > b.id ? -1 : a.index - b.index))

  const owners: string[] = new Array<string>(chunks)
  const load = new Map<string, number>()
  for (const { index, id } of pairs) {
    if (owners[index] !== undefined || (load.get(id) ?? 0) >= cap) continue

    owners[index] = id
    load.set(id, (load.get(id) ?? 0) + 1)
  }

  return owners
}

/** Chunks per owner. */
export function loads(owners: readonly string[]): Map<string, number> {
  const load = new Map<string, number>()
  for (const id of owners) load.set(id, (load.get(id) ?? 0) + 1)

  return load
}

/** One member's split, told of the others in the given order, with a refresh between batches. */
export class SplitView {
  readonly selfId: string
  readonly #peers = new PeerTable()
  readonly #split: SiteSplit
  readonly #byId = new Map<string, PeerState>()
  readonly #chunks: number

  constructor(selfId: string, chunks: number, seed: number) {
    this.selfId = selfId
    this.#chunks = chunks
    this.#split = new SiteSplit(selfId, seed, chunks)
  }

  get split(): SiteSplit {
    return this.#split
  }

  join(id: string): void {
    const peer = this.#peers.add({ id, site: SITE }, SITE, this.#chunks, 4)
    this.#byId.set(id, peer)
    this.#split.join(peer)
  }

  /** The member leaves and is forgotten, as a removed peer is: its slot may go to a joiner. */
  leave(id: string): void {
    const peer = this.#byId.get(id) as PeerState
    this.#split.leave(peer)
    this.#peers.remove(peer)
    this.#byId.delete(id)
  }

  /** Refreshes the split; returns the chunks whose first other member changed. */
  refresh(): number[] {
    const changed = this.#split.refresh(new Bitfield(this.#chunks))

    return [...changed.keys()].filter((i) => changed[i] === 1)
  }

  /** Chunk `index`'s fallback order as far as this member knows it: its own place and two more. */
  order(index: number): { owner: string; first: string | undefined; second: string | undefined } {
    const { first, second, selfRank } = this.#split
    const idOf = (slot: number) => (slot < 0 ? undefined : this.#peers.atSlot(slot).id)
    const owner = selfRank[index] === 1 ? this.selfId : (idOf(first[index]) as string)

    return { owner, first: idOf(first[index]), second: idOf(second[index]) }
  }

  owners(): string[] {
    return Array.from({ length: this.#chunks }, (_, i) => this.order(i).owner)
  }
}
