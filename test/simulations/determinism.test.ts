import assert from 'node:assert/strict'
import { describe, it } from 'node:test'

import { runSimulation } from '../../simulations/simulate.ts'
import type { StrategyReport } from '../../simulations/types.ts'
import { small } from './fixtures.ts'

/** The report but its wall time, which is the machine's and not the simulation's. */
function withoutWall(report: StrategyReport): Omit<StrategyReport, 'wallSeconds'> {
  return Object.fromEntries(Object.entries(report).filter(([k]) => k !== 'wallSeconds')) as Omit<
    StrategyReport,
    'wallSeconds'
  >
}

describe('determinism', () => {
  it('gives the same report for the same scenario and seed', async () => {
    const extra = `events:
  - { kind: churn, share: 0.25, at: 1, downFor: 2 }
  - { kind: bad-peers, share: 0.2 }`
    const a = await runSimulation(small({ sites: 3, extra }))
    const b = await runSimulation(small({ sites: 3, extra }))

    for (const name of Object.keys(a.strategies) as (keyof typeof a.strategies)[]) {
      assert.deepEqual(withoutWall(a.strategies[name]!), withoutWall(b.strategies[name]!), name)
    }
  })
})
