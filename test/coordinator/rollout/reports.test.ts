import assert from 'node:assert/strict'
import { describe, it } from 'node:test'

import fc from 'fast-check'

import {
  NODE_STATES,
  type NodeReport,
  type NodeState,
} from '../../../src/coordinator/rollout/index.ts'
import { report, rollout } from './fixtures.ts'

describe('rollout reports', () => {
  const orders: [string, number[], NodeState][] = [
    ['in order', [1, 2, 3], 'installed'],
    ['newest first', [3, 2, 1], 'installed'],
    ['shuffled', [2, 3, 1], 'installed'],
    ['with a gap', [1, 3], 'installed'],
  ]
  const states: NodeState[] = ['downloading', 'installing', 'installed']
  for (const [name, sequences, expected] of orders) {
    it(`keeps the report with the highest sequence when they arrive ${name}`, () => {
      const model = rollout()
      for (const [i, sequence] of sequences.entries()) {
        model.record(report('n1', states[sequence - 1], { sequence }), i)
      }

      assert.equal(model.node('n1')?.state, expected)
      assert.equal(model.node('n1')?.sequence, 3)
    })
  }

  it('reports an older report as stale and ignores it', () => {
    const model = rollout()
    model.record(report('n1', 'installed', { sequence: 5 }), 10)

    assert.equal(model.record(report('n1', 'downloading', { sequence: 4 }), 20), 'stale')
    assert.equal(model.node('n1')?.state, 'installed')
    assert.equal(model.node('n1')?.receivedAtMs, 10)
  })

  it('changes nothing on a duplicate, even one whose fields differ', () => {
    const model = rollout()
    model.record(report('n1', 'downloading', { sequence: 2, bytesOrigin: 100 }), 10)
    const before = model.node('n1')

    assert.equal(
      model.record(report('n1', 'failed', { sequence: 2, reason: 'x' }), 20),
      'duplicate',
    )
    assert.equal(model.node('n1'), before)
  })

  it('keeps the time a node entered its state while it repeats that state', () => {
    const model = rollout()
    model.record(report('n1', 'installed', { sequence: 1 }), 10)
    model.record(report('n1', 'installed', { sequence: 2 }), 20)

    assert.equal(model.node('n1')?.stateSinceMs, 10)
    assert.equal(model.node('n1')?.receivedAtMs, 20)
  })

  it('restarts the time in a state when the state changes', () => {
    const model = rollout()
    model.record(report('n1', 'failed', { sequence: 1 }), 10)
    model.record(report('n1', 'downloading', { sequence: 2 }), 20)
    model.record(report('n1', 'failed', { sequence: 3 }), 30)

    assert.equal(model.node('n1')?.stateSinceMs, 30)
  })

  it('keeps a failure reason only while the node is failed', () => {
    const model = rollout()
    model.record(report('n1', 'failed', { sequence: 1, reason: 'exit 3' }), 0)
    assert.equal(model.node('n1')?.reason, 'exit 3')

    model.record(report('n1', 'installing', { sequence: 2 }), 1)
    assert.equal(model.node('n1')?.reason, undefined)
  })

  it('keeps what holds up a node that is not failed, as its latest report says', () => {
    const model = rollout()
    model.record(report('n1', 'downloading', { sequence: 1, reason: 'disk full: /data/p' }), 0)
    assert.equal(model.node('n1')?.reason, 'disk full: /data/p')

    model.record(report('n1', 'downloading', { sequence: 2 }), 1)
    assert.equal(model.node('n1')?.reason, undefined)
  })

  it('follows a node that moves to another ring or site', () => {
    const model = rollout()
    model.record(report('n1', 'downloading', { sequence: 1, ring: 'canary', site: 'a' }), 0)
    model.record(report('n1', 'downloading', { sequence: 2, ring: 'pilot', site: 'b' }), 1)

    assert.deepEqual([model.node('n1')?.ring, model.node('n1')?.site], ['pilot', 'b'])
  })

  const invalid: [string, Partial<NodeReport>, string][] = [
    ['an empty node id', { nodeId: '' }, 'nodeId'],
    ['an unknown state', { state: 'rebooting' }, 'state'],
    ['a negative sequence', { sequence: -1 }, 'sequence'],
    ['a fractional sequence', { sequence: 1.5 }, 'sequence'],
    ['a time that is not a number', { timeMs: Number.NaN }, 'timeMs'],
    ['negative bytes', { bytesOrigin: -1 }, 'bytesOrigin'],
    ['infinite bytes', { bytesOwnSite: Infinity }, 'bytesOwnSite'],
  ]
  for (const [name, fields, field] of invalid) {
    it(`rejects a report with ${name} and keeps nothing`, () => {
      const model = rollout()

      assert.throws(() => model.record({ ...report('n1', 'installed'), ...fields }, 0), {
        name: 'InvalidReportError',
        field,
      })
      assert.equal([...model.nodes()].length, 0)
    })
  }

  it('rejects a report for another patch', () => {
    assert.throws(() => rollout().record(report('n1', 'installed', { patchId: 'ff' }), 0), {
      name: 'PatchMismatchError',
    })
  })

  it('accepts a report with no patch id, as a caller that routed it already may pass', () => {
    assert.equal(rollout().record(report('n1', 'installed', { patchId: '' }), 0), 'recorded')
  })

  it('rejects a receive time that is not a number', () => {
    assert.throws(() => rollout().record(report('n1', 'installed'), Number.NaN), {
      name: 'InvalidTimeError',
    })
  })

  it('keeps the highest sequence per node whatever the order and repetition of reports', () => {
    const reportArb = fc.record({
      node: fc.integer({ min: 0, max: 4 }),
      sequence: fc.integer({ min: 1, max: 6 }),
      state: fc.constantFrom(...NODE_STATES),
      // Arrival positions of the report and of its repeat, if any.
      at: fc.nat(),
      repeatAt: fc.option(fc.nat()),
    })
    fc.assert(
      fc.property(fc.array(reportArb, { maxLength: 40 }), (raw) => {
        // One content per (node, sequence), as a real node sends.
        const sent = [...new Map(raw.map((r) => [`${r.node}/${r.sequence}`, r])).values()]
        const arrivals = sent.flatMap((r) => [
          { r, at: r.at },
          ...(r.repeatAt === null ? [] : [{ r, at: r.repeatAt }]),
        ])
        arrivals.sort((a, b) => a.at - b.at)

        const model = rollout()
        for (const { r } of arrivals) {
          model.record(report(`n${r.node}`, r.state, { sequence: r.sequence }), 0)
        }

        const newest = new Map<string, string>()
        for (const r of [...sent].sort((a, b) => a.sequence - b.sequence)) {
          newest.set(`n${r.node}`, `${r.sequence}:${r.state}`)
        }
        const kept = new Map([...model.nodes()].map((n) => [n.nodeId, `${n.sequence}:${n.state}`]))
        assert.deepEqual(kept, newest)
      }),
    )
  })
})
