/**
 * The node's status reporter: each step of a patch's lifecycle reaches the coordinator once,
 * however long the coordinator is away.
 *
 * A report gets the node's next sequence and goes into an outbox in the node's store before
 * anything is sent. The outbox and the last sequence handed out are one stored value (key
 * `status/outbox`, a StatusOutbox), written whole on every change, so a sequence is never
 * handed out twice, not even across a crash of the process.
 *
 * A loop sends the outbox oldest first, in batches (src/mesh/status-protocol.ts), and drops
 * what the coordinator acked as recorded, duplicate, stale or refused. What it asked for again
 * later (retry-later), and everything while it cannot be reached, stays: the loop tries again
 * after a back-off that doubles from `retryMinMs` up to `retryMaxMs`, with jitter so a fleet
 * does not come back all at once. A new report cuts the wait short only when the coordinator
 * did answer; a new connection to it always does. A restarted reporter sends what its store
 * holds. Reports delivered out of order are harmless: the coordinator keeps the highest
 * sequence of each node and patch.
 *
 * Bounds (LIMITS.md): a new progress report (state downloading) replaces the undelivered
 * progress reports of its patch; the outbox keeps at most `maxPending` reports and, when full,
 * drops the oldest progress report first, then the oldest report a later one of the same patch
 * supersedes, and only then the oldest report. Failure reasons are cut to 4,096 characters.
 *
 * A report the store cannot take (a full disk: the outbox lives on the node's data disk, like
 * the patches) is kept in memory, without a sequence, and queued again later, oldest first,
 * after a back-off like the sender's and with each new report; only once stored does it get its
 * sequence and go out. These too are bounded by `maxPending`, progress replacing progress, and
 * are lost if the process ends before the store takes them.
 *
 * Writes are not synced to disk (the store's way): a power cut, unlike a crash, can take back
 * the latest ones, and a sequence handed out just before may be handed out again. The
 * coordinator then takes the second report with it for a duplicate and keeps the first.
 */
import type { PeerId } from '@libp2p/interface'
import { NODE_STATES } from '../coordinator/rollout/types.ts'
import type { NodeState } from '../coordinator/rollout/types.ts'
import { component } from '../log.ts'
import type { Logger } from '../log.ts'
import { InvalidStatusReportError } from '../mesh/errors.ts'
import type { Host } from '../mesh/host.ts'
import { cleanText, sendReports } from '../mesh/status-protocol.ts'
import type { ReportAck } from '../mesh/status-protocol.ts'
import {
  MAX_STATUS_BATCH,
  MAX_STATUS_BATCH_BYTES,
  MAX_STATUS_OUTBOX_REPORTS,
} from '../wire/limits.ts'
import { decodeStatusOutbox, decodeStatusReport, StatusOutbox, StatusReport } from '../wire/mesh.ts'

/** The small key-value store the reporter keeps its outbox in; NodeStore has this shape. */
export interface ReporterStore {
  getValue(key: string): Promise<Uint8Array | undefined>
  putValue(key: string, value: Uint8Array): Promise<void>
}

/** What a step of a patch says; counts default to 0, the reason to ''. */
export interface ReportFields {
  state: NodeState
  /** Why the node failed (state failed); cut to 4,096 characters. */
  reason?: string
  chunksHeld?: number
  chunkCount?: number
  bytesOwnSite?: number
  bytesOtherSites?: number
  bytesOrigin?: number
}

export interface StatusReporterOptions {
  host: Host
  store: ReporterStore
  /** The node id reports carry. Default the host's peer id (the coordinator wants that one). */
  nodeId?: string
  site: string
  /** Default '' (no ring). */
  ring?: string
  /** Default none. */
  groups?: readonly string[]
  /** The coordinator, when one is known; its addresses must be known to the host. */
  coordinator: () => PeerId | undefined
  log: Logger
  /** The clock of reports' timeMs. Default Date.now. */
  now?: () => number
  /**
   * First wait after a failed or deferred delivery, ms; it doubles with each further one, and
   * the wait is a random time between half of it and all of it. Default 1 s.
   */
  retryMinMs?: number
  /** Longest wait between attempts, ms. Default 60 s. */
  retryMaxMs?: number
  /** Reports per stream. Default 64, at most MAX_STATUS_BATCH (256). */
  batchSize?: number
  /** Undelivered reports kept. Default and at most MAX_STATUS_OUTBOX_REPORTS (256). */
  maxPending?: number
  /** Deadline of one batch's exchange, ms. Default 30 s. */
  exchangeTimeoutMs?: number
  /** Jitter source, in [0, 1). Default Math.random. */
  random?: () => number
}

const OUTBOX_KEY = 'status/outbox'
const PROGRESS = 'downloading'
const MAX_REASON_LENGTH = 4096
/** The coordinator's bounds on a node's groups (src/coordinator/service.ts). */
const MAX_GROUPS = 64
const MAX_GROUP_LENGTH = 128
const COUNTS = [
  'chunksHeld',
  'chunkCount',
  'bytesOwnSite',
  'bytesOtherSites',
  'bytesOrigin',
] as const
const STATES: ReadonlySet<string> = new Set(NODE_STATES)
const DELIVERED: ReadonlySet<string> = new Set(['recorded', 'duplicate', 'stale', 'refused'])

export class StatusReporter {
  readonly #opts: StatusReporterOptions
  readonly #log: Logger
  readonly #nodeId: string
  readonly #batchSize: number
  readonly #maxPending: number
  #outbox: StatusReport[] = []
  #lastSequence = 0
  #loaded: Promise<void> | undefined
  #changes: Promise<unknown> = Promise.resolve()
  #running: { abort: AbortController; loop: Promise<void> } | undefined
  #sleeper: { wake: () => void; byReport: boolean } | undefined
  #failures = 0
  #outage = false
  /** Reports the store did not take yet, oldest first, their sequence still 0. */
  #unqueued: StatusReport[] = []
  #requeue: NodeJS.Timeout | undefined
  #storeFailures = 0
  #stopped = false

  /** Throws InvalidStatusReportError for settings no report could carry, RangeError for limits. */
  constructor(opts: StatusReporterOptions) {
    this.#opts = opts
    this.#log = component(opts.log, 'node:reporter')
    this.#nodeId = opts.nodeId ?? opts.host.peerId.toString()
    if (this.#nodeId !== opts.host.peerId.toString()) {
      this.#log.warn(
        { nodeId: this.#nodeId },
        'node id is not the peer id: reports will be refused',
      )
    }
    this.#batchSize = bounded('batchSize', opts.batchSize ?? 64, MAX_STATUS_BATCH)
    this.#maxPending = bounded('maxPending', opts.maxPending ?? 256, MAX_STATUS_OUTBOX_REPORTS)
    const groups = opts.groups ?? []
    if (groups.length > MAX_GROUPS) fail('', `${groups.length} groups: at most ${MAX_GROUPS}`)
    groups.forEach((g, i) => {
      if (g.length > MAX_GROUP_LENGTH) fail('', `field groups[${i}] is over ${MAX_GROUP_LENGTH}`)
    })
    check(this.#build('0'.repeat(32), { state: 'announced' }, 1), '')
  }

  /** Undelivered reports, in the store and not yet acked. */
  get pending(): number {
    return this.#outbox.length
  }

  /** Reports kept in memory because the store could not take them yet. */
  get unqueued(): number {
    return this.#unqueued.length
  }

  /** Loads the outbox (throws a WireDecodeError if the stored one is corrupt) and sends it. */
  async start(): Promise<void> {
    if (this.#running !== undefined) return

    await this.#load()
    this.#stopped = false
    const abort = new AbortController()
    this.#running = { abort, loop: this.#run(abort.signal) }
    this.#opts.host.addEventListener('peer:connect', this.#onConnect)
    this.#log.info({ pending: this.pending, coordinator: this.#target() }, 'reporter started')
  }

  /**
   * Stops sending and waits for the store writes under way, after one last try to store the
   * reports held in memory; reports made now still queue.
   */
  async stop(): Promise<void> {
    const running = this.#running
    if (running === undefined) return

    this.#stopped = true
    clearTimeout(this.#requeue)
    this.#requeue = undefined
    await this.#queue()
    this.#running = undefined
    this.#opts.host.removeEventListener('peer:connect', this.#onConnect)
    running.abort.abort(new Error('reporter stopping'))
    this.#sleeper?.wake()
    await running.loop
    await this.#changes
  }

  /**
   * Queues a report of `patchId` durably and returns its sequence; it is sent in the background.
   * When the store cannot take it, it is kept in memory and queued later: undefined then. Throws
   * InvalidStatusReportError for fields the status protocol cannot carry.
   */
  async report(patchId: string, fields: ReportFields): Promise<number | undefined> {
    if (!STATES.has(fields.state)) fail(patchId, `field state "${fields.state}" is not a state`)
    for (const field of COUNTS) {
      const value = fields[field] ?? 0
      if (!Number.isSafeInteger(value) || value < 0) {
        fail(patchId, `field ${field} is ${value}, not an integer >= 0`)
      }
    }
    check(this.#build(patchId, fields, 1), patchId)
    await this.#load()

    const report = this.#build(patchId, fields, 0)
    const unqueued = this.#unqueued.filter((r) => !replaces(report, r))
    unqueued.push(report)
    this.#dropped(evict(unqueued, this.#maxPending))
    this.#unqueued = unqueued
    const sequence = (await this.#queue()).get(report)
    if (sequence !== undefined) {
      this.#log.trace({ patch: patchId, sequence, state: fields.state }, 'status report queued')
    }

    return sequence
  }

  /**
   * Stores the reports held in memory in the outbox, oldest first, each with the next sequence.
   * When the store fails they stay in memory and a later try is set. Resolves with the sequence
   * each stored report got.
   */
  #queue(): Promise<Map<StatusReport, number>> {
    return this.#change(async () => {
      const taken = this.#unqueued
      const numbered = new Map<StatusReport, number>()
      if (taken.length === 0) return numbered

      let next = this.#outbox
      let last = this.#lastSequence
      for (const held of taken) {
        const report = { ...held, sequence: ++last }
        next = next.filter((r) => !replaces(report, r))
        next.push(report)
        numbered.set(held, report.sequence)
      }
      const dropped = evict(next, this.#maxPending)
      try {
        await this.#save(next, last)
      } catch (err) {
        this.#storeFailed(err)
        return new Map<StatusReport, number>()
      }
      this.#lastSequence = last
      this.#unqueued = this.#unqueued.filter((r) => !numbered.has(r))
      if (this.#storeFailures > 0) {
        this.#log.info({ reports: numbered.size }, 'status reports held in memory now stored')
      }
      this.#storeFailures = 0
      this.#dropped(dropped)
      if (this.#sleeper?.byReport === true) this.#sleeper.wake()

      return numbered
    })
  }

  /** The store refused the outbox: keep the reports in memory and try again after a back-off. */
  #storeFailed(err: unknown): void {
    this.#storeFailures++
    const fields = { unqueued: this.#unqueued.length, err }
    if (this.#storeFailures === 1) {
      this.#log.warn(fields, 'status report not queued: kept in memory, storing it again later')
    } else {
      this.#log.debug(fields, 'status report still not queued')
    }
    if (this.#stopped || this.#requeue !== undefined) return

    const min = this.#opts.retryMinMs ?? 1000
    const max = this.#opts.retryMaxMs ?? 60_000
    const delay = Math.min(max, min * 2 ** Math.min(this.#storeFailures - 1, 30))
    this.#requeue = setTimeout(() => {
      this.#requeue = undefined
      void this.#queue()
    }, delay).unref()
  }

  #dropped(reports: readonly StatusReport[]): void {
    for (const r of reports) {
      const fields = { patch: r.patchId, sequence: r.sequence, state: r.state }
      this.#log.warn(fields, 'outbox full: undelivered status report dropped')
    }
  }

  readonly #onConnect = (evt: CustomEvent<PeerId>): void => {
    if (this.#target() !== evt.detail.toString()) return
    this.#failures = 0
    this.#sleeper?.wake()
  }

  async #run(signal: AbortSignal): Promise<void> {
    while (!signal.aborted) {
      if (this.#outbox.length === 0) {
        await this.#sleep(undefined, true)
        continue
      }
      const result = await this.#pass(signal).catch((err: unknown) => {
        this.#log.error({ err }, 'status report delivery failed')
        return 'failed' as const
      })
      if (signal.aborted) break
      if (result === 'done') {
        this.#failures = 0
        continue
      }
      // A coordinator that deferred some reports is up: a new report may go at once.
      this.#failures++
      await this.#sleep(this.#backoff(), result === 'deferred')
    }
  }

  /** Sends the outbox once through, each report at most once. */
  async #pass(signal: AbortSignal): Promise<'done' | 'deferred' | 'failed'> {
    const coordinator = this.#opts.coordinator()
    if (coordinator === undefined) {
      this.#unreachable(undefined, 'no coordinator known')
      return 'failed'
    }

    const peer = coordinator.toString()
    const tried = new Set<number>()
    let deferred = 0
    for (;;) {
      const batch = this.#batch(tried)
      if (batch.length === 0) return deferred > 0 ? 'deferred' : 'done'

      const delivered: number[] = []
      const onAck = (ack: ReportAck, report: StatusReport): void => {
        tried.add(ack.sequence)
        if (DELIVERED.has(ack.outcome)) delivered.push(ack.sequence)
        else deferred++
        const { sequence, outcome, reason } = ack
        const fields = { coordinator: peer, patch: report.patchId, sequence, reason }
        if (outcome === 'refused') this.#log.warn(fields, 'status report refused by coordinator')
        if (outcome === 'retry-later') this.#log.debug(fields, 'status report deferred')
      }
      const timeoutMs = this.#opts.exchangeTimeoutMs
      const opts = { signal, timeoutMs, onAck }
      const failure = await sendReports(this.#opts.host, coordinator, batch, opts).then(
        () => undefined,
        (err: unknown) => err ?? new Error('status exchange failed'),
      )
      await this.#remove(delivered)
      if (failure !== undefined) {
        if (!signal.aborted) this.#unreachable(peer, failure)
        return 'failed'
      }
      if (this.#outage) this.#log.info({ coordinator: peer }, 'coordinator reachable again')
      this.#outage = false
      this.#log.debug({ coordinator: peer, reports: batch.length }, 'status reports delivered')
    }
  }

  /** The oldest reports not tried in this pass, within the batch limits. */
  #batch(tried: ReadonlySet<number>): StatusReport[] {
    const batch: StatusReport[] = []
    let bytes = 0
    for (const report of this.#outbox) {
      if (tried.has(report.sequence)) continue
      const size = StatusReport.encode(report).byteLength + 4
      if (batch.length === this.#batchSize || bytes + size > MAX_STATUS_BATCH_BYTES) break
      batch.push(report)
      bytes += size
    }

    return batch
  }

  #remove(sequences: readonly number[]): Promise<void> {
    if (sequences.length === 0) return Promise.resolve()
    const gone = new Set(sequences)

    return this.#change(async () => {
      const next = this.#outbox.filter((r) => !gone.has(r.sequence))
      await this.#save(next, this.#lastSequence)
    }).catch((err: unknown) => {
      // They stay queued and go again; the coordinator counts a repeat as a duplicate.
      this.#log.error({ err }, 'delivered status reports could not be removed from the outbox')
    })
  }

  #unreachable(coordinator: string | undefined, err: unknown): void {
    const fields = { coordinator, pending: this.pending, err }
    if (!this.#outage) this.#log.warn(fields, 'coordinator unreachable; keeping reports')
    else this.#log.debug(fields, 'coordinator still unreachable')
    this.#outage = true
  }

  #backoff(): number {
    const min = this.#opts.retryMinMs ?? 1000
    const max = this.#opts.retryMaxMs ?? 60_000
    const full = Math.min(max, min * 2 ** Math.min(this.#failures - 1, 30))

    return full / 2 + (full / 2) * (this.#opts.random ?? Math.random)()
  }

  #sleep(ms: number | undefined, byReport: boolean): Promise<void> {
    return new Promise((resolve) => {
      const wake = (): void => {
        clearTimeout(timer)
        if (this.#sleeper?.wake === wake) this.#sleeper = undefined
        resolve()
      }
      // A back-off never holds a process open that forgot to stop its reporter.
      const timer = ms === undefined ? undefined : setTimeout(wake, ms).unref()
      this.#sleeper = { wake, byReport }
    })
  }

  #target(): string | undefined {
    return this.#opts.coordinator()?.toString()
  }

  #build(patchId: string, fields: ReportFields, sequence: number): StatusReport {
    const o = this.#opts

    return {
      nodeId: this.#nodeId,
      patchId,
      state: fields.state,
      site: o.site,
      ring: o.ring ?? '',
      groups: [...(o.groups ?? [])],
      chunksHeld: fields.chunksHeld ?? 0,
      chunkCount: fields.chunkCount ?? 0,
      bytesOwnSite: fields.bytesOwnSite ?? 0,
      bytesOtherSites: fields.bytesOtherSites ?? 0,
      bytesOrigin: fields.bytesOrigin ?? 0,
      reason: cleanText(fields.reason ?? '', MAX_REASON_LENGTH, true),
      sequence,
      timeMs: (o.now ?? Date.now)(),
    }
  }

  #load(): Promise<void> {
    this.#loaded ??= this.#change(async () => {
      const bytes = await this.#opts.store.getValue(OUTBOX_KEY)
      if (bytes === undefined) return
      const stored = decodeStatusOutbox(bytes)
      this.#outbox = stored.reports
      this.#lastSequence = stored.lastSequence
    })

    return this.#loaded
  }

  async #save(reports: StatusReport[], lastSequence: number): Promise<void> {
    await this.#opts.store.putValue(OUTBOX_KEY, StatusOutbox.encode({ lastSequence, reports }))
    this.#outbox = reports
  }

  /** Runs `fn` after every change before it, so stored and in-memory outbox never race. */
  #change<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.#changes.then(fn)
    this.#changes = run.catch(() => undefined)

    return run
  }
}

/** Whether `report`, newer, takes the place of `older`: progress of the same patch. */
function replaces(report: StatusReport, older: StatusReport): boolean {
  return report.state === PROGRESS && older.state === PROGRESS && older.patchId === report.patchId
}

/** Removes reports from `outbox` until at most `max` remain; returns the removed ones. */
function evict(outbox: StatusReport[], max: number): StatusReport[] {
  const dropped: StatusReport[] = []
  while (outbox.length > max) {
    let at = outbox.findIndex((r) => r.state === PROGRESS)
    if (at < 0)
      at = outbox.findIndex((r, i) => outbox.some((l, j) => j > i && l.patchId === r.patchId))
    dropped.push(...outbox.splice(Math.max(at, 0), 1))
  }

  return dropped
}

/** Throws InvalidStatusReportError unless `report` is one the coordinator could decode. */
function check(report: StatusReport, patchId: string): void {
  try {
    decodeStatusReport(StatusReport.encode(report))
  } catch (err) {
    fail(patchId, (err as { reason?: string }).reason ?? String(err), err)
  }
}

function fail(patchId: string, reason: string, cause?: unknown): never {
  throw new InvalidStatusReportError(patchId, reason, { cause })
}

function bounded(name: string, value: number, max: number): number {
  if (!Number.isSafeInteger(value) || value < 1 || value > max) {
    throw new RangeError(`reporter option ${name} is ${value}: it must be an integer 1..${max}`)
  }

  return value
}
