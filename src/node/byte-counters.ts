/**
 * A download's bytes by source, kept in its patch's stored state as they grow, so that a node
 * killed mid-download still reports, after its restart, the bytes it fetched before the kill (the
 * WAN bytes per site the coordinator shows are the proof of the mesh's savings).
 *
 * Writes go one at a time: counts that change while one is under way are merged into the next,
 * so a fast download costs a few writes per second, and a kill loses at most the counts of the
 * chunks held since the last write finished.
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
  #pending: ByteCounts | undefined
  #running: Promise<void> | undefined
  #closed = false

  /** `write` stores one set of counts; its failures are logged, and the next counts retry. */
  constructor(write: (bytes: ByteCounts) => Promise<void>, log: Logger) {
    this.#write = write
    this.#log = log
  }

  /** Stores `bytes` (a copy is taken) once the write under way, if any, is done. */
  save(bytes: Readonly<ByteCounts>): void {
    if (this.#closed) return

    this.#pending = { ...bytes }
    this.#running ??= this.#drain()
  }

  /** Writes the counts still waiting and resolves once done; nothing is written after. */
  async close(): Promise<void> {
    this.#closed = true
    await this.#running
  }

  async #drain(): Promise<void> {
    while (this.#pending !== undefined) {
      const bytes = this.#pending
      this.#pending = undefined
      try {
        await this.#write(bytes)
      } catch (err) {
        this.#log.warn({ err, bytes }, 'could not store the download’s byte counters')
      }
    }
    this.#running = undefined
  }
}
