/**
 * The install ledger: each install's start and outcome are stored and survive restarts. The start
 * of an install is written before the action runs, so a process that dies mid-install leaves a
 * "running" entry behind; the next process reports it as a failed install with reason
 * "interrupted".
 *
 * An install that succeeded is never begun again. One that failed (or was interrupted) is begun
 * again only when the caller asks for a retry, which the install policy allows once per approval
 * issued after the failure: running an installer again over a failed or half-done run is for an
 * operator to decide, never for a loop. Each entry keeps its attempt number and the issue time
 * of the newest approval the node knew when the attempt failed.
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
  | { state: 'running'; startedAtMs: number; attempt: number }
  /** Finished, or interrupted (ok=false, reason "interrupted"). */
  | {
      state: 'finished'
      outcome: InstallOutcome
      /** 1 for the first install, 2 for its first retry, and so on. */
      attempt: number
      /**
       * The issue time of the newest approval for this node known when the attempt ended (or,
       * when interrupted, began). Entries written before this was kept give the time the
       * attempt finished, on the node's clock.
       */
      newestApprovalMs: number
    }

export interface BeginOptions {
  /**
   * Begin again after a failed or interrupted install. Without it, any entry makes begin throw;
   * with it, a running or succeeded one still does. Default false.
   */
  retry?: boolean
  /** The issue time of the newest approval for this node known now. Default 0. */
  newestApprovalMs?: number
}

export interface FinishOptions {
  /** The issue time of the newest approval for this node known now. Default: the begin's. */
  newestApprovalMs?: number
}

export interface InstallLedger {
  /** The patch's entry; undefined when its install was never begun. */
  get(patchId: string): Promise<LedgerEntry | undefined>
  /**
   * Records, durably, that the install of `patchId` starts now. Throws InstallAlreadyBegunError
   * when the patch has an entry, from this process or an earlier one, unless `retry` is set and
   * that entry is a failed or interrupted install.
   */
  begin(patchId: string, opts?: BeginOptions): Promise<void>
  /** Stores the outcome of an install this ledger began. Throws InstallNotBegunError otherwise. */
  finish(patchId: string, outcome: InstallOutcome, opts?: FinishOptions): Promise<void>
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

/** A ledger entry as stored; `attempt` and `newestApprovalMs` are absent in older entries. */
type Stored =
  | {
      v: number
      state: 'running'
      startedAtMs: number
      attempt?: number
      newestApprovalMs?: number
    }
  | {
      v: number
      state: 'finished'
      outcome: InstallOutcome
      attempt?: number
      newestApprovalMs?: number
    }

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

    const attempt = stored.attempt ?? 1
    if (stored.state === 'finished') {
      const newestApprovalMs = stored.newestApprovalMs ?? stored.outcome.finishedAtMs

      return { state: 'finished', outcome: stored.outcome, attempt, newestApprovalMs }
    }
    if (this.#running.has(patchId)) {
      return { state: 'running', startedAtMs: stored.startedAtMs, attempt }
    }

    const newestApprovalMs = stored.newestApprovalMs ?? stored.startedAtMs

    return {
      state: 'finished',
      outcome: interrupted(stored.startedAtMs),
      attempt,
      newestApprovalMs,
    }
  }

  async begin(patchId: string, opts: BeginOptions = {}): Promise<void> {
    // Claimed before the first await, so two begins racing in this process cannot both pass.
    if (this.#claimed.has(patchId)) throw new InstallAlreadyBegunError(patchId, 'running')
    this.#claimed.add(patchId)

    try {
      const stored = await this.#read(patchId)
      if (stored !== undefined && !(opts.retry === true && failed(stored))) {
        const state = stored.state === 'running' ? 'interrupted' : 'finished'
        throw new InstallAlreadyBegunError(patchId, state)
      }
      await this.#write(patchId, {
        v: VERSION,
        state: 'running',
        startedAtMs: this.#now(),
        attempt: (stored?.attempt ?? (stored === undefined ? 0 : 1)) + 1,
        newestApprovalMs: opts.newestApprovalMs ?? 0,
      })
    } catch (err) {
      this.#claimed.delete(patchId)
      throw err
    }
    this.#running.add(patchId)
  }

  async finish(patchId: string, outcome: InstallOutcome, opts: FinishOptions = {}): Promise<void> {
    if (!this.#running.delete(patchId)) throw new InstallNotBegunError(patchId)

    try {
      const begun = await this.#read(patchId)
      const attempt = begun?.attempt ?? 1
      const newestApprovalMs = opts.newestApprovalMs ?? begun?.newestApprovalMs ?? 0
      const entry = { v: VERSION, state: 'finished' as const, outcome, attempt, newestApprovalMs }
      await this.#write(patchId, entry)
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

/** A failed install, or one a previous process began and never finished. */
function failed(stored: Stored): boolean {
  return stored.state === 'running' || !stored.outcome.ok
}

function interrupted(startedAtMs: number): InstallOutcome {
  return { ok: false, reason: INTERRUPTED, outputTail: '', startedAtMs, finishedAtMs: startedAtMs }
}

function checkStored(patchId: string, value: unknown): Stored {
  const v = value as Partial<Record<string, unknown>> | null
  if (typeof v !== 'object' || v === null) throw new LedgerRecordError(patchId, 'not an object')
  if (v.v !== VERSION) throw new LedgerRecordError(patchId, `unknown version ${String(v.v)}`)

  for (const field of ['attempt', 'newestApprovalMs'] as const) {
    if (v[field] !== undefined && typeof v[field] !== 'number') {
      throw new LedgerRecordError(patchId, `${field} is not a number`)
    }
  }
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
