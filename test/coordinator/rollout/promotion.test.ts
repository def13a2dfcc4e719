import assert from 'node:assert/strict'
import { describe, it } from 'node:test'

import {
  applyDecisions,
  evaluate,
  type NodeState,
  type RolloutDecision,
} from '../../../src/coordinator/rollout/index.ts'
import { HOUR, MINUTE, populate, rollout, send } from './fixtures.ts'

function promotions(decisions: readonly RolloutDecision[]): string[] {
  return decisions.map((d) => `${d.type} ${d.ring}`)
}

describe('rollout promotion', () => {
  const soak: [string, number, string[]][] = [
    ['not a moment before the soak ends', HOUR - 1, []],
    ['once the soak has ended', HOUR, ['promote pilot']],
    ['long after the soak ended', 10 * HOUR, ['promote pilot']],
  ]
  for (const [name, after, expected] of soak) {
    it(`promotes the next ring ${name}`, () => {
      const model = rollout()
      model.approveRing('canary', { approvedAtMs: 0 })
      populate(model, 'canary', { installed: 9, downloading: 1 }, 5 * MINUTE)

      const { decisions } = evaluate(model, 5 * MINUTE + after)

      assert.deepEqual(promotions(decisions), expected)
    })
  }

  it('says when the soak ends while it runs', () => {
    const model = rollout()
    model.approveRing('canary', { approvedAtMs: 0 })
    populate(model, 'canary', { installed: 10 }, 5 * MINUTE)

    assert.equal(evaluate(model, 6 * MINUTE).nextEvaluationAtMs, 5 * MINUTE + HOUR)
  })

  it('says nothing about a next evaluation when no soak runs', () => {
    const model = rollout()
    model.approveRing('canary', { approvedAtMs: 0 })
    populate(model, 'canary', { installed: 5, downloading: 5 }, 0)

    assert.equal(evaluate(model, HOUR).nextEvaluationAtMs, undefined)
  })

  it('starts the soak when the share is reached, not at the first install', () => {
    const model = rollout()
    model.approveRing('canary', { approvedAtMs: 0 })
    populate(model, 'canary', { installed: 8, downloading: 2 }, 0)
    send(model, 'canary-8', 'installed', 20 * MINUTE)

    assert.deepEqual(evaluate(model, 20 * MINUTE + HOUR - 1).decisions, [])
    assert.deepEqual(promotions(evaluate(model, 20 * MINUTE + HOUR).decisions), ['promote pilot'])
  })

  it("starts the soak no earlier than the ring's approval", () => {
    const model = rollout()
    model.approveRing('canary', { approvedAtMs: 0 })
    populate(model, 'canary', { installed: 10 }, 0)
    model.halt('operator looks into a report', MINUTE)
    model.approveRing('canary', { approvedAtMs: 2 * HOUR })

    assert.deepEqual(evaluate(model, 3 * HOUR - 1).decisions, [])
    assert.equal(evaluate(model, 3 * HOUR - 1).nextEvaluationAtMs, 3 * HOUR)
  })

  const shares: [string, Partial<Record<NodeState, number>>, boolean][] = [
    ['9 of 10 installed', { installed: 9, downloading: 1 }, true],
    ['all installed', { installed: 10 }, true],
    ['8 of 10 installed, below the share', { installed: 8, installing: 2 }, false],
    ['9 of 10 installed and 1 failed, at 10% failures', { installed: 9, failed: 1 }, false],
    [
      '38 of 40 installed and 2 failed, at exactly 5% failures',
      { installed: 38, failed: 2 },
      false,
    ],
    ['39 of 40 installed and 1 failed, at 2.5% failures', { installed: 39, failed: 1 }, true],
  ]
  for (const [name, counts, promotes] of shares) {
    it(`${promotes ? 'promotes' : 'does not promote'} with ${name}`, () => {
      const model = rollout()
      model.approveRing('canary', { approvedAtMs: 0 })
      populate(model, 'canary', counts, 0)

      assert.deepEqual(
        promotions(evaluate(model, 2 * HOUR).decisions),
        promotes ? ['promote pilot'] : [],
      )
    })
  }

  it('takes the share of enrolled nodes when more are enrolled than reported', () => {
    const model = rollout({ expectedNodes: { canary: 20 } })
    model.approveRing('canary', { approvedAtMs: 0 })
    populate(model, 'canary', { installed: 10 }, 0)

    assert.deepEqual(evaluate(model, 2 * HOUR).decisions, [])
  })

  it('does not promote from a ring no node reported in', () => {
    const model = rollout()
    model.approveRing('canary', { approvedAtMs: 0 })

    assert.deepEqual(evaluate(model, 2 * HOUR).decisions, [])
  })

  it('does not promote unless automatic promotion is on for the patch', () => {
    const model = rollout({ autoPromote: false })
    model.approveRing('canary', { approvedAtMs: 0 })
    populate(model, 'canary', { installed: 10 }, 0)

    assert.deepEqual(evaluate(model, 2 * HOUR), { decisions: [], nextEvaluationAtMs: undefined })
    model.setAutoPromote(true)
    assert.deepEqual(promotions(evaluate(model, 2 * HOUR).decisions), ['promote pilot'])
  })

  it('does not promote from a ring that is not approved', () => {
    const model = rollout()
    populate(model, 'canary', { installed: 10 }, 0)

    assert.deepEqual(evaluate(model, 2 * HOUR).decisions, [])
  })

  it('follows the policy passed in', () => {
    const model = rollout()
    model.approveRing('canary', { approvedAtMs: 0 })
    populate(model, 'canary', { installed: 5, downloading: 5 }, 0)

    const policy = { promoteShare: 0.5, soakMs: MINUTE }

    assert.deepEqual(promotions(evaluate(model, MINUTE, policy).decisions), ['promote pilot'])
  })

  it('cascades through rings that meet the criteria when the soak is 0', () => {
    const model = rollout()
    model.approveRing('canary', { approvedAtMs: 0 })
    populate(model, 'canary', { installed: 10 }, 0)
    populate(model, 'pilot', { installed: 10 }, 0)

    const { decisions } = evaluate(model, HOUR, { soakMs: 0 })

    assert.deepEqual(promotions(decisions), ['promote pilot', 'promote broad'])
  })

  it('approves a promoted ring from now on with the windows of the ring it came from', () => {
    const windows = [{ days: 0b0111110, startMinute: 120, durationMinutes: 180 }]
    const model = rollout()
    model.approveRing('canary', { approvedAtMs: 0, deadlineMs: HOUR, windows })
    populate(model, 'canary', { installed: 10 }, 0)

    applyDecisions(model, evaluate(model, 2 * HOUR).decisions, 2 * HOUR)

    assert.deepEqual(model.ringApproval('pilot'), {
      approvedAtMs: 2 * HOUR,
      notBeforeMs: 2 * HOUR,
      deadlineMs: undefined,
      windows,
      by: 'policy',
    })
  })

  it("respects an operator's approval of a later ring and promotes only the ring between", () => {
    const model = rollout()
    model.approveRing('canary', { approvedAtMs: 0 })
    const broad = model.approveRing('broad', { approvedAtMs: MINUTE, deadlineMs: 9 * HOUR })
    populate(model, 'canary', { installed: 10 }, 0)
    populate(model, 'pilot', { installed: 10 }, 0)

    const { decisions } = evaluate(model, 2 * HOUR)
    applyDecisions(model, decisions, 2 * HOUR)

    assert.deepEqual(promotions(decisions), ['promote pilot'])
    assert.equal(model.ringApproval('broad'), broad)
  })

  it('keeps the terms of an operator who approved the ring after the decision was made', () => {
    const model = rollout()
    model.approveRing('canary', { approvedAtMs: 0 })
    populate(model, 'canary', { installed: 10 }, 0)
    const { decisions } = evaluate(model, 2 * HOUR)
    const pilot = model.approveRing('pilot', { approvedAtMs: 2 * HOUR, deadlineMs: 5 * HOUR })

    assert.deepEqual(applyDecisions(model, decisions, 2 * HOUR), [])
    assert.equal(model.ringApproval('pilot'), pilot)
  })
})
