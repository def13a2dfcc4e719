/**
 * The install lifecycle of every patch on one node. Each time something about a patch changes
 * (its announcement, an approval or halt, a revocation, the end of its download, a maintenance
 * window opening) the controller reads the patch's verified records from the store, asks the
 * pure install policy (src/install/policy.ts) where the patch stands, and acts on the answer:
 * start the download, wait for a window, or run the install action through the ledger. A
 * success is final; a failure is run again only when an approval issued after it arrives, once
 * per such approval. Every step it takes is reported (to the coordinator, through the node's
 * reporter), a retry as a new "installing" step.
 *
 * Evaluations of one patch run one at a time, in order; different patches do not wait for each
 * other.
 */
import { component } from '../log.ts'
import type { Logger } from '../log.ts'
import { decideInstall, newestApprovalMs, runInstall } from '../install/index.ts'
import type {
  InstallAction,
  InstallDecision,
  InstallLedger,
  InstallOutcome,
  NodeProfile,
} from '../install/index.ts'
import type { NodeStore } from '../store/node-store.ts'
import { decodeAnnouncement, decodeApproval, decodeEnvelope, decodeHalt } from '../wire/records.ts'
import type { Announcement } from '../wire/records.ts'
import type { NodeEvents } from './events.ts'

/** The states a node reports to its coordinator (the coordinator's NODE_STATES). */
export type ReportedState =
  | 'announced'
  | 'waiting-approval'
  | 'downloading'
  | 'downloaded'
  | 'waiting-window'
  | 'installing'
  | 'installed'
  | 'failed'

/** The longest a window timer is set for; longer waits are re-armed (setTimeout's limit). */
const MAX_TIMER_MS = 2 ** 31 - 1

export interface InstallControllerOptions {
  store: NodeStore
  ledger: InstallLedger
  profile: NodeProfile
  action: InstallAction
  /** Download on announcement, before any approval. */
  prefetch: boolean
  /** The path of the patch's data file once it is verified whole; undefined before. */
  verifiedPath(patchId: string): string | undefined
  /** Starts (or lets continue) the download of a patch. */
  fetch(patchId: string): Promise<void>
  /** Hands one step of a patch to the reporter. */
  report(patchId: string, state: ReportedState, reason: string): void
  events: NodeEvents
  log: Logger
  /** Default Date.now. */
  now?: () => number
}

export class InstallController {
  readonly #opts: InstallControllerOptions
  readonly #log: Logger
  readonly #now: () => number
  readonly #queues = new Map<string, Promise<void>>()
  readonly #timers = new Map<string, NodeJS.Timeout>()
  /** The last state reported per patch, with its reason, so a repeat is not sent again. */
  readonly #reported = new Map<string, string>()
  #stopped = false

  constructor(opts: InstallControllerOptions) {
    this.#opts = opts
    this.#log = component(opts.log, 'node:install')
    this.#now = opts.now ?? Date.now
  }

  /** Where the patch stands now, as the policy decides it (for tests and the node's status). */
  async decide(patchId: string): Promise<InstallDecision> {
    return decideInstall(await this.#input(patchId))
  }

  /**
   * Re-reads the patch's records and acts on them. Never throws: a failure is logged and the
   * patch is looked at again on its next change.
   */
  evaluate(patchId: string): Promise<void> {
    const previous = this.#queues.get(patchId) ?? Promise.resolve()
    const run = previous.then(() => this.#evaluate(patchId))
    const settled = run.catch((err: unknown) => {
      this.#log.error({ patch: patchId, err }, 'install lifecycle step failed')
    })
    this.#queues.set(patchId, settled)

    return settled
  }

  /**
   * Reports a step the node itself observed (announced, downloaded, download progress). Progress
   * goes each time; a download held up (a reason such as "disk full: <path>") once until it moves.
   */
  observed(patchId: string, state: ReportedState, reason = ''): void {
    this.#send(patchId, state, reason, state === 'downloading' && reason === '')
  }

  /** Stops the window timers and waits for evaluations in progress (an install runs on). */
  async stop(): Promise<void> {
    this.#stopped = true
    for (const timer of this.#timers.values()) clearTimeout(timer)
    this.#timers.clear()
    await Promise.all(this.#queues.values())
  }

  async #evaluate(patchId: string): Promise<void> {
    if (this.#stopped) return

    const entry = await this.#opts.ledger.get(patchId)
    // An install of this process is under way: its outcome re-evaluates the patch.
    if (entry?.state === 'running') return

    const input = await this.#input(patchId)
    const decision = decideInstall(input)
    this.#clearTimer(patchId)

    switch (decision.state) {
      case 'waiting-announcement':
      case 'revoked':
        return
      case 'waiting-approval':
      case 'halted':
        this.#send(patchId, 'waiting-approval', decision.reason)
        return
      case 'downloading':
        await this.#opts.fetch(patchId)
        return
      case 'waiting-window':
        this.#send(patchId, 'waiting-window', decision.reason)
        this.#armTimer(patchId, decision.nextWindowStartMs ?? this.#now())
        return
      case 'install-now':
        await this.#install(patchId, input.announcement!, decision)
        return
      case 'installed':
      case 'failed':
        this.#send(patchId, decision.state, decision.reason)
        return
    }
  }

  async #install(patchId: string, a: Announcement, decision: InstallDecision): Promise<void> {
    const path = this.#opts.verifiedPath(patchId)
    if (path === undefined) return

    const { ledger, action, events, profile } = this.#opts
    const why = decision.reason
    const retry = decision.retry === true
    const newest = newestApprovalMs(await this.#approvals(patchId), profile)
    await ledger.begin(patchId, { retry, newestApprovalMs: newest })
    this.#send(patchId, 'installing', why)
    const fields = { patch: patchId, name: a.name, version: a.version, why }
    this.#log.info(fields, retry ? 'installing again after a new approval' : 'installing')

    let outcome: InstallOutcome
    try {
      const target = { patchId, name: a.name, version: a.version, path, sha256: a.sha256 }
      outcome = await runInstall(action, target, { log: this.#opts.log, now: this.#now })
    } catch (err) {
      const now = this.#now()
      const reason = `install action could not run: ${(err as Error).message}`
      outcome = { ok: false, reason, outputTail: '', startedAtMs: now, finishedAtMs: now }
    }
    // Approvals that arrived while it ran were known before it failed: they retry nothing.
    const known = newestApprovalMs(await this.#approvals(patchId), profile)
    await ledger.finish(patchId, outcome, { newestApprovalMs: known })

    if (outcome.ok) events.publish('patch_installed', { patchId, reason: outcome.reason })
    else events.publish('install_failed', { patchId, reason: outcome.reason })
    this.#send(patchId, outcome.ok ? 'installed' : 'failed', outcome.reason)
  }

  async #input(patchId: string) {
    const { store } = this.#opts
    const announced = await store.getRecord('announcement', patchId)
    const announcement =
      announced === undefined ? undefined : decodeAnnouncement(decodeEnvelope(announced).payload)
    const entry = await this.#opts.ledger.get(patchId)
    const outcome =
      entry?.state === 'finished'
        ? { ...entry.outcome, newestApprovalMs: entry.newestApprovalMs }
        : undefined

    return {
      announcement,
      announced: announcement !== undefined,
      revoked: (await store.getRecord('revocation', patchId)) !== undefined,
      downloaded: this.#opts.verifiedPath(patchId) !== undefined,
      prefetch: this.#opts.prefetch,
      ...(outcome === undefined ? {} : { outcome }),
      node: this.#opts.profile,
      approvals: await this.#approvals(patchId),
      halts: (await this.#payloads('halt', patchId)).map(decodeHalt),
      nowMs: this.#now(),
    }
  }

  async #approvals(patchId: string) {
    return (await this.#payloads('approval', patchId)).map(decodeApproval)
  }

  async #payloads(kind: 'approval' | 'halt', patchId: string) {
    const records = await this.#opts.store.listRecords(kind, patchId)

    return records.map((r) => decodeEnvelope(r.envelope).payload)
  }

  /** Reports a state unless it is the one reported last; progress (`always`) goes each time. */
  #send(patchId: string, state: ReportedState, reason: string, always = false): void {
    const key = `${state}\n${reason}`
    if (!always && this.#reported.get(patchId) === key) return

    this.#reported.set(patchId, key)
    this.#opts.events.publish('patch_state', { patchId, state, reason })
    this.#opts.report(patchId, state, reason)
  }

  #armTimer(patchId: string, atMs: number): void {
    if (this.#stopped) return
    const delay = Math.min(Math.max(0, atMs - this.#now()), MAX_TIMER_MS)
    const timer = setTimeout(() => {
      this.#timers.delete(patchId)
      void this.evaluate(patchId)
    }, delay)
    timer.unref()
    this.#timers.set(patchId, timer)
  }

  #clearTimer(patchId: string): void {
    clearTimeout(this.#timers.get(patchId))
    this.#timers.delete(patchId)
  }
}
