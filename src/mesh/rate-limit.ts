/**
 * A token bucket on bytes: `ratePerSecond` tokens accrue continuously up to `burst`. The WAN
 * limits (download and upload, separately) are two of these; traffic inside a site uses none.
 */
export class TokenBucket {
  readonly ratePerSecond: number
  readonly burst: number
  #tokens: number
  #updatedAt: number
  readonly #now: () => number

  /**
   * @param ratePerSecond bytes per second; Infinity for no limit
   * @param burst most bytes available at once. Default: one second's worth, at least 1 MiB
   */
  constructor(
    ratePerSecond: number,
    burst?: number,
    now: () => number = performance.now.bind(performance),
  ) {
    this.ratePerSecond = ratePerSecond
    this.burst = burst ?? Math.max(ratePerSecond, 1024 * 1024)
    this.#tokens = this.burst
    this.#now = now
    this.#updatedAt = now()
  }

  get unlimited(): boolean {
    return !Number.isFinite(this.ratePerSecond)
  }

  /** Tokens available now (may be negative after a large take). */
  available(): number {
    if (this.unlimited) return Number.POSITIVE_INFINITY
    this.#refill()
    return this.#tokens
  }

  /** Spends `bytes` now, going into debt if needed; later takers wait for it to be repaid. */
  consume(bytes: number): void {
    if (this.unlimited) return
    this.#refill()
    this.#tokens -= bytes
  }

  /** Milliseconds until `bytes` tokens are available (0 when they are). */
  waitFor(bytes: number): number {
    if (this.unlimited) return 0
    const missing = Math.min(bytes, this.burst) - this.available()
    return missing <= 0 ? 0 : Math.ceil((missing / this.ratePerSecond) * 1000)
  }

  /** Waits until `bytes` are available, then spends them. */
  async take(bytes: number, signal?: AbortSignal): Promise<void> {
    for (let wait = this.waitFor(bytes); wait > 0; wait = this.waitFor(bytes)) {
      signal?.throwIfAborted()
      await new Promise<void>((resolve, reject) => {
        const onAbort = () => {
          clearTimeout(timer)
          reject(signal!.reason as Error)
        }
        const timer = setTimeout(() => {
          signal?.removeEventListener('abort', onAbort)
          resolve()
        }, wait)
        signal?.addEventListener('abort', onAbort, { once: true })
      })
    }
    signal?.throwIfAborted()
    this.consume(bytes)
  }

  #refill(): void {
    const now = this.#now()
    this.#tokens = Math.min(
      this.burst,
      this.#tokens + ((now - this.#updatedAt) / 1000) * this.ratePerSecond,
    )
    this.#updatedAt = now
  }
}

/** Bytes per second from megabits per second; 0 or undefined means no limit. */
export function mbitToBytesPerSecond(mbit: number | undefined): number {
  return mbit === undefined || mbit <= 0 ? Number.POSITIVE_INFINITY : (mbit * 1_000_000) / 8
}
