import assert from 'node:assert/strict'
import { describe, it } from 'node:test'

import { runSimulation } from '../../simulations/simulate.ts'
import { scenario, small } from './fixtures.ts'

const MiB = 1024 * 1024

describe('simulator against analytic cases', () => {
  it('takes size / slowest link for one origin and one node', async () => {
    // The node's WAN (40 Mbit/s) is the slowest link: 64 MiB / 5e6 B/s.
    const report = await runSimulation(
      scenario(`
patch: { size: 64MiB, chunkSize: 16MiB }
origin: { upMbit: 1000 }
siteGroups:
  - { count: 1, nodesPerSite: 1, wanDownMbit: 40, wanUpMbit: 10, lanMbit: 1000, nodeMbit: 100 }
strategies: [naive]
`),
    )
    const expected = (64 * MiB) / 5e6

    const naive = report.strategies.naive!
    assert.ok(Math.abs(naive.completionSeconds.max - expected) < 1e-6 * expected)
    assert.ok(Math.abs(naive.lowerBoundSeconds - expected) < 1e-6 * expected)
  })

  it("completes with chunks larger than a node's WAN burst (2 MiB chunks at 40/3 Mbit/s each)", async () => {
    const report = await runSimulation(
      scenario(`
patch: { size: 8MiB, chunkSize: 2MiB }
origin: { upMbit: 1000 }
siteGroups:
  - { count: 2, nodesPerSite: 3, wanDownMbit: 40, wanUpMbit: 10, lanMbit: 1000, nodeMbit: 1000 }
strategies: [patchmesh]
`),
    )
    const pm = report.strategies.patchmesh!

    assert.equal(pm.completed, 6)
    assert.equal(pm.wanBytesPerSite.max, 8 * MiB)
  })

  it('moves N x size over the WAN for naive with N nodes at one site', async () => {
    const report = await runSimulation(small({ sites: 1, nodes: 5 }), { strategies: ['naive'] })

    assert.equal(report.strategies.naive!.wanBytesPerSite.mean, 5 * 16 * MiB)
    assert.equal(report.strategies.naive!.originBytes, 5 * 16 * MiB)
  })

  it('moves about the size over the WAN for patchmesh at one site', async () => {
    const report = await runSimulation(small({ sites: 1, nodes: 6 }), {
      strategies: ['patchmesh'],
    })
    const pm = report.strategies.patchmesh!

    assert.equal(pm.completed, 6)
    assert.ok(pm.wanBytesPerSite.max <= 1.05 * 16 * MiB, `${pm.wanBytesPerSite.max} bytes`)
    assert.ok(pm.wanBytesPerSite.max >= 16 * MiB)
  })

  it('moves the size over each WAN link once for site-cache', async () => {
    const report = await runSimulation(small({ sites: 3, nodes: 4 }), {
      strategies: ['site-cache'],
    })

    assert.deepEqual(report.strategies['site-cache']!.siteWanBytes, [16 * MiB, 16 * MiB, 16 * MiB])
  })
})
