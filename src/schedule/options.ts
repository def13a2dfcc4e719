import { SchedulerConfigError } from './errors.ts'
import type { SchedulerInit } from './types.ts'

/** Tuning of one scheduler. Every field is optional; the defaults are listed on each. */
export interface SchedulerOptions {
  /** Most requests in flight to one peer. Default 4. */
  maxInFlightPerPeer?: number
  /**
   * Most requests in flight overall, duplicates included. At most half of them (rounded up) cross
   * the WAN, so that slow WAN transfers never keep a node from fetching what its site already
   * holds. Default 16.
   */
  maxInFlight?: number
  /**
   * The end game starts when at most this many chunks remain and all of them are in flight: from
   * then on a chunk may be requested from several peers at once. Default 8.
   */
  endGameChunks?: number
  /** In the end game, most requests in flight for one chunk (the first one included). Default 3. */
  endGameRequestsPerChunk?: number
  /**
   * How long a member waits for the member responsible for pulling a chunk over the WAN before
   * the next-ranked member takes it over (and again for each further rank). The clock runs from
   * the later of when the chunk started to wait and the last time the responsible member brought
   * a chunk into the site, so a member that keeps delivering keeps its share. This is the floor:
   * when WAN chunks are slow the wait grows with them, see `wanWaitChunkTimes`. A chunk taken
   * over is pulled only with WAN capacity this node's own share cannot use, and is given back if
   * its member shows life before then. Default 10 000 ms.
   */
  wanWaitMs?: number
  /**
   * The WAN wait in units of the WAN chunk time this node observes: a moving average of how long
   * its own WAN requests took, from request to verified chunk. The wait is the larger of this
   * many chunk times and `wanWaitMs`. Members of a site pull over the same links at about the
   * same pace, so when this node's WAN chunks take a minute, a member silent for a minute is
   * not late; one silent for this many of them is. 0 keeps the wait at `wanWaitMs`. Default 2.
   */
  wanWaitChunkTimes?: number
  /** Bad chunks after which a peer is banned from this patch. Default 3. */
  banAfterBadChunks?: number
  /** Pause of a peer after a timeout or refusal, doubled for each in a row. Default 1 000 ms. */
  backoffMs?: number
  /** Longest pause of a failing peer. Default 30 000 ms. */
  maxBackoffMs?: number
  /**
   * Seed of the rendezvous split. Every member of a site must use the same value for a patch;
   * `hashString(patchId)` spreads the work of different patches over different members. Default 0.
   */
  seed?: number
}

export type ResolvedSchedulerOptions = Readonly<Required<SchedulerOptions>>

/** The defaults documented on {@link SchedulerOptions}. */
export const DEFAULT_SCHEDULER_OPTIONS: ResolvedSchedulerOptions = Object.freeze({
  maxInFlightPerPeer: 4,
  maxInFlight: 16,
  endGameChunks: 8,
  endGameRequestsPerChunk: 3,
  wanWaitMs: 10_000,
  wanWaitChunkTimes: 2,
  banAfterBadChunks: 3,
  backoffMs: 1_000,
  maxBackoffMs: 30_000,
  seed: 0,
})

/** Fills in defaults and checks ranges; throws {@link SchedulerConfigError}. */
export function resolveOptions(options: SchedulerOptions = {}): ResolvedSchedulerOptions {
  const resolved: Required<SchedulerOptions> = { ...DEFAULT_SCHEDULER_OPTIONS }
  for (const key of Object.keys(resolved) as (keyof SchedulerOptions)[]) {
    const value = options[key]
    if (value !== undefined) resolved[key] = value
  }

  integer('maxInFlightPerPeer', resolved.maxInFlightPerPeer, 1, 255)
  integer('maxInFlight', resolved.maxInFlight, 1, 65_535)
  integer('endGameChunks', resolved.endGameChunks, 0, Number.MAX_SAFE_INTEGER)
  integer('endGameRequestsPerChunk', resolved.endGameRequestsPerChunk, 1, 255)
  integer('banAfterBadChunks', resolved.banAfterBadChunks, 1, Number.MAX_SAFE_INTEGER)
  integer('seed', resolved.seed, 0, 0xffff_ffff)
  duration('wanWaitMs', resolved.wanWaitMs)
  factor('wanWaitChunkTimes', resolved.wanWaitChunkTimes)
  duration('backoffMs', resolved.backoffMs)
  duration('maxBackoffMs', resolved.maxBackoffMs)

  return Object.freeze(resolved)
}

function integer(name: string, value: number, min: number, max: number): void {
  if (!Number.isSafeInteger(value) || value < min || value > max) {
    throw new SchedulerConfigError(`options.${name}`, `must be an integer in [${min}, ${max}]`)
  }
}

function factor(name: string, value: number): void {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw new SchedulerConfigError(`options.${name}`, 'must be a finite number >= 0')
  }
}

function duration(name: string, value: number): void {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw new SchedulerConfigError(`options.${name}`, 'must be a finite number of ms >= 0')
  }
}

/** Checks the fields of a scheduler's init; throws {@link SchedulerConfigError}. */
export function checkInit(init: SchedulerInit): void {
  const { selfId, site, chunkCount, chunkSize, lastChunkSize, have } = init

  if (typeof selfId !== 'string' || selfId === '') fail('selfId', 'must be a non-empty string')
  if (typeof site !== 'string') fail('site', 'must be a string')
  if (!Number.isSafeInteger(chunkCount) || chunkCount < 1 || chunkCount > 2 ** 31 - 1) {
    fail('chunkCount', 'must be an integer in [1, 2^31)')
  }
  if (!Number.isSafeInteger(chunkSize) || chunkSize < 1) {
    fail('chunkSize', 'must be a positive integer')
  }
  if (!Number.isSafeInteger(lastChunkSize) || lastChunkSize < 1 || lastChunkSize > chunkSize) {
    fail('lastChunkSize', 'must be an integer in [1, chunkSize]')
  }
  if (have !== undefined && have.length !== chunkCount) {
    fail('have', `has ${have.length} bits, not ${chunkCount}`)
  }
}

function fail(field: string, reason: string): never {
  throw new SchedulerConfigError(field, reason)
}
