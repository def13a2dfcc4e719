/**
 * The simulator's only source of randomness: a small seeded generator (SplitMix32), so a scenario
 * and its seed give the same run on every machine.
 */
export class Random {
  #state: number

  constructor(seed: number, stream = 0) {
    this.#state = (Math.imul(seed >>> 0, 0x9e3779b9) ^ Math.imul(stream + 1, 0x85ebca6b)) >>> 0
  }

  /** A uniform integer in [0, 2^32). */
  next(): number {
    this.#state = (this.#state + 0x9e3779b9) >>> 0
    let z = this.#state
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b)
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35)

    return (z ^ (z >>> 16)) >>> 0
  }

  /** A uniform integer in [0, n). */
  below(n: number): number {
    return Math.floor((this.next() / 2 ** 32) * n)
  }

  /** Shuffles `items` in place (Fisher-Yates) and returns it. */
  shuffle<T extends { length: number; [i: number]: number }>(items: T): T {
    for (let i = items.length - 1; i > 0; i--) {
      const j = this.below(i + 1)
      const t = items[i]
      items[i] = items[j]
      items[j] = t
    }

    return items
  }
}
