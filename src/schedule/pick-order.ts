/**
 * The order in which a node considers chunks: one array of chunk indexes grouped into buckets,
 * rarest first. A chunk changes bucket in O(distance) swaps with bucket boundaries (one swap when
 * a single holder comes or goes), so `next()` reads candidates in order without sorting anything.
 *
 * Bucket layout, in array order:
 *
 * | bucket | holds |
 * |---|---|
 * | {@link STALLED} | chunks we lack that no usable peer holds |
 * | {@link WAITING} | chunks only other sites hold that another site member is to pull |
 * | {@link CLAIMED} | such chunks taken over after their member's fallback deadline |
 * | `holdersBucket(h)` | other chunks we lack, by number of usable holders h (capped) |
 * | {@link DONE} | chunks we hold |
 *
 * Inside a bucket chunks start in the node's own tie-break order (a hash of its id and the index),
 * so two members of a site reading the same bucket read it in different orders. Single moves swap
 * one other chunk out of place, which keeps the order per-node and deterministic, not sorted.
 */

export const STALLED = 0
export const WAITING = 1
/**
 * Taken-over chunks sit apart from the others so that a node pulls its own share first: a claim
 * is only acted on with a WAN slot its own share cannot use, and is judged again at that time.
 */
export const CLAIMED = 2
/** Holder counts at or above this share one bucket: past it, rarity makes no difference. */
export const MAX_RARITY = 32
export const DONE = MAX_RARITY + 3
const BUCKETS = DONE + 1

/** Bucket of a chunk we lack with `holders` >= 1 usable holders. */
export function holdersBucket(holders: number): number {
  return CLAIMED + (holders < MAX_RARITY ? holders : MAX_RARITY)
}

/** First bucket of chunks that can be requested now without waiting for anyone. */
export const FIRST_HOLDERS_BUCKET = holdersBucket(1)

export class PickOrder {
  /** Chunk indexes grouped by bucket. */
  readonly order: Uint32Array
  /** Position of each chunk in `order`. */
  readonly position: Uint32Array
  /** Bucket of each chunk. */
  readonly bucket: Uint8Array
  /** start[b] is the first position of bucket b; start[BUCKETS] is the chunk count. */
  readonly start: Uint32Array

  /** All chunks start in {@link STALLED}, ordered by ascending `tieKey` (then index). */
  constructor(tieKey: Uint32Array) {
    const count = tieKey.length
    this.order = sortedBy(tieKey)
    this.position = new Uint32Array(count)
    for (let p = 0; p < count; p++) this.position[this.order[p]] = p
    this.bucket = new Uint8Array(count)
    this.start = new Uint32Array(BUCKETS + 1).fill(count)
    this.start[STALLED] = 0
  }

  /** Number of chunks in bucket `b`. */
  size(b: number): number {
    return this.start[b + 1] - this.start[b]
  }

  /** Moves chunk `index` to bucket `to`, one boundary swap per bucket crossed. */
  move(index: number, to: number): void {
    let b = this.bucket[index]

    while (b < to) {
      this.#swap(index, this.start[b + 1] - 1)
      this.start[b + 1]--
      b++
    }

    while (b > to) {
      this.#swap(index, this.start[b])
      this.start[b]++
      b--
    }

    this.bucket[index] = to
  }

  /**
   * Re-groups every chunk after `bucket` was rewritten in bulk: a stable counting sort, O(chunks +
   * buckets), that keeps each bucket in its previous relative order.
   */
  rebuild(): void {
    const { order, position, bucket, start } = this
    const next = new Uint32Array(order.length)

    start.fill(0)
    for (let i = 0; i < order.length; i++) start[bucket[i] + 1]++
    for (let b = 1; b <= BUCKETS; b++) start[b] += start[b - 1]

    const fill = start.slice(0, BUCKETS)
    for (let p = 0; p < order.length; p++) {
      const index = order[p]
      next[fill[bucket[index]]++] = index
    }

    order.set(next)
    for (let p = 0; p < order.length; p++) position[order[p]] = p
  }

  #swap(index: number, target: number): void {
    const from = this.position[index]
    if (from === target) return

    const other = this.order[target]
    this.order[target] = index
    this.order[from] = other
    this.position[index] = target
    this.position[other] = from
  }
}

/**
 * Indexes sorted by ascending key, then index: each (key, index) pair packed into one exact
 * double so a native typed-array sort does the work. Past 2^21 chunks the key's low bits are
 * dropped, which only coarsens the tie order.
 */
function sortedBy(key: Uint32Array): Uint32Array {
  const count = key.length
  const indexBits = Math.max(1, Math.ceil(Math.log2(count + 1)))
  const dropped = 2 ** Math.max(0, indexBits - 21)
  const packed = new Float64Array(count)
  for (let i = 0; i < count; i++) packed[i] = Math.floor(key[i] / dropped) * 2 ** indexBits + i
  packed.sort()

  const order = new Uint32Array(count)
  const mask = 2 ** indexBits
  for (let p = 0; p < count; p++) order[p] = packed[p] % mask

  return order
}
