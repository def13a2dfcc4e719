/**
 * Priority queues of the event loop, in typed arrays so a run of millions of events allocates
 * nothing per event. Ties are broken by item number (or insertion order), so a run is
 * deterministic.
 */

/** A min-heap of the items 0..n-1, each in it at most once, keyed by a time. */
export class IndexedHeap {
  readonly key: Float64Array
  #heap: Int32Array
  #pos: Int32Array
  #size = 0

  constructor(items: number) {
    this.key = new Float64Array(items)
    this.#heap = new Int32Array(items)
    this.#pos = new Int32Array(items).fill(-1)
  }

  get size(): number {
    return this.#size
  }

  /** The smallest key, Infinity when empty. */
  peekKey(): number {
    return this.#size === 0 ? Infinity : this.key[this.#heap[0]]
  }

  peek(): number {
    return this.#heap[0]
  }

  has(item: number): boolean {
    return this.#pos[item] >= 0
  }

  /** Inserts `item` or moves it to `key`; an infinite key removes it. */
  set(item: number, key: number): void {
    if (key === Infinity) {
      this.remove(item)
      return
    }

    const p = this.#pos[item]
    this.key[item] = key
    if (p < 0) {
      this.#heap[this.#size] = item
      this.#pos[item] = this.#size
      this.#up(this.#size++)
    } else {
      this.#up(p)
      this.#down(this.#pos[item])
    }
  }

  remove(item: number): void {
    const p = this.#pos[item]
    if (p < 0) return

    this.#pos[item] = -1
    const last = this.#heap[--this.#size]
    if (p === this.#size) return

    this.#heap[p] = last
    this.#pos[last] = p
    this.#up(p)
    this.#down(this.#pos[last])
  }

  pop(): number {
    const item = this.#heap[0]
    this.remove(item)

    return item
  }

  #less(a: number, b: number): boolean {
    const ka = this.key[a]
    const kb = this.key[b]

    return ka < kb || (ka === kb && a < b)
  }

  #up(p: number): void {
    const heap = this.#heap
    const item = heap[p]
    while (p > 0) {
      const parent = (p - 1) >> 1
      if (!this.#less(item, heap[parent])) break
      heap[p] = heap[parent]
      this.#pos[heap[p]] = p
      p = parent
    }
    heap[p] = item
    this.#pos[item] = p
  }

  #down(p: number): void {
    const heap = this.#heap
    const item = heap[p]
    const size = this.#size
    for (;;) {
      let child = 2 * p + 1
      if (child >= size) break
      if (child + 1 < size && this.#less(heap[child + 1], heap[child])) child++
      if (!this.#less(heap[child], item)) break
      heap[p] = heap[child]
      this.#pos[heap[p]] = p
      p = child
    }
    heap[p] = item
    this.#pos[item] = p
  }
}

interface Timer {
  at: number
  seq: number
  run: () => void
}

/** Rare one-off events (scenario events, failures to report): a heap of closures. */
export class TimerQueue {
  readonly #heap: Timer[] = []
  #seq = 0

  get size(): number {
    return this.#heap.length
  }

  peekKey(): number {
    return this.#heap.length === 0 ? Infinity : this.#heap[0].at
  }

  add(at: number, run: () => void): void {
    const heap = this.#heap
    heap.push({ at, seq: this.#seq++, run })
    let p = heap.length - 1
    while (p > 0) {
      const parent = (p - 1) >> 1
      if (!before(heap[p], heap[parent])) break
      ;[heap[p], heap[parent]] = [heap[parent], heap[p]]
      p = parent
    }
  }

  pop(): Timer {
    const heap = this.#heap
    const top = heap[0]
    const last = heap.pop() as Timer
    if (heap.length === 0) return top

    heap[0] = last
    let p = 0
    for (;;) {
      let child = 2 * p + 1
      if (child >= heap.length) break
      if (child + 1 < heap.length && before(heap[child + 1], heap[child])) child++
      if (!before(heap[child], heap[p])) break
      ;[heap[p], heap[child]] = [heap[child], heap[p]]
      p = child
    }

    return top
  }
}

function before(a: Timer, b: Timer): boolean {
  return a.at < b.at || (a.at === b.at && a.seq < b.seq)
}
