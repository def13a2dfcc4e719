import assert from 'node:assert/strict'
import { describe, it } from 'node:test'

import { runSimulation } from '../../simulations/simulate.ts'
import { scenario } from './fixtures.ts'

/** Scenarios where different terms of the bound bind. */
const TABLE: Record<string, string> = {
  'origin-bound': `
origin: { upMbit: 50 }
siteGroups:
  - { count: 4, nodesPerSite: 3, wanDownMbit: 500, wanUpMbit: 100, lanMbit: 1000, nodeMbit: 1000 }`,
  'WAN-bound': `
origin: { upMbit: 1000 }
siteGroups:
  - { count: 3, nodesPerSite: 4, wanDownMbit: 20, wanUpMbit: 5, lanMbit: 1000, nodeMbit: 1000 }`,
  'mixed groups': `
origin: { upMbit: 200 }
siteGroups:
  - { name: big, count: 1, nodesPerSite: 8, wanDownMbit: 200, wanUpMbit: 50, lanMbit: 100, nodeMbit: 100 }
  - { name: small, count: 3, nodesPerSite: 2, wanDownMbit: 10, wanUpMbit: 2, lanMbit: 100, nodeMbit: 50 }`,
  'node-bound': `
origin: { upMbit: 1000 }
siteGroups:
  - { count: 2, nodesPerSite: 2, wanDownMbit: 1000, wanUpMbit: 1000, lanMbit: 1000, nodeMbit: 10 }`,
}

describe('lower bound', () => {
  for (const [name, groups] of Object.entries(TABLE)) {
    it(`is never beaten by any strategy (${name})`, async () => {
      const report = await runSimulation(
        scenario(`seed: 5\npatch: { size: 8MiB, chunkSize: 512KiB }\n${groups}`),
      )

      for (const [strategy, s] of Object.entries(report.strategies)) {
        assert.equal(s.completed, s.nodes, `${strategy} did not complete`)
        assert.ok(
          s.completionSeconds.max >= s.lowerBoundSeconds * (1 - 1e-9),
          `${strategy} finished at ${s.completionSeconds.max} s, bound ${s.lowerBoundSeconds} s`,
        )
      }
    })
  }

  it('adds a WAN outage that starts before the site could finish', async () => {
    const base = `seed: 5\npatch: { size: 8MiB, chunkSize: 1MiB }\norigin: { upMbit: 1000 }
siteGroups:
  - { count: 2, nodesPerSite: 2, wanDownMbit: 8, wanUpMbit: 8, lanMbit: 1000, nodeMbit: 1000 }
strategies: [naive]\n`
    const plain = await runSimulation(scenario(base))
    const cut = await runSimulation(
      scenario(base + 'events: [{ kind: wan-outage, sites: 1, from: 1, to: 21 }]'),
    )

    assert.ok(
      Math.abs(
        cut.strategies.naive!.lowerBoundSeconds - plain.strategies.naive!.lowerBoundSeconds - 20,
      ) < 1e-9,
    )
  })
})
