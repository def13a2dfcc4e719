/**
 * The coordinator's service: the patches it has seen announced, the nodes that report, and for
 * each patch its rollout. Operators approve rings and groups and halt rollouts through it; each
 * decision is signed with the coordinator role's keys, stored, and gossiped. Node reports feed
 * the rollouts, and the rollout policy promotes rings and halts rollouts on its own (on reports,
 * and on a timer when a soak ends).
 *
 * Every change runs one at a time, in arrival order, so sequences, issue times and the stored
 * state never race. State is written before a record is gossiped: a record the nodes may have
 * is always one the coordinator remembers.
 */
import { component } from '../log.ts'
import type { Logger } from '../log.ts'
import type { SigningKey, TrustedRoot } from '../trust/index.ts'
import type { Announcement, Window } from '../wire/records.ts'
import { MAX_TEXT_LENGTH } from '../wire/limits.ts'
import {
  AlreadyHaltedError,
  AmbiguousPatchError,
  InvalidFieldError,
  PatchRevokedError,
  PatchUntrustedError,
  ReportRefusedError,
  UnknownPatchError,
} from './errors.ts'
import { CoordinatorMetrics } from './metrics.ts'
import {
  createRollout,
  evaluate,
  InvalidReportError,
  RolloutModel,
  UnknownRingError,
} from './rollout/index.ts'
import type { Actor, NodeReport, ReportOutcome, RolloutPolicy } from './rollout/index.ts'
import { RecordSigner } from './signer.ts'
import type { ApprovalFields, ApprovalTarget } from './signer.ts'
import type { CoordinatorStore, HistoryEntry, NodeEntry, PatchEntry } from './state/index.ts'
import { DueTimer } from './timer.ts'
import { nodeView, patchDetail, patchListItem } from './views.ts'
import type { NodeView, PatchDetail, PatchListItem } from './views.ts'
import { checkWindowFields } from './windows.ts'

/** The rings a coordinator rolls out through unless configured otherwise. */
export const DEFAULT_RINGS: readonly string[] = Object.freeze(['canary', 'pilot', 'broad'])

/** A node counts towards its ring's share while it reported within this period: 7 days. */
export const DEFAULT_NODE_ACTIVE_MS = 7 * 86_400_000

const MAX_HISTORY = 200
const MAX_WINDOWS = 32
const MAX_GROUPS = 64
const MAX_NAME_LENGTH = 128

/**
 * A status report as the status protocol hands it over: the rollout's NodeReport (the wire
 * StatusReport's fields) with the patch it is about and the node's groups.
 */
export interface CoordinatorReport extends NodeReport {
  readonly patchId: string
  /** The groups the node is configured with. Default none. */
  readonly groups?: readonly string[]
}

/** What an operator asks for in an approval. Times are ms since the epoch. */
export interface ApprovalRequest {
  readonly ring?: string
  readonly group?: string
  /** Default: the approval's issue time. */
  readonly notBeforeMs?: number
  /** Default: none. */
  readonly deadlineMs?: number
  /** Default: none, so nodes install as soon as they may. */
  readonly windows?: readonly Window[]
}

export interface CoordinatorServiceOptions {
  readonly store: CoordinatorStore
  /** A threshold of the coordinator role's keys. */
  readonly signers: readonly SigningKey[]
  /** Gossips a signed record: the coordinator node's `publish`. */
  readonly publish: (bytes: Uint8Array) => Promise<void>
  /** The root the mesh verifies against: the coordinator node's current root. */
  readonly root: () => TrustedRoot
  /** The rings of new rollouts, in order. Default {@link DEFAULT_RINGS}. */
  readonly rings?: readonly string[]
  /** Let the policy approve the next ring once a ring is done. Default false. */
  readonly autoPromote?: boolean
  /** Let the policy halt a rollout whose failures pass the threshold. Default true. */
  readonly autoHalt?: boolean
  /** Thresholds of promotion and halt; defaults in src/coordinator/rollout/policy.ts. */
  readonly policy?: RolloutPolicy
  /** How long signed records are valid. Default 90 days (see signer.ts). */
  readonly recordValidForMs?: number
  /** See {@link DEFAULT_NODE_ACTIVE_MS}. */
  readonly nodeActiveWithinMs?: number
  /** The clock. Default Date.now. */
  readonly now?: () => number
  readonly log: Logger
}

/** A signed approval or halt, as the API returns it. */
export interface SignedResult<T> {
  record: T & { by: Actor }
  /** False when the record was signed and stored but the mesh refused to take it. */
  published: boolean
}

interface Rollout {
  model: RolloutModel
  history: HistoryEntry[]
  lastIssuedAtMs: number
}

export class CoordinatorService {
  readonly metrics: CoordinatorMetrics
  readonly #opts: CoordinatorServiceOptions
  readonly #log: Logger
  readonly #now: () => number
  readonly #store: CoordinatorStore
  readonly #signer: RecordSigner
  readonly #timer: DueTimer
  readonly #patches = new Map<string, PatchEntry>()
  readonly #nodes = new Map<string, NodeEntry>()
  readonly #rollouts = new Map<string, Rollout>()
  readonly #records = new Map<string, Uint8Array>()
  /** Revocations of patches whose announcement has not arrived yet. */
  readonly #earlyRevocations = new Map<string, { reason: string; atMs: number }>()
  #queue: Promise<unknown> = Promise.resolve()

  private constructor(opts: CoordinatorServiceOptions, sequences: Map<string, number>) {
    this.#opts = opts
    this.#log = component(opts.log, 'coordinator')
    this.#now = opts.now ?? Date.now
    this.#store = opts.store
    this.#signer = new RecordSigner({
      signers: opts.signers,
      root: opts.root,
      sequences,
      validForMs: opts.recordValidForMs,
    })
    this.#timer = new DueTimer(this.#now, (patchIds) => {
      for (const patchId of patchIds) void this.evaluate(patchId).catch(this.#logFailure)
    })
    this.metrics = new CoordinatorMetrics({
      patches: () => this.#patchesWithModels(),
      nodes: () => this.#nodes.values(),
      isActive: (node) => this.#isActive(node, this.#now()),
    })
  }

  /** Loads the stored state and returns the service; call {@link start} to begin evaluating. */
  static async open(opts: CoordinatorServiceOptions): Promise<CoordinatorService> {
    const state = await opts.store.load()
    const service = new CoordinatorService(opts, state.sequences)
    for (const patch of state.patches) service.#patches.set(patch.patchId, patch)
    for (const node of state.nodes) service.#nodes.set(node.nodeId, node)
    for (const [stream, bytes] of state.records) service.#records.set(stream, bytes)
    for (const { entry, nodes } of state.rollouts) {
      const model = RolloutModel.restore(entry.snapshot, nodes)
      model.setAutoPromote(opts.autoPromote ?? false)
      service.#rollouts.set(entry.snapshot.patchId, {
        model,
        history: [...entry.history],
        lastIssuedAtMs: entry.lastIssuedAtMs,
      })
    }

    return service
  }

  /** Evaluates every rollout once (soaks may have ended while stopped) and arms the timer. */
  async start(): Promise<void> {
    for (const patchId of this.#rollouts.keys()) await this.evaluate(patchId)
  }

  /** Stops the timer and waits for the change in progress, if any. */
  async stop(): Promise<void> {
    this.#timer.stop()
    await this.#serial(async () => {})
  }

  /**
   * Records a verified announcement (a newer one of a known patch updates its entry; any one
   * that verifies makes an untrusted patch trusted again).
   */
  recordAnnouncement(a: Announcement): Promise<void> {
    return this.#serial(async () => {
      const known = this.#patches.get(a.patchId)
      if (known !== undefined && known.untrusted === undefined && known.sequence >= a.sequence) {
        return
      }

      const revoked = known?.revoked ?? this.#earlyRevocations.get(a.patchId)
      const patch: PatchEntry = {
        patchId: a.patchId,
        name: a.name,
        version: a.version,
        size: a.size,
        chunkSize: a.chunkSize,
        targets: [...a.targets],
        description: a.description,
        sequence: a.sequence,
        issuedAtMs: a.issuedAtMs,
        expiresAtMs: a.expiresAtMs,
        seenAtMs: known?.seenAtMs ?? this.#now(),
        ...(revoked === undefined ? {} : { revoked }),
      }
      let rollout = this.#rollouts.get(a.patchId)
      const created = rollout === undefined
      if (rollout === undefined) {
        const model = createRollout({
          patchId: a.patchId,
          sizeBytes: a.size,
          rings: this.#opts.rings ?? DEFAULT_RINGS,
          autoPromote: this.#opts.autoPromote ?? false,
        })
        rollout = { model, history: [], lastIssuedAtMs: 0 }
      }

      await this.#store.write({
        patches: [patch],
        rollouts: created ? [entryOf(rollout)] : [],
      })
      this.#patches.set(a.patchId, patch)
      this.#rollouts.set(a.patchId, rollout)
      this.#earlyRevocations.delete(a.patchId)
      this.#log.info(
        { patch: a.patchId, name: a.name, version: a.version, size: a.size },
        created ? 'patch recorded' : 'patch announcement updated',
      )
    })
  }

  /** Records the publisher's revocation of a patch: it can no longer be approved. */
  recordRevocation(patchId: string, reason: string): Promise<void> {
    return this.#serial(async () => {
      const patch = this.#patches.get(patchId)
      const revoked = { reason, atMs: this.#now() }
      if (patch === undefined) {
        this.#earlyRevocations.set(patchId, revoked)
        return
      }
      if (patch.revoked !== undefined) return

      const next = { ...patch, revoked }
      await this.#store.write({ patches: [next] })
      this.#patches.set(patchId, next)
      this.#timer.set(patchId, undefined)
      this.#log.warn({ patch: patchId, reason }, 'patch revoked by its publisher')
    })
  }

  /**
   * Takes note that a stored record of a patch no longer verifies under the mesh's newer root
   * and the coordinator's node dropped it. Without its announcement the patch is marked
   * untrusted: it cannot be approved and the policy leaves its rollout alone. Without its
   * revocation it is no longer revoked, as on the nodes. Approvals and halts need nothing here.
   */
  recordDropped(kind: string, patchId: string, reason: string): Promise<void> {
    return this.#serial(async () => {
      if (kind === 'revocation') this.#earlyRevocations.delete(patchId)
      const patch = this.#patches.get(patchId)
      if (patch === undefined) return

      let next: PatchEntry
      if (kind === 'announcement' && patch.untrusted === undefined) {
        next = { ...patch, untrusted: { reason, atMs: this.#now() } }
      } else if (kind === 'revocation' && patch.revoked !== undefined) {
        next = { ...patch, revoked: undefined }
      } else {
        return
      }
      await this.#store.write({ patches: [next] })
      this.#patches.set(patchId, next)
      if (next.untrusted !== undefined) this.#timer.set(patchId, undefined)
      const what =
        kind === 'announcement'
          ? 'patch no longer trusted: its announcement does not verify under the current root'
          : 'patch no longer revoked: its revocation does not verify under the current root'
      this.#log.warn({ patch: patchId, reason }, what)
    })
  }

  /**
   * Approves a ring or a group of a patch (its id or name@version): signs the approval, stores
   * it and gossips it. Throws UnknownPatchError, AmbiguousPatchError, PatchRevokedError,
   * PatchUntrustedError, UnknownRingError, InvalidFieldError (naming the field) or SigningError;
   * nothing changes then.
   */
  approve(patch: string, request: ApprovalRequest) {
    return this.#serial(async () => {
      const entry = this.#resolve(patch)
      if (entry.revoked !== undefined) {
        throw new PatchRevokedError(entry.patchId, entry.revoked.reason)
      }
      if (entry.untrusted !== undefined) {
        throw new PatchUntrustedError(entry.patchId, entry.untrusted.reason)
      }
      const rollout = this.#rollouts.get(entry.patchId)!
      const target = checkTarget(request, rollout.model.rings)
      const issuedAtMs = this.#issueTime(rollout)
      const fields = checkTerms(request, issuedAtMs)

      return this.#approve(entry.patchId, rollout, target, fields, issuedAtMs, 'operator', '')
    })
  }

  /**
   * Halts a patch's rollout: signs a halt, stores it and gossips it. Nodes install nothing more
   * of the patch until a later approval. Throws UnknownPatchError, AlreadyHaltedError,
   * InvalidFieldError (for the reason) or SigningError.
   */
  halt(patch: string, reason = '') {
    return this.#serial(async () => {
      const entry = this.#resolve(patch)
      const rollout = this.#rollouts.get(entry.patchId)!
      const halted = rollout.model.halted
      if (halted !== undefined) {
        const since = `by ${halted.by} at ${new Date(halted.atMs).toISOString()}`
        throw new AlreadyHaltedError(entry.patchId, since)
      }
      checkText('reason', reason, MAX_TEXT_LENGTH, true)

      return this.#halt(entry.patchId, rollout, reason, 'operator')
    })
  }

  /**
   * Takes one status report from a node (the status protocol calls this for every report it
   * receives), records it in the patch's rollout and the node registry, and lets the policy act
   * on it. Returns whether the report was recorded or was a duplicate or an older one (both
   * harmless: reports may arrive late, out of order or twice).
   *
   * Throws InvalidReportError for a malformed report (drop it; the sender is at fault) and
   * ReportRefusedError with `retry` true when the patch's announcement has not reached the
   * coordinator yet (keep the report and send it again later).
   */
  receiveReport(report: CoordinatorReport): Promise<ReportOutcome> {
    return this.#serial(async () => {
      try {
        return await this.#receive(report)
      } catch (err) {
        this.metrics.reports.inc({ outcome: 'refused' })
        throw err
      }
    })
  }

  /**
   * Lets the policy act on one patch's rollout now (promote, halt) and arms the timer for the
   * next soak end. Runs on every recorded report and when a soak ends; tests may call it.
   */
  evaluate(patchId: string): Promise<void> {
    return this.#serial(() => this.#evaluate(patchId))
  }

  /** Gossips again the newest record of every stream (at start: gossip is not durable). */
  republish(): Promise<number> {
    return this.#serial(async () => {
      let count = 0
      for (const [stream, bytes] of this.#records) {
        const patchId = stream.split(':')[1]
        const patch = this.#patches.get(patchId)
        if (patch?.revoked !== undefined || patch?.untrusted !== undefined) continue
        if (await this.#publish(bytes, stream)) count++
      }

      return count
    })
  }

  /** Every patch, most recently announced first. */
  listPatches(): PatchListItem[] {
    return [...this.#patchesWithModels()]
      .sort((a, b) => b.patch.issuedAtMs - a.patch.issuedAtMs || compare(a.patch, b.patch))
      .map(({ patch, model }) => patchListItem(patch, model))
  }

  /** One patch (id or name@version) with its rollout by ring and site. */
  patchDetail(patch: string): PatchDetail {
    const entry = this.#resolve(patch)
    const rollout = this.#rollouts.get(entry.patchId)!

    return patchDetail(entry, rollout.model, rollout.history)
  }

  /** Every node that reported, by site then id, with its latest state on each patch. */
  listNodes(): NodeView[] {
    const now = this.#now()
    const states = new Map<string, Record<string, string>>()
    const reasons = new Map<string, Record<string, string>>()
    const of = (byNode: Map<string, Record<string, string>>, nodeId: string) => {
      let byPatch = byNode.get(nodeId)
      if (byPatch === undefined) byNode.set(nodeId, (byPatch = {}))
      return byPatch
    }
    for (const [patchId, { model }] of this.#rollouts) {
      for (const node of model.nodes()) {
        of(states, node.nodeId)[patchId] = node.state
        if (node.reason) of(reasons, node.nodeId)[patchId] = node.reason
      }
    }

    return [...this.#nodes.values()]
      .sort((a, b) =>
        a.site === b.site ? compareText(a.nodeId, b.nodeId) : compareText(a.site, b.site),
      )
      .map((n) =>
        nodeView(
          n,
          states.get(n.nodeId) ?? {},
          reasons.get(n.nodeId) ?? {},
          this.#isActive(n, now),
        ),
      )
  }

  /** Counts for the health answer. */
  counts(): { patches: number; nodes: number } {
    return { patches: this.#patches.size, nodes: this.#nodes.size }
  }

  async #receive(report: CoordinatorReport): Promise<ReportOutcome> {
    const nodeId = report.nodeId
    if (typeof nodeId !== 'string' || nodeId === '' || nodeId.length > MAX_NAME_LENGTH) {
      throw new InvalidReportError(
        'nodeId',
        `must be a string of 1 to ${MAX_NAME_LENGTH} characters`,
      )
    }
    const groups = checkGroups(report.groups ?? [], nodeId)
    const rollout = this.#rollouts.get(report.patchId)
    if (rollout === undefined) {
      throw new ReportRefusedError(nodeId, `patch ${String(report.patchId)} is not known yet`, true)
    }

    const now = this.#now()
    const outcome = rollout.model.record(report, now)
    const previous = this.#nodes.get(nodeId)
    const node: NodeEntry =
      outcome === 'recorded' || previous === undefined
        ? {
            nodeId,
            site: report.site,
            ring: report.ring,
            groups,
            lastSeenMs: now,
            firstSeenMs: previous?.firstSeenMs ?? now,
          }
        : { ...previous, lastSeenMs: now }
    const record = rollout.model.node(nodeId)!
    await this.#store.write({
      nodes: [node],
      reports: outcome === 'recorded' ? [{ patchId: report.patchId, record }] : [],
    })
    this.#nodes.set(nodeId, node)
    this.metrics.reports.inc({ outcome })
    this.#log.trace({ patch: report.patchId, node: nodeId, state: report.state, outcome }, 'report')

    if (outcome === 'recorded') await this.#evaluate(report.patchId)

    return outcome
  }

  async #evaluate(patchId: string): Promise<void> {
    const rollout = this.#rollouts.get(patchId)
    const patch = this.#patches.get(patchId)
    if (rollout === undefined || patch === undefined) return
    if (patch.revoked !== undefined || patch.untrusted !== undefined) return

    const { model } = rollout
    // A ring's share is of every active node known in it, not only of those that reported on
    // this patch yet, so that a few quick nodes cannot promote a ring on their own.
    model.setExpectedNodes(this.#activeByRing())
    let next: number | undefined
    // Each pass applies what is due; promotions can make further ones due (with no soak).
    for (let pass = 0; pass <= model.rings.length; pass++) {
      const evaluation = evaluate(model, this.#now(), this.#opts.policy)
      next = evaluation.nextEvaluationAtMs
      const due = evaluation.decisions.filter(
        (d) => d.type === 'promote' || this.#opts.autoHalt !== false,
      )
      if (due.length === 0) break

      for (const decision of due) {
        if (decision.type === 'halt') {
          if (model.halted === undefined)
            await this.#halt(patchId, rollout, decision.reason, 'policy')
          continue
        }
        if (model.halted !== undefined || model.ringApproval(decision.ring) !== undefined) continue
        const issuedAtMs = this.#issueTime(rollout)
        // As applyDecisions does: the windows of the ring it came from, no deadline.
        const from = model.ringApproval(decision.from)
        const fields: ApprovalFields = {
          notBeforeMs: issuedAtMs,
          deadlineMs: 0,
          windows: (from?.windows ?? []) as Window[],
        }
        const target = { ring: decision.ring }
        await this.#approve(patchId, rollout, target, fields, issuedAtMs, 'policy', decision.reason)
      }
    }
    this.#timer.set(patchId, next)
  }

  async #approve(
    patchId: string,
    rollout: Rollout,
    target: ApprovalTarget,
    fields: ApprovalFields,
    issuedAtMs: number,
    by: Actor,
    reason: string,
  ) {
    const signed = this.#signer.approval(patchId, target, fields, issuedAtMs)
    const { model } = rollout
    const terms = {
      approvedAtMs: issuedAtMs,
      notBeforeMs: fields.notBeforeMs,
      deadlineMs: fields.deadlineMs === 0 ? undefined : fields.deadlineMs,
      windows: fields.windows,
    }

    await this.#commit(rollout, issuedAtMs, signed, () => {
      if ('ring' in target) model.approveRing(target.ring, terms, by)
      else model.approveGroup(target.group, terms, by)

      return {
        type: 'approval',
        ...target,
        by,
        atMs: issuedAtMs,
        sequence: signed.record.sequence,
        notBeforeMs: fields.notBeforeMs,
        deadlineMs: fields.deadlineMs,
        windows: fields.windows,
        reason,
      }
    })
    this.metrics.approvals.inc({ by })
    this.#log.info(
      { patch: patchId, ...target, by, sequence: signed.record.sequence, reason },
      'approved',
    )
    const published = await this.#publish(signed.bytes, signed.stream)

    return { record: { ...signed.record, by }, published }
  }

  async #halt(patchId: string, rollout: Rollout, reason: string, by: Actor) {
    const issuedAtMs = this.#issueTime(rollout)
    const signed = this.#signer.halt(patchId, reason, issuedAtMs)

    await this.#commit(rollout, issuedAtMs, signed, () => {
      rollout.model.halt(reason, issuedAtMs, by)

      return { type: 'halt', by, atMs: issuedAtMs, sequence: signed.record.sequence, reason }
    })
    this.#timer.set(patchId, undefined)
    this.metrics.halts.inc({ by })
    this.#log.warn({ patch: patchId, by, sequence: signed.record.sequence, reason }, 'halted')
    const published = await this.#publish(signed.bytes, signed.stream)

    return { record: { ...signed.record, by }, published }
  }

  /**
   * Applies a change to the rollout and stores it with its signed record and sequence in one
   * batch. If the write fails, the rollout is put back as it was.
   */
  async #commit(
    rollout: Rollout,
    issuedAtMs: number,
    signed: { bytes: Uint8Array; stream: string; record: { sequence: number } },
    change: () => HistoryEntry,
  ): Promise<void> {
    const before = { entry: entryOf(rollout), nodes: [...rollout.model.nodes()] }
    rollout.history.push(change())
    if (rollout.history.length > MAX_HISTORY) rollout.history.splice(0, 1)
    rollout.lastIssuedAtMs = issuedAtMs

    try {
      await this.#store.write({
        rollouts: [entryOf(rollout)],
        sequences: [{ stream: signed.stream, sequence: signed.record.sequence }],
        records: [{ stream: signed.stream, bytes: signed.bytes }],
      })
    } catch (err) {
      rollout.model = RolloutModel.restore(before.entry.snapshot, before.nodes)
      rollout.history = [...before.entry.history]
      rollout.lastIssuedAtMs = before.entry.lastIssuedAtMs
      throw err
    }
    this.#records.set(signed.stream, signed.bytes)
  }

  /**
   * Hands a record to the mesh; a failure is logged and counted, not thrown (it is stored).
   *
   * "ok" means gossipsub took the message, not that any peer received it (a tester once saw two
   * approvals reach no peer for a minute). Nodes that missed it learn it at their next catch-up:
   * when they (re)connect, and every five minutes or so (src/mesh/records.ts).
   */
  async #publish(bytes: Uint8Array, stream: string): Promise<boolean> {
    try {
      await this.#opts.publish(bytes)
      this.metrics.published.inc({ result: 'ok' })
      return true
    } catch (err) {
      this.metrics.published.inc({ result: 'failed' })
      this.#log.error(
        { stream, err },
        'signed record stored but not gossiped; it is gossiped again at the next start',
      )
      return false
    }
  }

  /**
   * The issue time of the next record of a patch: now, but always after the previous one, so
   * that nodes (which order approvals and halts by issue time) see them in the order made.
   */
  #issueTime(rollout: Rollout): number {
    return Math.max(this.#now(), rollout.lastIssuedAtMs + 1)
  }

  #resolve(ref: string): PatchEntry {
    const byId = this.#patches.get(ref)
    if (byId !== undefined) return byId

    const at = ref.lastIndexOf('@')
    if (at > 0) {
      const name = ref.slice(0, at)
      const version = ref.slice(at + 1)
      const matches = [...this.#patches.values()].filter(
        (p) => p.name === name && p.version === version,
      )
      if (matches.length > 1)
        throw new AmbiguousPatchError(
          ref,
          matches.map((p) => p.patchId),
        )
      if (matches.length === 1) return matches[0]
    }

    throw new UnknownPatchError(ref)
  }

  #activeByRing(): Record<string, number> {
    const now = this.#now()
    const counts: Record<string, number> = {}
    for (const node of this.#nodes.values()) {
      if (this.#isActive(node, now)) counts[node.ring] = (counts[node.ring] ?? 0) + 1
    }

    return counts
  }

  #isActive(node: NodeEntry, now: number): boolean {
    return now - node.lastSeenMs <= (this.#opts.nodeActiveWithinMs ?? DEFAULT_NODE_ACTIVE_MS)
  }

  *#patchesWithModels(): Generator<{ patch: PatchEntry; model: RolloutModel }> {
    for (const [patchId, patch] of this.#patches) {
      const rollout = this.#rollouts.get(patchId)
      if (rollout !== undefined) yield { patch, model: rollout.model }
    }
  }

  #serial<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.#queue.then(fn, fn)
    this.#queue = run.catch(() => undefined)

    return run
  }

  readonly #logFailure = (err: unknown): void => {
    this.#log.error({ err }, 'rollout evaluation failed')
  }
}

function entryOf(rollout: Rollout) {
  return {
    snapshot: rollout.model.snapshot(),
    history: [...rollout.history],
    lastIssuedAtMs: rollout.lastIssuedAtMs,
  }
}

/** Exactly one of ring and group, a ring of the rollout's, a group name that can be signed. */
function checkTarget(request: ApprovalRequest, rings: readonly string[]): ApprovalTarget {
  const { ring, group } = request
  if (ring !== undefined && group !== undefined) {
    throw new InvalidFieldError('group', 'give a ring or a group, not both')
  }
  if (ring !== undefined) {
    if (!rings.includes(ring)) throw new UnknownRingError(ring, rings)
    return { ring }
  }
  if (group === undefined) throw new InvalidFieldError('ring', 'give a ring or a group to approve')
  checkText('group', group, MAX_NAME_LENGTH, false)

  return { group }
}

function checkTerms(request: ApprovalRequest, issuedAtMs: number): ApprovalFields {
  const notBeforeMs = request.notBeforeMs ?? issuedAtMs
  checkTime('notBefore', notBeforeMs)
  if (request.deadlineMs !== undefined) {
    checkTime('deadline', request.deadlineMs)
    if (request.deadlineMs < notBeforeMs) {
      throw new InvalidFieldError(
        'deadline',
        `${iso(request.deadlineMs)} is before not-before ${iso(notBeforeMs)}`,
      )
    }
  }
  const windows = request.windows ?? []
  if (windows.length > MAX_WINDOWS) {
    throw new InvalidFieldError('windows', `at most ${MAX_WINDOWS} windows, got ${windows.length}`)
  }

  return {
    notBeforeMs,
    deadlineMs: request.deadlineMs ?? 0,
    windows: windows.map((w, i) => checkWindowFields(w, `windows[${i}]`)),
  }
}

function checkTime(field: string, ms: number): void {
  if (!Number.isSafeInteger(ms) || ms < 1) {
    throw new InvalidFieldError(field, 'must be a time after 1970-01-01')
  }
}

function checkGroups(groups: unknown, nodeId: string): string[] {
  const ok =
    Array.isArray(groups) &&
    groups.length <= MAX_GROUPS &&
    groups.every((g) => typeof g === 'string' && g !== '' && g.length <= MAX_NAME_LENGTH)
  if (!ok) {
    throw new InvalidReportError(
      'groups',
      `must be at most ${MAX_GROUPS} names of 1 to ${MAX_NAME_LENGTH} characters`,
      nodeId,
    )
  }

  return [...(groups as string[])]
}

/** Text that goes into a signed record: bounded, no control characters, not blank if required. */
function checkText(field: string, value: string, max: number, empty: boolean): void {
  if (typeof value !== 'string') throw new InvalidFieldError(field, 'must be a string')
  if (!empty && value.trim() === '') throw new InvalidFieldError(field, 'must not be empty')
  if (value.length > max) throw new InvalidFieldError(field, `is longer than ${max} characters`)
  // eslint-disable-next-line no-control-regex -- the point is to find control characters
  if (/[\u0000-\u001f\u007f]/.test(value)) {
    throw new InvalidFieldError(field, 'must not contain control characters or line breaks')
  }
}

function compare(a: PatchEntry, b: PatchEntry): number {
  return compareText(a.patchId, b.patchId)
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0
}

function iso(ms: number): string {
  return new Date(ms).toISOString()
}
