import assert from 'node:assert/strict'
import { describe, it } from 'node:test'

import { runSimulation } from '../../simulations/simulate.ts'
import { small } from './fixtures.ts'

describe('scenario events', () => {
  it('delays the site whose WAN link is cut', async () => {
    const extra = 'events: [{ kind: wan-outage, sites: 1, from: 1, to: 40 }]'
    const plain = await runSimulation(small({ sites: 4 }), { strategies: ['patchmesh'] })
    const cut = await runSimulation(small({ sites: 4, extra }), { strategies: ['patchmesh'] })
    const before = plain.strategies.patchmesh!.siteCompleteSeconds
    const after = cut.strategies.patchmesh!.siteCompleteSeconds

    assert.equal(cut.strategies.patchmesh!.completed, 16)
    const delayed = after.filter((t, s) => t > before[s] + 30)
    assert.equal(delayed.length, 1, `sites complete at ${after.join(', ')} s`)
    assert.ok(Math.max(...after) >= 40)
  })

  it('bans bad peers, counts their bytes, and still completes every node', async () => {
    const extra = 'events: [{ kind: bad-peers, share: 0.25 }]'
    const report = await runSimulation(small({ sites: 2, nodes: 8, extra }), {
      strategies: ['patchmesh', 'swarm'],
    })

    for (const s of Object.values(report.strategies)) {
      assert.equal(s.completed, s.nodes)
      assert.ok(s.badBytes > 0)
      assert.ok((s.bans ?? 0) > 0)
    }
  })

  it('brings churned nodes back and completes them later', async () => {
    const extra = 'events: [{ kind: churn, share: 0.5, at: 1, downFor: 30 }]'
    const report = await runSimulation(small({ extra }))

    for (const [name, s] of Object.entries(report.strategies)) {
      assert.equal(s.completed, s.nodes, name)
      assert.ok(s.completionSeconds.max >= 30, `${name}: ${s.completionSeconds.max} s`)
    }
  })

  it('starts late joiners at their time', async () => {
    const extra = 'events: [{ kind: late-join, share: 0.25, at: 100 }]'
    const report = await runSimulation(small({ extra }))

    for (const [name, s] of Object.entries(report.strategies)) {
      assert.equal(s.completed, s.nodes, name)
      assert.ok(s.completionSeconds.max > 100, `${name}: ${s.completionSeconds.max} s`)
      assert.ok(s.completionSeconds.p50 < 100, `${name}: ${s.completionSeconds.p50} s`)
    }
  })
})
