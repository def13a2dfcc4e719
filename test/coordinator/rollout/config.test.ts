import assert from 'node:assert/strict'
import { describe, it } from 'node:test'

import {
  createRollout,
  DEFAULT_ROLLOUT_POLICY,
  DEFAULT_SUMMARY_OPTIONS,
  evaluate,
  resolvePolicy,
  type ApprovalTerms,
  type RolloutInit,
  type RolloutPolicy,
} from '../../../src/coordinator/rollout/index.ts'
import { needed } from '../../../src/coordinator/rollout/policy.ts'
import { PATCH, RINGS, rollout, SIZE } from './fixtures.ts'

describe('rollout configuration', () => {
  it('documents its defaults', () => {
    assert.deepEqual(
      { ...DEFAULT_ROLLOUT_POLICY },
      {
        promoteShare: 0.9,
        maxFailureShare: 0.05,
        soakMs: 3_600_000,
        haltFailureShare: 0.2,
        minReportsForHalt: 3,
      },
    )
    assert.equal(DEFAULT_SUMMARY_OPTIONS.recentFailures, 5)
    assert.equal(
      createRollout({ patchId: PATCH, sizeBytes: SIZE, rings: RINGS }).autoPromote,
      false,
    )
  })

  const invalidPolicies: [string, RolloutPolicy, string][] = [
    ['a promote share of 0', { promoteShare: 0 }, 'policy.promoteShare'],
    ['a promote share above 1', { promoteShare: 1.1 }, 'policy.promoteShare'],
    [
      'a failure share that is not a number',
      { maxFailureShare: Number.NaN },
      'policy.maxFailureShare',
    ],
    ['a negative halt share', { haltFailureShare: -0.1 }, 'policy.haltFailureShare'],
    ['a minimum count of 0', { minReportsForHalt: 0 }, 'policy.minReportsForHalt'],
    ['a negative soak', { soakMs: -1 }, 'policy.soakMs'],
    ['an infinite soak', { soakMs: Infinity }, 'policy.soakMs'],
  ]
  for (const [name, policy, field] of invalidPolicies) {
    it(`rejects a policy with ${name}`, () => {
      assert.throws(() => resolvePolicy(policy), { name: 'RolloutConfigError', field })
      assert.throws(() => evaluate(rollout(), 0, policy), { name: 'RolloutConfigError', field })
    })
  }

  const invalidInits: [string, Partial<RolloutInit>, string][] = [
    ['no patch id', { patchId: '' }, 'patchId'],
    ['a negative size', { sizeBytes: -1 }, 'sizeBytes'],
    ['no rings', { rings: [] }, 'rings'],
    ['a repeated ring', { rings: ['canary', 'canary'] }, 'rings'],
    ['an empty ring name', { rings: ['canary', ''] }, 'rings'],
    ['a fractional enrolled count', { expectedNodes: { canary: 1.5 } }, 'expectedNodes.canary'],
  ]
  for (const [name, init, field] of invalidInits) {
    it(`rejects a rollout with ${name}`, () => {
      assert.throws(() => rollout(init), { name: 'RolloutConfigError', field })
    })
  }

  const invalidApprovals: [string, string, ApprovalTerms, string][] = [
    ['an unknown ring', 'everyone', { approvedAtMs: 0 }, 'UnknownRingError'],
    [
      'a deadline before not-before',
      'canary',
      { approvedAtMs: 0, notBeforeMs: 9, deadlineMs: 5 },
      'InvalidApprovalError',
    ],
    [
      'an approval time that is not a number',
      'canary',
      { approvedAtMs: Number.NaN },
      'InvalidTimeError',
    ],
  ]
  for (const [name, ring, terms, error] of invalidApprovals) {
    it(`rejects an approval with ${name}`, () => {
      const model = rollout()

      assert.throws(() => model.approveRing(ring, terms), { name: error })
      assert.equal(model.ringApproval(ring), undefined)
    })
  }

  it('rejects an evaluation time that is not a number', () => {
    assert.throws(() => evaluate(rollout(), Number.NaN), { name: 'InvalidTimeError' })
  })

  const shares: [number, number, number][] = [
    [10, 0.9, 9],
    [10, 0.7, 7],
    [3, 0.9, 3],
    [7, 1, 7],
    [1, 0.05, 1],
  ]
  for (const [nodes, share, k] of shares) {
    it(`needs ${k} of ${nodes} nodes for a share of ${share}`, () => {
      assert.equal(needed(nodes, share), k)
    })
  }
})
