import assert from 'node:assert/strict'
import { describe, it } from 'node:test'

import { applyDecisions, evaluate, type NodeState } from '../../../src/coordinator/rollout/index.ts'
import { HOUR, MINUTE, populate, rollout, send } from './fixtures.ts'

describe('rollout halt', () => {
  const thresholds: [string, Partial<Record<NodeState, number>>, boolean][] = [
    ['3 of 10 failed', { failed: 3, installed: 7 }, true],
    ['3 of 15 failed, exactly the 20% share', { failed: 3, installed: 12 }, true],
    ['3 of 16 failed, below the share', { failed: 3, installed: 13 }, false],
    [
      '2 of 4 failed, above the share but below the minimum count',
      { failed: 2, installed: 2 },
      false,
    ],
    ['3 of 3 failed', { failed: 3 }, true],
  ]
  for (const [name, counts, halts] of thresholds) {
    it(`${halts ? 'halts' : 'does not halt'} with ${name}`, () => {
      const model = rollout()
      model.approveRing('canary', { approvedAtMs: 0 })
      populate(model, 'canary', counts, 0)

      const types = evaluate(model, MINUTE).decisions.map((d) => d.type)

      assert.deepEqual(types, halts ? ['halt'] : [])
    })
  }

  it('takes the minimum failed count from the policy', () => {
    const model = rollout()
    model.approveRing('canary', { approvedAtMs: 0 })
    populate(model, 'canary', { failed: 1, installed: 1 }, 0)

    assert.deepEqual(
      evaluate(model, MINUTE, { minReportsForHalt: 1 }).decisions.map((d) => d.type),
      ['halt'],
    )
  })

  it('names the ring and the counts in its reason', () => {
    const model = rollout()
    model.approveRing('canary', { approvedAtMs: 0 })
    populate(model, 'canary', { failed: 3, installed: 7 }, 0)

    const [halt] = evaluate(model, MINUTE).decisions

    assert.equal(halt.ring, 'canary')
    assert.match(halt.reason, /^canary: 3 of 10 nodes failed \(30%\)/)
  })

  it('halts on failures in a ring that is not approved yet', () => {
    const model = rollout()
    model.approveRing('canary', { approvedAtMs: 0 })
    populate(model, 'broad', { failed: 5 }, 0)

    assert.equal(evaluate(model, MINUTE).decisions[0]?.ring, 'broad')
  })

  it('returns a halt alone when a promotion is due as well', () => {
    const model = rollout()
    model.approveRing('canary', { approvedAtMs: 0 })
    populate(model, 'canary', { installed: 10 }, 0)
    populate(model, 'pilot', { failed: 3 }, 0)

    assert.deepEqual(
      evaluate(model, 2 * HOUR).decisions.map((d) => d.type),
      ['halt'],
    )
  })

  it('never promotes a halted rollout', () => {
    const model = rollout()
    model.approveRing('canary', { approvedAtMs: 0 })
    populate(model, 'canary', { installed: 10 }, 0)
    model.halt('operator halt', MINUTE)

    assert.deepEqual(evaluate(model, 2 * HOUR), { decisions: [], nextEvaluationAtMs: undefined })
    assert.deepEqual(
      applyDecisions(
        model,
        [{ type: 'promote', ring: 'pilot', from: 'canary', reason: 'x' }],
        HOUR,
      ),
      [],
    )
    assert.equal(model.ringApproval('pilot'), undefined)
  })

  it("keeps an operator's halt reason over a later automatic one", () => {
    const model = rollout()
    model.approveRing('canary', { approvedAtMs: 0 })
    model.halt('bad patch reported by the help desk', MINUTE)
    populate(model, 'canary', { failed: 5 }, 2 * MINUTE)

    applyDecisions(model, [{ type: 'halt', ring: 'canary', reason: 'auto' }], 3 * MINUTE)

    assert.deepEqual(model.halted, {
      reason: 'bad patch reported by the help desk',
      atMs: MINUTE,
      by: 'operator',
    })
  })

  it('resumes on an approval and no longer counts failures from before it', () => {
    const model = rollout()
    model.approveRing('canary', { approvedAtMs: 0 })
    populate(model, 'canary', { failed: 3, installed: 7 }, MINUTE)
    applyDecisions(model, evaluate(model, 2 * MINUTE).decisions, 2 * MINUTE)

    model.approveRing('canary', { approvedAtMs: 10 * MINUTE })

    assert.equal(model.halted, undefined)
    assert.equal(model.resumedAtMs, 10 * MINUTE)
    assert.deepEqual(evaluate(model, 11 * MINUTE).decisions, [])
  })

  it('halts again on failures that arrive after a resume', () => {
    const model = rollout()
    model.approveRing('canary', { approvedAtMs: 0 })
    populate(model, 'canary', { failed: 3, installed: 7 }, MINUTE)
    model.halt('operator halt', 2 * MINUTE)
    model.approveGroup('tills', { approvedAtMs: 10 * MINUTE })
    for (const node of ['canary-0', 'canary-1', 'canary-2']) {
      send(model, node, 'downloading', 11 * MINUTE)
      send(model, node, 'failed', 12 * MINUTE, { reason: 'exit code 1' })
    }

    assert.deepEqual(
      evaluate(model, 13 * MINUTE).decisions.map((d) => d.type),
      ['halt'],
    )
  })
})
