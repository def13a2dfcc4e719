/**
 * One timer for many due times: the coordinator asks to be woken when the earliest soak of any
 * patch ends, and is woken once for every patch then due.
 */

/** The longest delay setTimeout takes (about 24.8 days); later wake-ups are re-armed. */
const MAX_DELAY_MS = 2 ** 31 - 1

export class DueTimer {
  readonly #due = new Map<string, number>()
  readonly #now: () => number
  readonly #fire: (keys: string[]) => void
  #timer: NodeJS.Timeout | undefined
  #armedFor: number | undefined
  #stopped = false

  /** `fire` gets the keys due, once they are; it runs outside any caller's stack. */
  constructor(now: () => number, fire: (keys: string[]) => void) {
    this.#now = now
    this.#fire = fire
  }

  /** Wakes for `key` at `atMs`; undefined forgets the key. Replaces any earlier time for it. */
  set(key: string, atMs: number | undefined): void {
    if (atMs === undefined) this.#due.delete(key)
    else this.#due.set(key, atMs)
    this.#arm()
  }

  /** The time `key` is due, if any. */
  get(key: string): number | undefined {
    return this.#due.get(key)
  }

  stop(): void {
    this.#stopped = true
    clearTimeout(this.#timer)
    this.#timer = undefined
  }

  #arm(): void {
    if (this.#stopped) return
    const next = Math.min(...this.#due.values())
    if (next === this.#armedFor && this.#timer !== undefined) return

    clearTimeout(this.#timer)
    this.#timer = undefined
    this.#armedFor = undefined
    if (!Number.isFinite(next)) return

    const delay = Math.min(MAX_DELAY_MS, Math.max(0, next - this.#now()))
    this.#armedFor = next
    this.#timer = setTimeout(() => this.#wake(), delay)
    // A pending soak must not keep a process alive that is otherwise done (tests, scripts).
    this.#timer.unref()
  }

  #wake(): void {
    this.#timer = undefined
    this.#armedFor = undefined
    const now = this.#now()
    const keys = [...this.#due].filter(([, at]) => at <= now).map(([key]) => key)
    for (const key of keys) this.#due.delete(key)
    this.#arm()
    if (keys.length > 0) this.#fire(keys)
  }
}
