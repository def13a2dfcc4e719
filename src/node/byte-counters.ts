/**
 * A download's bytes by source, kept in its patch's stored state as they grow, so that a node
 * killed mid-download still reports, after its restart, the bytes it fetched before the kill (the
 * WAN bytes per site the coordinator shows are the proof of the mesh's savings).
 *
 * Writes go one at a time and at most one a second (a LevelDB write per chunk cost the fetching
 * node 2.3 s of CPU per GiB): counts that change meanwhile are merged into the next write, and a
 * kill loses at most the counts of about the last second.
 */
import type { Logger } from '../log.ts'
import type { ByteSource } from './events.ts'

export type ByteCounts = Record<ByteSource, number>

/** The stored state's counter names for each source. */
const NAMES: Record<ByteSource, string> = {
  site: 'bytesSite',
  wan: 'bytesWan',
  origin: 'bytesOrigin',
}

/** Stored counters as bytes by source; a counter missing or not a count reads as zero. */
export function countsFromStored(counters: Record<string, number> | undefined): ByteCounts {
  const read = (source: ByteSource) => {
    const value = counters?.[NAMES[source]]
    return Number.isSafeInteger(value) && value! >= 0 ? value! : 0
  }

  return { site: read('site'), wan: read('wan'), origin: read('origin') }
}

/** Bytes by source as the stored state's counters. */
export function countsToStored(bytes: Readonly<ByteCounts>): Record<string, number> {
  return { bytesSite: bytes.site, bytesWan: bytes.wan, bytesOrigin: bytes.origin }
}

export class CounterSaver {
  readonly #write: (bytes: ByteCounts) => Promise<void>
  readonly #log: Logger
  readonly #everyMs: number
  #pending: ByteCounts | undefined
  #running: Promise<void> | undefined
  #closed = false
  /** When the last write started (performance.now). */
  #lastAt = -Infinity
  /** Ends a wait between writes early (on close). */
  #wake: (() => void) | undefined

  /**
   * `write` stores one set of counts; its failures are logged, and the next counts retry. Writes
   * start at least `everyMs` apart (default 1 s), but for the last one, on close.
   */
  constructor(write: (bytes: ByteCounts) => Promise<void>, log: Logger, everyMs = 1000) {
    this.#write = write
    this.#log = log
    this.#everyMs = everyMs
  }

  /** Stores `bytes` (a copy is taken) once the write under way, if any, is done. */
  save(bytes: Readonly<ByteCounts>): void {
    if (this.#closed) return

    this.#pending = { ...bytes }
    this.#running ??= this.#drain()
  }

  /** Writes the counts still waiting at once and resolves once done; nothing is written after. */
  async close(): Promise<void> {
    this.#closed = true
    this.#wake?.()
    await this.#running
  }

  async #drain(): Promise<void> {
    while (this.#pending !== undefined) {
      const wait = this.#lastAt + this.#everyMs - performance.now()
      if (wait > 0 && !this.#closed) await this.#pause(wait)
      const bytes = this.#pending
      this.#pending = undefined
      this.#lastAt = performance.now()
      try {
        await this.#write(bytes)
      } catch (err) {
        this.#log.warn({ err, bytes }, 'could not store the download’s byte counters')
      }
    }
    this.#running = undefined
  }

  /** Waits `ms`, or less if closed meanwhile. */
  async #pause(ms: number): Promise<void> {
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, ms)
      timer.unref()
      this.#wake = () => {
        clearTimeout(timer)
        resolve()
      }
    })
    this.#wake = undefined
  }
}
