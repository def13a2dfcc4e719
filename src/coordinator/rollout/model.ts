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
  readonly #expected: ReadonlyMap<string, number>
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

  ringApproval(ring: string): Approval | undefined {
    return this.#ringApprovals.get(ring)
  }

  groupApproval(group: string): Approval | undefined {
    return this.#groupApprovals.get(group)
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
   */
  approveRing(ring: string, terms: ApprovalTerms, by: Actor = 'operator'): Approval {
    if (!this.rings.includes(ring)) throw new UnknownRingError(ring)
    const approval = approvalOf(terms, by)
    this.#ringApprovals.set(ring, approval)
    this.#resume(approval.approvedAtMs)

    return approval
  }

  /** Approves a group of nodes. Groups stand outside the rings: they neither gate nor promote. */
  approveGroup(group: string, terms: ApprovalTerms, by: Actor = 'operator'): Approval {
    if (typeof group !== 'string' || group === '') {
      throw new InvalidApprovalError('group', 'must be a non-empty string')
    }
    const approval = approvalOf(terms, by)
    this.#groupApprovals.set(group, approval)
    this.#resume(approval.approvedAtMs)

    return approval
  }

  /** Halts the rollout until the next approval. A second halt keeps the first one's reason. */
  halt(reason: string, atMs: number, by: Actor = 'operator'): HaltState {
    checkTime('atMs', atMs)
    this.#halted ??= Object.freeze({ reason, atMs, by })

    return this.#halted
  }

  #resume(atMs: number): void {
    if (this.#halted === undefined) return
    this.#halted = undefined
    this.#resumedAtMs = atMs
  }
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
  for (const [ring, count] of Object.entries(init.expectedNodes ?? {})) {
    if (!Number.isSafeInteger(count) || count < 0) {
      fail(`expectedNodes.${ring}`, 'must be an integer >= 0')
    }
  }
}
