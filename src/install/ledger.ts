/**
 * The install ledger: an install runs once, and its outcome is stored and survives restarts. The
 * start of an install is written before the action runs, so a process that dies mid-install
 * leaves a "running" entry behind; the next process reports it as a failed install with reason
 * "interrupted" and refuses to begin it again, since running an installer twice over a half-done
 * first run is not known to be safe.
 */
import { InstallAlreadyBegunError, InstallNotBegunError, LedgerRecordError } from './errors.ts'
import { INTERRUPTED } from './types.ts'
import type { InstallOutcome } from './types.ts'

/** A small async key/value store; NodeStore (src/store) has this shape. */
export interface KeyValueStore {
  getValue(key: string): Promise<Uint8Array | undefined>
  putValue(key: string, value: Uint8Array): Promise<void>
}

/** Where one patch's install stands. */
export type LedgerEntry =
  /** Begun by this process and not yet finished. */
  | { state: 'running'; startedAtMs: number }
  /** Finished, or interrupted (ok=false, reason "interrupted"). */
  | { state: 'finished'; outcome: InstallOutcome }

export interface InstallLedger {
  /** The patch's entry; undefined when its install was never begun. */
  get(patchId: string): Promise<LedgerEntry | undefined>
  /**
   * Records, durably, that the install of `patchId` starts now. Throws InstallAlreadyBegunError
   * when the patch has any entry, from this process or an earlier one.
   */
  begin(patchId: string): Promise<void>
  /** Stores the outcome of an install this ledger began. Throws InstallNotBegunError otherwise. */
  finish(patchId: string, outcome: InstallOutcome): Promise<void>
}

export interface InstallLedgerOptions {
  /** Default Date.now. */
  now?: () => number
}

/**
 * A ledger over `store`, under keys `install/<patchId>`. Keep one ledger per store: a ledger
 * reads an entry another one is running as interrupted.
 */
export function createInstallLedger(
  store: KeyValueStore,
  opts: InstallLedgerOptions = {},
): InstallLedger {
  return new StoredInstallLedger(store, opts.now ?? Date.now)
}

const KEY_PREFIX = 'install/'
const VERSION = 1

/** A ledger entry as stored. */
type Stored =
  | { v: number; state: 'running'; startedAtMs: number }
  | { v: number; state: 'finished'; outcome: InstallOutcome }

class StoredInstallLedger implements InstallLedger {
  readonly #store: KeyValueStore
  readonly #now: () => number
  /** Patches whose begin is under way or done here and whose finish is not. */
  readonly #claimed = new Set<string>()
  /** The claimed patches whose "running" entry is stored. */
  readonly #running = new Set<string>()

  constructor(store: KeyValueStore, now: () => number) {
    this.#store = store
    this.#now = now
  }

  async get(patchId: string): Promise<LedgerEntry | undefined> {
    const stored = await this.#read(patchId)
    if (stored === undefined) return undefined
    if (stored.state === 'finished') return { state: 'finished', outcome: stored.outcome }
    if (this.#running.has(patchId)) return { state: 'running', startedAtMs: stored.startedAtMs }

    return { state: 'finished', outcome: interrupted(stored.startedAtMs) }
  }

  async begin(patchId: string): Promise<void> {
    // Claimed before the first await, so two begins racing in this process cannot both pass.
    if (this.#claimed.has(patchId)) throw new InstallAlreadyBegunError(patchId, 'running')
    this.#claimed.add(patchId)

    try {
      const stored = await this.#read(patchId)
      if (stored !== undefined) {
        const state = stored.state === 'running' ? 'interrupted' : 'finished'
        throw new InstallAlreadyBegunError(patchId, state)
      }
      await this.#write(patchId, { v: VERSION, state: 'running', startedAtMs: this.#now() })
    } catch (err) {
      this.#claimed.delete(patchId)
      throw err
    }
    this.#running.add(patchId)
  }

  async finish(patchId: string, outcome: InstallOutcome): Promise<void> {
    if (!this.#running.delete(patchId)) throw new InstallNotBegunError(patchId)

    try {
      await this.#write(patchId, { v: VERSION, state: 'finished', outcome })
    } catch (err) {
      // Still running as far as the store knows: let the caller try to finish again.
      this.#running.add(patchId)
      throw err
    }
    this.#claimed.delete(patchId)
  }

  async #read(patchId: string): Promise<Stored | undefined> {
    const bytes = await this.#store.getValue(keyOf(patchId))
    if (bytes === undefined) return undefined

    let value: unknown
    try {
      value = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes))
    } catch (err) {
      throw new LedgerRecordError(patchId, 'not JSON', { cause: err })
    }

    return checkStored(patchId, value)
  }

  async #write(patchId: string, value: Stored): Promise<void> {
    await this.#store.putValue(keyOf(patchId), new TextEncoder().encode(JSON.stringify(value)))
  }
}

function keyOf(patchId: string): string {
  if (patchId === '') throw new RangeError('patch id is empty')

  return KEY_PREFIX + patchId
}

function interrupted(startedAtMs: number): InstallOutcome {
  return { ok: false, reason: INTERRUPTED, outputTail: '', startedAtMs, finishedAtMs: startedAtMs }
}

function checkStored(patchId: string, value: unknown): Stored {
  const v = value as Partial<Record<string, unknown>> | null
  if (typeof v !== 'object' || v === null) throw new LedgerRecordError(patchId, 'not an object')
  if (v.v !== VERSION) throw new LedgerRecordError(patchId, `unknown version ${String(v.v)}`)

  if (v.state === 'running' && typeof v.startedAtMs === 'number') return v as Stored

  const o = v.outcome as Partial<InstallOutcome> | undefined
  if (
    v.state === 'finished' &&
    typeof o === 'object' &&
    o !== null &&
    typeof o.ok === 'boolean' &&
    typeof o.reason === 'string' &&
    typeof o.outputTail === 'string' &&
    typeof o.startedAtMs === 'number' &&
    typeof o.finishedAtMs === 'number'
  ) {
    return v as Stored
  }

  throw new LedgerRecordError(patchId, `unexpected shape (state ${String(v.state)})`)
}
