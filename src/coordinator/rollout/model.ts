import { checkTime, InvalidApprovalError, RolloutConfigError, UnknownRingError } from './errors.ts'
import { checkReport, nextRecord, outcomeOf } from './reports.ts'
import type {
  Actor,
  Approval,
  ApprovalTerms,
  HaltState,
  NodeRecord,
  NodeReport,
  ReportOutcome,
  RolloutView,
} from './types.ts'

/** What a rollout starts from. */
export interface RolloutInit {
  /** The patch this rollout is of; reports naming another patch are rejected. */
  readonly patchId: string
  /** Size of the patch file in bytes, for the WAN savings in summaries. */
  readonly sizeBytes: number
  /** The rings in rollout order, e.g. ['canary', 'pilot', 'broad']; at least one, no repeats. */
  readonly rings: readonly string[]
  /** Whether the policy may approve the next ring on its own. Default false. */
  readonly autoPromote?: boolean
  /**
   * Nodes enrolled in each ring, when known. A ring's shares are taken of the larger of this and
   * the nodes that reported, so a few early reports cannot make up a share. Default: unknown, and
   * shares are of the nodes that reported.
   */
  readonly expectedNodes?: Readonly<Record<string, number>>
}

/**
 * One patch's rollout: its rings and their approvals, group approvals, the halt flag and every
 * node's latest report. Holds no clock: every time is passed in.
 */
export class RolloutModel implements RolloutView {
  readonly patchId: string
  readonly sizeBytes: number
  readonly rings: readonly string[]
  #expected: ReadonlyMap<string, number>
  readonly #ringApprovals = new Map<string, Approval>()
  readonly #groupApprovals = new Map<string, Approval>()
  readonly #nodes = new Map<string, NodeRecord>()
  #autoPromote: boolean
  #halted: HaltState | undefined
  #resumedAtMs: number | undefined

  constructor(init: RolloutInit) {
    checkInit(init)
    this.patchId = init.patchId
    this.sizeBytes = init.sizeBytes
    this.rings = Object.freeze([...init.rings])
    this.#expected = new Map(Object.entries(init.expectedNodes ?? {}))
    this.#autoPromote = init.autoPromote ?? false
  }

  get autoPromote(): boolean {
    return this.#autoPromote
  }

  get halted(): HaltState | undefined {
    return this.#halted
  }

  get resumedAtMs(): number | undefined {
    return this.#resumedAtMs
  }

  /** Turns automatic promotion on or off for this patch. */
  setAutoPromote(on: boolean): void {
    this.#autoPromote = on
  }

  expectedNodes(ring: string): number {
    return this.#expected.get(ring) ?? 0
  }

  /**
   * Replaces the nodes enrolled per ring (see {@link RolloutInit.expectedNodes}), e.g. as the
   * coordinator learns of more nodes. Throws RolloutConfigError for a count that is not an
   * integer >= 0, and then changes nothing.
   */
  setExpectedNodes(counts: Readonly<Record<string, number>>): void {
    checkExpected(counts)
    this.#expected = new Map(Object.entries(counts))
  }

  ringApproval(ring: string): Approval | undefined {
    return this.#ringApprovals.get(ring)
  }

  groupApproval(group: string): Approval | undefined {
    return this.#groupApprovals.get(group)
  }

  /** Every group approval, by group. */
  groupApprovals(): IterableIterator<[string, Approval]> {
    return this.#groupApprovals.entries()
  }

  node(nodeId: string): NodeRecord | undefined {
    return this.#nodes.get(nodeId)
  }

  nodes(): IterableIterator<NodeRecord> {
    return this.#nodes.values()
  }

  /**
   * Records a node's report, received at `receivedAtMs` on the coordinator's clock. Keeps the
   * report with the highest sequence per node, so reports may arrive late, out of order or more
   * than once. Throws InvalidReportError or PatchMismatchError and then changes nothing.
   */
  record(report: NodeReport, receivedAtMs: number): ReportOutcome {
    checkTime('receivedAtMs', receivedAtMs)
    const state = checkReport(report, this.patchId)
    const previous = this.#nodes.get(report.nodeId)
    const outcome = outcomeOf(previous, report.sequence)
    if (outcome !== 'recorded') return outcome

    this.#nodes.set(report.nodeId, nextRecord(previous, report, state, receivedAtMs))

    return outcome
  }

  /**
   * Approves a ring, or replaces its terms. Approving any ring or group lifts a halt, as a signed
   * approval does on the nodes; failures before that no longer count towards an automatic halt.
   * Nodes set aside every approval issued before a halt (src/install/policy.ts), so lifting a
   * halt drops the approvals made before it here too: rings approved before the halt need to be
   * approved again, by an operator or by promotion.
   */
  approveRing(ring: string, terms: ApprovalTerms, by: Actor = 'operator'): Approval {
    if (!this.rings.includes(ring)) throw new UnknownRingError(ring, this.rings)
    const approval = approvalOf(terms, by)
    this.#resume(approval.approvedAtMs)
    this.#ringApprovals.set(ring, approval)

    return approval
  }

  /** Approves a group of nodes. Groups stand outside the rings: they neither gate nor promote. */
  approveGroup(group: string, terms: ApprovalTerms, by: Actor = 'operator'): Approval {
    if (typeof group !== 'string' || group === '') {
      throw new InvalidApprovalError('group', 'must be a non-empty string')
    }
    const approval = approvalOf(terms, by)
    this.#resume(approval.approvedAtMs)
    this.#groupApprovals.set(group, approval)

    return approval
  }

  /** Halts the rollout until the next approval. A second halt keeps the first one's reason. */
  halt(reason: string, atMs: number, by: Actor = 'operator'): HaltState {
    checkTime('atMs', atMs)
    this.#halted ??= Object.freeze({ reason, atMs, by })

    return this.#halted
  }

  /**
   * The rollout's approvals and halt, without the node records (which callers persist one by
   * one): with the node records, what {@link RolloutModel.restore} rebuilds the rollout from.
   */
  snapshot(): RolloutSnapshot {
    return {
      patchId: this.patchId,
      sizeBytes: this.sizeBytes,
      rings: [...this.rings],
      autoPromote: this.#autoPromote,
      expectedNodes: Object.fromEntries(this.#expected),
      ringApprovals: Object.fromEntries(this.#ringApprovals),
      groupApprovals: Object.fromEntries(this.#groupApprovals),
      halted: this.#halted,
      resumedAtMs: this.#resumedAtMs,
    }
  }

  /**
   * Rebuilds a rollout from a {@link snapshot} and its node records, exactly as it was: the
   * records keep the times they were received, so soaks and halts count on from them. Throws
   * RolloutConfigError for a snapshot that does not describe a valid rollout.
   */
  static restore(snapshot: RolloutSnapshot, nodes: Iterable<NodeRecord>): RolloutModel {
    const model = new RolloutModel(snapshot)
    for (const [ring, approval] of Object.entries(snapshot.ringApprovals)) {
      if (!model.rings.includes(ring)) throw new RolloutConfigError('ringApprovals', `no ${ring}`)
      model.#ringApprovals.set(ring, Object.freeze({ ...approval }))
    }
    for (const [group, approval] of Object.entries(snapshot.groupApprovals)) {
      model.#groupApprovals.set(group, Object.freeze({ ...approval }))
    }
    if (snapshot.halted !== undefined) model.#halted = Object.freeze({ ...snapshot.halted })
    model.#resumedAtMs = snapshot.resumedAtMs
    for (const node of nodes) model.#nodes.set(node.nodeId, node)

    return model
  }

  #resume(atMs: number): void {
    const halted = this.#halted
    if (halted === undefined) return
    this.#halted = undefined
    this.#resumedAtMs = atMs
    for (const approvals of [this.#ringApprovals, this.#groupApprovals]) {
      for (const [key, approval] of approvals) {
        if (approval.approvedAtMs <= halted.atMs) approvals.delete(key)
      }
    }
  }
}

/** A rollout without its node records, as {@link RolloutModel.snapshot} returns it; JSON-safe. */
export interface RolloutSnapshot extends RolloutInit {
  readonly autoPromote: boolean
  readonly expectedNodes: Readonly<Record<string, number>>
  readonly ringApprovals: Readonly<Record<string, Approval>>
  readonly groupApprovals: Readonly<Record<string, Approval>>
  readonly halted?: HaltState
  readonly resumedAtMs?: number
}

/** Builds the rollout of one patch; throws RolloutConfigError for an invalid init. */
export function createRollout(init: RolloutInit): RolloutModel {
  return new RolloutModel(init)
}

function approvalOf(terms: ApprovalTerms, by: Actor): Approval {
  checkTime('approvedAtMs', terms.approvedAtMs)
  const notBeforeMs = terms.notBeforeMs ?? terms.approvedAtMs
  checkTime('notBeforeMs', notBeforeMs)
  if (terms.deadlineMs !== undefined) {
    checkTime('deadlineMs', terms.deadlineMs)
    if (terms.deadlineMs < notBeforeMs) {
      throw new InvalidApprovalError('deadlineMs', 'is before notBeforeMs')
    }
  }
  const windows: unknown = terms.windows ?? []
  if (!Array.isArray(windows)) throw new InvalidApprovalError('windows', 'must be an array')

  return Object.freeze({
    approvedAtMs: terms.approvedAtMs,
    notBeforeMs,
    deadlineMs: terms.deadlineMs,
    windows: Object.freeze(Array.from<unknown>(windows)),
    by,
  })
}

function checkInit(init: RolloutInit): void {
  const fail = (field: string, reason: string): never => {
    throw new RolloutConfigError(field, reason)
  }

  if (typeof init.patchId !== 'string' || init.patchId === '') {
    fail('patchId', 'must be a non-empty string')
  }
  if (!Number.isSafeInteger(init.sizeBytes) || init.sizeBytes < 0) {
    fail('sizeBytes', 'must be an integer >= 0')
  }
  if (!Array.isArray(init.rings) || init.rings.length === 0) fail('rings', 'must not be empty')
  if (init.rings.some((ring) => typeof ring !== 'string' || ring === '')) {
    fail('rings', 'must be non-empty strings')
  }
  if (new Set(init.rings).size !== init.rings.length) fail('rings', 'must not repeat')
  checkExpected(init.expectedNodes ?? {})
}

function checkExpected(counts: Readonly<Record<string, number>>): void {
  for (const [ring, count] of Object.entries(counts)) {
    if (!Number.isSafeInteger(count) || count < 0) {
      throw new RolloutConfigError(`expectedNodes.${ring}`, 'must be an integer >= 0')
    }
  }
}
