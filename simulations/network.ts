/**
 * The flow model: transfers ("flows") crossing links of fixed capacity, in simulated seconds.
 *
 * ## Sharing rule: equal split at every link, the tightest link sets the rate
 *
 * Each link l of capacity C_l crossed by n_l flows offers each of them the share s_l = C_l / n_l,
 * and a flow runs at the smallest share along its path: r_f = min over l in f of s_l. This is the
 * first step of max-min progressive filling, without the redistribution that follows it: the
 * capacity a flow leaves unused at a link (because it is held back elsewhere) is not handed to
 * the other flows there. So:
 *
 * - rates are always feasible (no link carries more than its capacity, up to the ε below) and the
 *   simulator never beats the physics, so it never beats the lower bound either;
 * - it equals max-min wherever the flows of a link are all held back at that link or all at
 *   links of equal share, which is the common case here (the origin, a WAN link, a LAN each
 *   carry flows of one kind); where a link mixes flows held back elsewhere with flows that could
 *   go faster, it under-uses that link and predicts late, never early.
 *
 * ## Why it is cheap: shares depend on counts only
 *
 * A flow is "owned" by the link that sets its rate. Every flow owned by l runs at s_l, so l keeps a
 * virtual clock V_l = ∫ s_l dt (bytes served to each of its flows) and a heap of its flows by
 * finishing virtual time (V_l at start + bytes): starting or ending a flow on l changes s_l in
 * O(1) and re-times all of l's flows at once. Ownership only changes when shares change, and
 * shares only change when a flow starts or ends on that link (or its capacity changes), so a
 * start or an end re-examines the flows of the links it crosses, and nothing else.
 *
 * ## The approximation: ε-lazy re-examination of crowded links
 *
 * The origin may carry tens of thousands of flows; re-examining all of them at every start and
 * end would be quadratic. A link's flows are re-examined only once its share has moved by more
 * than a factor ε (default 2 %) since their last examination (always, for links of fewer than
 * about 1/ε flows, where every change is larger). Between examinations a flow may keep an owner
 * whose share exceeds the new minimum on its path by up to ε on each of the two links involved,
 * so its rate is within (1 ± ε)² of the rule above and a link may carry up to ~2ε more than its
 * capacity for a while. Flows owned by a link always run at its exact current share.
 */
import { IndexedHeap } from './heap.ts'

/** Longest path: node up, WAN up, WAN down, node down. */
export const MAX_PATH = 4
/** Default ε of the lazy re-examination. */
export const DEFAULT_EPSILON = 0.02

export class Network {
  /** Bytes per second. */
  readonly capacity: Float64Array
  /** Flows crossing each link. */
  readonly count: Int32Array
  readonly share: Float64Array
  readonly #vclock: Float64Array
  readonly #vAt: Float64Array
  readonly #examined: Float64Array
  /** Flows crossing each link, unordered. */
  readonly #members: number[][]
  /** Flows owned by each link: a heap by finishing virtual time. */
  readonly #owned: number[][]
  /** Links by the time their next flow ends. */
  readonly #queue: IndexedHeap
  readonly #epsilon: number
  readonly #dirty: number[] = []
  readonly #isDirty: Uint8Array

  // Flows, in columns; ids are reused after a flow ends.
  #path = new Int32Array(0)
  #pathLength = new Uint8Array(0)
  #memberPos = new Int32Array(0)
  #owner = new Int32Array(0)
  #heapPos = new Int32Array(0)
  #finish = new Float64Array(0)
  #bytes = new Float64Array(0)
  #free: number[] = []
  #flowCap = 0
  #live = 0

  constructor(capacity: Float64Array, epsilon = DEFAULT_EPSILON) {
    const links = capacity.length
    this.capacity = capacity.slice()
    this.count = new Int32Array(links)
    this.share = this.capacity.slice()
    this.#vclock = new Float64Array(links)
    this.#vAt = new Float64Array(links)
    this.#examined = this.capacity.slice()
    this.#members = Array.from({ length: links }, () => [])
    this.#owned = Array.from({ length: links }, () => [])
    this.#queue = new IndexedHeap(links)
    this.#isDirty = new Uint8Array(links)
    this.#epsilon = epsilon
    this.#grow(1024)
  }

  /** Flows in progress. */
  get live(): number {
    return this.#live
  }

  /** Flows crossing `link` now (a copy). */
  flowsOn(link: number): number[] {
    return this.#members[link].slice()
  }

  /** Size of flow `id` in bytes. */
  bytesOf(id: number): number {
    return this.#bytes[id]
  }

  /** Starts a flow of `bytes` over `path` (distinct links) at `now`; returns its id. */
  start(path: ArrayLike<number>, bytes: number, now: number): number {
    const id = this.#alloc()
    const base = id * MAX_PATH
    this.#pathLength[id] = path.length
    let owner = -1

    for (let k = 0; k < path.length; k++) {
      const l = path[k]
      this.#advance(l, now)
      this.#path[base + k] = l
      this.#memberPos[base + k] = this.#members[l].length
      this.#members[l].push(id)
      this.count[l]++
      this.#reshare(l)
      if (owner < 0 || this.share[l] < this.share[owner]) owner = l
    }

    this.#bytes[id] = bytes
    this.#own(id, owner, bytes)
    for (let k = 0; k < path.length; k++) this.#changed(path[k], now, false)
    this.#flush()

    return id
  }

  /** Time of the next flow end, Infinity when none can end (no flow, or all stalled). */
  nextEnd(): number {
    return this.#queue.peekKey()
  }

  /** Ends the flow due at `now` (the time {@link Network.nextEnd} gave) and returns its id. */
  endNext(now: number): number {
    const link = this.#queue.peek()
    const id = this.#owned[link][0]
    this.#remove(id, now)

    return id
  }

  /**
   * Stops flow `id` before its end (its requester gave up or a party went away); returns the
   * bytes it had moved.
   */
  abort(id: number, now: number): number {
    const owner = this.#owner[id]
    this.#advance(owner, now)
    const left = Math.max(0, this.#finish[id] - this.#vclock[owner])
    const moved = Math.max(0, this.#bytes[id] - left)
    this.#remove(id, now)

    return moved
  }

  /** Changes a link's capacity (0 for an outage): every flow crossing it is re-examined. */
  setCapacity(link: number, capacity: number, now: number): void {
    this.#advance(link, now)
    this.capacity[link] = capacity
    this.#reshare(link)
    this.#changed(link, now, true)
    this.#flush()
  }

  #remove(id: number, now: number): void {
    const owner = this.#owner[id]
    this.#advance(owner, now)
    this.#heapRemove(owner, id)
    this.#markDirty(owner)

    const base = id * MAX_PATH
    const length = this.#pathLength[id]
    for (let k = 0; k < length; k++) {
      const l = this.#path[base + k]
      this.#advance(l, now)
      const members = this.#members[l]
      const pos = this.#memberPos[base + k]
      const last = members.pop() as number
      if (last !== id) {
        members[pos] = last
        this.#setMemberPos(last, l, pos)
      }
      this.count[l]--
      this.#reshare(l)
    }
    for (let k = 0; k < length; k++) this.#changed(this.#path[base + k], now, false)

    this.#pathLength[id] = 0
    this.#free.push(id)
    this.#live--
    this.#flush()
  }

  #setMemberPos(id: number, link: number, pos: number): void {
    const base = id * MAX_PATH
    for (let k = 0; k < this.#pathLength[id]; k++) {
      if (this.#path[base + k] === link) {
        this.#memberPos[base + k] = pos
        return
      }
    }
  }

  #reshare(l: number): void {
    const n = this.count[l]
    this.share[l] = n > 0 ? this.capacity[l] / n : this.capacity[l]
  }

  /** The share of `l` changed: re-examine its flows if it moved enough, and re-time it. */
  #changed(l: number, now: number, force: boolean): void {
    this.#markDirty(l)
    const before = this.#examined[l]
    const share = this.share[l]
    if (!force && Math.abs(share - before) <= this.#epsilon * before) return

    this.#examined[l] = share
    for (const id of this.#members[l]) this.#reown(id, now)
  }

  /** Moves flow `id` to the link of smallest share on its path, if that is not its owner. */
  #reown(id: number, now: number): void {
    const base = id * MAX_PATH
    const owner = this.#owner[id]
    let best = owner
    for (let k = 0; k < this.#pathLength[id]; k++) {
      const l = this.#path[base + k]
      if (this.share[l] < this.share[best]) best = l
    }
    if (best === owner) return

    this.#advance(owner, now)
    this.#advance(best, now)
    const left = this.#finish[id] - this.#vclock[owner]
    this.#heapRemove(owner, id)
    this.#markDirty(owner)
    this.#own(id, best, left)
  }

  #own(id: number, link: number, left: number): void {
    this.#owner[id] = link
    this.#finish[id] = this.#vclock[link] + Math.max(0, left)
    const heap = this.#owned[link]
    this.#heapPos[id] = heap.length
    heap.push(id)
    this.#siftUp(heap, heap.length - 1)
    this.#markDirty(link)
  }

  #advance(l: number, now: number): void {
    const dt = now - this.#vAt[l]
    if (dt > 0) {
      this.#vclock[l] += this.share[l] * dt
      this.#vAt[l] = now
    }
  }

  #markDirty(l: number): void {
    if (this.#isDirty[l] === 1) return
    this.#isDirty[l] = 1
    this.#dirty.push(l)
  }

  /** Re-times every link touched by the last operation. */
  #flush(): void {
    for (const l of this.#dirty) {
      this.#isDirty[l] = 0
      const heap = this.#owned[l]
      const share = this.share[l]
      if (heap.length === 0 || share <= 0) {
        this.#queue.remove(l)
        continue
      }
      const left = this.#finish[heap[0]] - this.#vclock[l]
      this.#queue.set(l, this.#vAt[l] + Math.max(0, left) / share)
    }
    this.#dirty.length = 0
  }

  #heapRemove(link: number, id: number): void {
    const heap = this.#owned[link]
    const p = this.#heapPos[id]
    const last = heap.pop() as number
    if (last === id) return

    heap[p] = last
    this.#heapPos[last] = p
    this.#siftUp(heap, p)
    this.#siftDown(heap, this.#heapPos[last])
  }

  #less(a: number, b: number): boolean {
    const fa = this.#finish[a]
    const fb = this.#finish[b]

    return fa < fb || (fa === fb && a < b)
  }

  #siftUp(heap: number[], p: number): void {
    const id = heap[p]
    while (p > 0) {
      const parent = (p - 1) >> 1
      if (!this.#less(id, heap[parent])) break
      heap[p] = heap[parent]
      this.#heapPos[heap[p]] = p
      p = parent
    }
    heap[p] = id
    this.#heapPos[id] = p
  }

  #siftDown(heap: number[], p: number): void {
    const id = heap[p]
    for (;;) {
      let child = 2 * p + 1
      if (child >= heap.length) break
      if (child + 1 < heap.length && this.#less(heap[child + 1], heap[child])) child++
      if (!this.#less(heap[child], id)) break
      heap[p] = heap[child]
      this.#heapPos[heap[p]] = p
      p = child
    }
    heap[p] = id
    this.#heapPos[id] = p
  }

  #alloc(): number {
    if (this.#free.length === 0) this.#grow(this.#flowCap * 2)
    this.#live++

    return this.#free.pop() as number
  }

  #grow(cap: number): void {
    const old = this.#flowCap
    this.#path = resize(this.#path, cap * MAX_PATH)
    this.#memberPos = resize(this.#memberPos, cap * MAX_PATH)
    this.#pathLength = resize(this.#pathLength, cap)
    this.#owner = resize(this.#owner, cap)
    this.#heapPos = resize(this.#heapPos, cap)
    this.#finish = resize(this.#finish, cap)
    this.#bytes = resize(this.#bytes, cap)
    // Lowest ids are handed out first.
    for (let id = cap - 1; id >= old; id--) this.#free.push(id)
    this.#flowCap = cap
  }
}

function resize<T extends Int32Array | Uint8Array | Float64Array>(a: T, length: number): T {
  const b = new (a.constructor as new (n: number) => T)(length)
  b.set(a)

  return b
}
