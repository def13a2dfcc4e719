import { InvalidRateError } from './errors.ts'

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
   * @param ratePerSecond bytes per second; 0 or Infinity for no limit. Throws InvalidRateError
   *   for NaN or a negative rate, which must not pass for "no limit" by accident.
   * @param burst most bytes available at once, > 0. Default: one second's worth, at least 1 MiB
   */
  constructor(
    ratePerSecond: number,
    burst?: number,
    now: () => number = performance.now.bind(performance),
  ) {
    if (Number.isNaN(ratePerSecond) || ratePerSecond < 0) {
      throw new InvalidRateError('rate', ratePerSecond, 'bytes per second >= 0')
    }
    if (burst !== undefined && (Number.isNaN(burst) || burst <= 0)) {
      throw new InvalidRateError('burst', burst, 'bytes > 0')
    }
    this.ratePerSecond = ratePerSecond === 0 ? Number.POSITIVE_INFINITY : ratePerSecond
    this.burst = burst ?? Math.max(this.ratePerSecond, 1024 * 1024)
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

  /**
   * Bytes a caller may commit to now when its requests come in units of up to `unit` bytes: what
   * is available, or `unit` once the bucket is full. A unit larger than the burst (a 4 MiB chunk
   * under a 20 Mbit/s limit, whose burst is 2.5 MB) could otherwise never be afforded; spending it
   * from a full bucket puts the bucket in debt, which later takers repay, so the long-run rate
   * still holds.
   */
  budget(unit: number): number {
    const available = this.available()
    if (available >= this.burst) return Math.max(available, unit)

    return Math.max(0, available)
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

/**
 * Bytes per second from megabits per second; 0, Infinity or undefined means no limit. Throws
 * InvalidRateError for NaN or a negative number (a mistyped option, never "no limit").
 */
export function mbitToBytesPerSecond(mbit: number | undefined): number {
  if (mbit === undefined || mbit === 0) return Number.POSITIVE_INFINITY
  if (Number.isNaN(mbit) || mbit < 0) throw new InvalidRateError('rate', mbit, 'Mbit/s >= 0')

  return (mbit * 1_000_000) / 8
}
