import assert from 'node:assert/strict'
import { describe, it } from 'node:test'

import { memberId, runSiteFleet } from './site-fleet.ts'

describe('WAN split across the members of a site', () => {
  it('pulls every chunk over the WAN exactly once per site', () => {
    const result = runSiteFleet({ members: 10, chunks: 256 })

    assert.deepEqual([...new Set(result.wanPulls)], [1])
  })

  it('spreads the WAN pulls roughly evenly over the members', () => {
    const chunks = 1024
    const members = 10
    const result = runSiteFleet({ members, chunks })

    // Rendezvous ownership is binomial(1024, 0.1) per member: 102 +- 10 (one sigma).
    const fair = chunks / members
    for (const [id, pulls] of result.wanByMember) {
      assert.ok(Math.abs(pulls - fair) < 0.35 * fair, `${id} pulled ${pulls}, fair is ${fair}`)
    }
  })

  it('still pulls each chunk once when one member hangs, after the WAN wait', () => {
    const wanWaitMs = 10_000
    const result = runSiteFleet({
      members: 10,
      chunks: 256,
      silent: [memberId(3)],
      options: { wanWaitMs },
    })

    assert.deepEqual([...new Set(result.wanPulls)], [1])
    assert.equal(result.wanByMember.get(memberId(3)), 0)
    assert.ok(result.finishedAt >= wanWaitMs, `finished at ${result.finishedAt}`)
  })

  it('leaves a slow but delivering member its share', () => {
    // m01 needs 2 s per WAN reply, well under the wait, so nobody takes over its chunks.
    const result = runSiteFleet({
      members: 4,
      chunks: 128,
      wanMsOf: { [memberId(1)]: 2_000 },
      options: { wanWaitMs: 5_000 },
    })

    assert.deepEqual([...new Set(result.wanPulls)], [1])
    assert.ok((result.wanByMember.get(memberId(1)) ?? 0) > 16)
  })

  it('gives the same requests at the same times when run twice', () => {
    const spec = { members: 6, chunks: 96, silent: [memberId(2)], options: { wanWaitMs: 3_000 } }

    assert.deepEqual(runSiteFleet(spec).log, runSiteFleet(spec).log)
  })
})
