import { checkTime } from './errors.ts'
import type { RolloutModel } from './model.ts'
import { needed, resolvePolicy, type ResolvedRolloutPolicy, type RolloutPolicy } from './policy.ts'
import type {
  Evaluation,
  HaltDecision,
  PromoteDecision,
  RolloutDecision,
  RolloutView,
} from './types.ts'

/** What evaluation needs of one ring's nodes. */
interface RingTally {
  /** Nodes that reported in the ring. */
  reported: number
  /** When each installed node was first seen installed, coordinator clock. */
  installedSince: number[]
  failed: number
  /** Failed nodes whose failure arrived after the rollout was last resumed. */
  failedSinceResume: number
}

const NOTHING: Evaluation = Object.freeze({ decisions: [], nextEvaluationAtMs: undefined })

/**
 * Decides what the rollout policy does at `nowMs`:
 *
 * 1. A halted rollout decides nothing: only an approval lifts a halt.
 * 2. Halt when one ring's failures since the last resume reach `haltFailureShare` of its nodes
 *    and number at least `minReportsForHalt`. A halt comes alone, without promotions.
 * 3. With automatic promotion on, approve ring i + 1 when ring i is approved, ring i + 1 is not,
 *    at least `promoteShare` of ring i is installed, its failures are below `maxFailureShare`,
 *    and `soakMs` has passed since the later of ring i's approval and the time the share was
 *    reached. A ring promoted in this call counts as approved now, so with `soakMs` 0 promotions
 *    cascade within one call.
 *
 * Failures count in every ring, approved or not. Pure: applying the decisions with
 * {@link applyDecisions} at the same `nowMs` and evaluating again decides nothing.
 */
export function evaluate(
  model: RolloutView,
  nowMs: number,
  policy: RolloutPolicy = {},
): Evaluation {
  checkTime('nowMs', nowMs)
  const p = resolvePolicy(policy)
  if (model.halted !== undefined) return NOTHING

  const tallies = tally(model)
  const halt = haltDecision(model, tallies, p)
  if (halt !== undefined) return { decisions: [halt], nextEvaluationAtMs: undefined }
  if (!model.autoPromote) return NOTHING

  const decisions: PromoteDecision[] = []
  const promotedNow = new Set<string>()
  let next: number | undefined
  for (let i = 0; i + 1 < model.rings.length; i++) {
    const from = model.rings[i]
    const ring = model.rings[i + 1]
    const approvedAt = promotedNow.has(from) ? nowMs : model.ringApproval(from)?.approvedAtMs
    if (approvedAt === undefined || model.ringApproval(ring) !== undefined) continue

    const t = tallies.get(from)
    const nodes = Math.max(model.expectedNodes(from), t?.reported ?? 0)
    const reachedAt = t === undefined ? undefined : shareReachedAt(t, nodes, p)
    if (t === undefined || reachedAt === undefined) continue

    const soakEnd = Math.max(reachedAt, approvedAt) + p.soakMs
    if (nowMs < soakEnd) {
      next = next === undefined ? soakEnd : Math.min(next, soakEnd)
      continue
    }
    const installed = t.installedSince.length
    const reason =
      `${from}: ${installed} of ${nodes} nodes installed (${percent(installed / nodes)}), ` +
      `${t.failed} failed, soaked ${nowMs - Math.max(reachedAt, approvedAt)} ms`
    decisions.push({ type: 'promote', ring, from, reason })
    promotedNow.add(ring)
  }

  return { decisions, nextEvaluationAtMs: next }
}

/**
 * Applies decisions of {@link evaluate} at `nowMs` and returns those that changed the rollout.
 * A promotion approves its ring from now on, with the maintenance windows of the ring it came
 * from and no deadline; it is skipped when the ring was approved meanwhile (an operator's terms
 * stand) or the rollout is halted. A halt is skipped when the rollout is already halted.
 */
export function applyDecisions(
  model: RolloutModel,
  decisions: readonly RolloutDecision[],
  nowMs: number,
): RolloutDecision[] {
  checkTime('nowMs', nowMs)
  const applied: RolloutDecision[] = []

  for (const decision of decisions) {
    if (model.halted !== undefined) continue
    if (decision.type === 'halt') {
      model.halt(decision.reason, nowMs, 'policy')
      applied.push(decision)
      continue
    }
    if (model.ringApproval(decision.ring) !== undefined) continue
    const windows = model.ringApproval(decision.from)?.windows ?? []
    model.approveRing(decision.ring, { approvedAtMs: nowMs, windows }, 'policy')
    applied.push(decision)
  }

  return applied
}

function tally(model: RolloutView): Map<string, RingTally> {
  const tallies = new Map<string, RingTally>()
  const resumedAt = model.resumedAtMs ?? -Infinity

  for (const node of model.nodes()) {
    let t = tallies.get(node.ring)
    if (t === undefined) {
      t = { reported: 0, installedSince: [], failed: 0, failedSinceResume: 0 }
      tallies.set(node.ring, t)
    }
    t.reported++
    if (node.state === 'installed') t.installedSince.push(node.stateSinceMs)
    if (node.state === 'failed') {
      t.failed++
      if (node.stateSinceMs > resumedAt) t.failedSinceResume++
    }
  }

  return tallies
}

function haltDecision(
  model: RolloutView,
  tallies: ReadonlyMap<string, RingTally>,
  p: ResolvedRolloutPolicy,
): HaltDecision | undefined {
  // Rings in rollout order first, so a halt names the earliest ring that tripped it.
  const known = new Set(model.rings)
  const order = [...model.rings, ...[...tallies.keys()].filter((r) => !known.has(r)).sort()]

  for (const ring of order) {
    const t = tallies.get(ring)
    if (t === undefined) continue
    const nodes = Math.max(model.expectedNodes(ring), t.reported)
    const failed = t.failedSinceResume
    if (failed < p.minReportsForHalt || failed / nodes < p.haltFailureShare) continue

    const reason =
      `${ring === '' ? 'nodes in no ring' : ring}: ${failed} of ${nodes} nodes failed ` +
      `(${percent(failed / nodes)}), threshold ${percent(p.haltFailureShare)} ` +
      `and at least ${p.minReportsForHalt}`

    return { type: 'halt', ring, reason }
  }

  return undefined
}

/** When the installed share of a ring that may promote was reached; undefined if it may not. */
function shareReachedAt(t: RingTally, nodes: number, p: ResolvedRolloutPolicy): number | undefined {
  if (nodes === 0 || t.failed / nodes >= p.maxFailureShare) return undefined
  const k = needed(nodes, p.promoteShare)
  if (t.installedSince.length < k) return undefined

  // The share was made up by the k-th node to be seen installed among those installed now.
  return t.installedSince.sort((a, b) => a - b)[k - 1]
}

function percent(share: number): string {
  return `${Math.round(share * 1000) / 10}%`
}
