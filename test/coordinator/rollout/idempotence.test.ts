import assert from 'node:assert/strict'
import { describe, it } from 'node:test'

import fc from 'fast-check'

import {
  applyDecisions,
  evaluate,
  NODE_STATES,
  type RolloutModel,
  type RolloutPolicy,
} from '../../../src/coordinator/rollout/index.ts'
import { MINUTE, report, RINGS, rollout } from './fixtures.ts'

const NODES = 12
const ORDER: readonly string[] = RINGS

const policyArb: fc.Arbitrary<RolloutPolicy> = fc.record({
  promoteShare: fc.constantFrom(0.5, 0.9, 1),
  maxFailureShare: fc.constantFrom(0.05, 0.5, 1),
  soakMs: fc.constantFrom(0, 10 * MINUTE, 60 * MINUTE),
  haltFailureShare: fc.constantFrom(0.2, 1),
  minReportsForHalt: fc.constantFrom(1, 3),
})

// Mostly installs, so that rings reach their share and promotions happen in many runs.
const stateArb = fc.oneof(
  { weight: 3, arbitrary: fc.constant('installed' as const) },
  { weight: 2, arbitrary: fc.constantFrom(...NODE_STATES) },
)

const stepArb = fc.oneof(
  {
    weight: 8,
    arbitrary: fc.record({
      kind: fc.constant('report' as const),
      node: fc.integer({ min: 0, max: NODES - 1 }),
      sequence: fc.integer({ min: 1, max: 8 }),
      state: stateArb,
      advanceMs: fc.integer({ min: 0, max: 30 * MINUTE }),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('approve' as const),
      ring: fc.constantFrom(...RINGS),
    }),
  },
  { weight: 1, arbitrary: fc.constant({ kind: 'halt' as const }) },
)

const scenarioArb = fc.record({
  policy: policyArb,
  rings: fc.array(fc.constantFrom(...RINGS), { minLength: NODES, maxLength: NODES }),
  steps: fc.array(stepArb, { maxLength: 60 }),
})

/** Installed share of a ring, computed from the records without the engine's helpers. */
function installedShare(model: RolloutModel, ring: string): number {
  const nodes = [...model.nodes()].filter((n) => n.ring === ring)
  const denominator = Math.max(model.expectedNodes(ring), nodes.length)

  return denominator === 0 ? 0 : nodes.filter((n) => n.state === 'installed').length / denominator
}

describe('rollout evaluation properties', () => {
  it('never promotes a ring whose predecessor is below the share, and never while halted', () => {
    fc.assert(
      fc.property(scenarioArb, ({ policy, rings, steps }) => {
        const model = rollout()
        model.approveRing('canary', { approvedAtMs: 0 })
        let now = 0

        for (const step of steps) {
          if (step.kind === 'report') {
            now += step.advanceMs
            const fields = { ring: rings[step.node], sequence: step.sequence }
            model.record(report(`n${step.node}`, step.state, fields), now)
          } else if (step.kind === 'approve') {
            model.approveRing(step.ring, { approvedAtMs: now })
          } else {
            model.halt('operator halt', now)
          }

          const wasHalted = model.halted !== undefined
          const { decisions } = evaluate(model, now, policy)
          for (const decision of decisions) {
            if (decision.type !== 'promote') continue
            assert.equal(wasHalted, false)
            assert.ok(installedShare(model, decision.from) >= (policy.promoteShare ?? 0.9))
            assert.equal(ORDER.indexOf(decision.ring), ORDER.indexOf(decision.from) + 1)
          }
          applyDecisions(model, decisions, now)
        }
      }),
      { numRuns: 300 },
    )
  })

  it('decides nothing more when evaluated again after applying its decisions', () => {
    fc.assert(
      fc.property(scenarioArb, ({ policy, rings, steps }) => {
        const model = rollout()
        model.approveRing('canary', { approvedAtMs: 0 })
        let now = 0

        for (const step of steps) {
          if (step.kind !== 'report') continue
          now += step.advanceMs
          const fields = { ring: rings[step.node], sequence: step.sequence }
          model.record(report(`n${step.node}`, step.state, fields), now)

          const first = evaluate(model, now, policy)
          assert.deepEqual(evaluate(model, now, policy), first)

          const applied = applyDecisions(model, first.decisions, now)
          assert.deepEqual(applied, first.decisions)
          const again = evaluate(model, now, policy)
          assert.deepEqual(again.decisions, [])
          if (again.nextEvaluationAtMs !== undefined) assert.ok(again.nextEvaluationAtMs > now)
        }
      }),
      { numRuns: 300 },
    )
  })
})
