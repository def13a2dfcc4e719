import assert from 'node:assert/strict'
import { describe, it } from 'node:test'

import type { ChunkScheduler } from '../../src/schedule/index.ts'
import { addPeer, labels, origin, scheduler, UNLIMITED } from './fixtures.ts'
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

  const sizes = [
    { members: 12, chunks: 256 },
    { members: 10, chunks: 256 },
    { members: 7, chunks: 100 },
    { members: 4, chunks: 128 },
    { members: 3, chunks: 2 },
  ]
  for (const { members, chunks } of sizes) {
    const cap = Math.ceil(chunks / members)

    it(`pulls at most ${cap} of ${chunks} chunks over the WAN per member of ${members}`, () => {
      const result = runSiteFleet({ members, chunks })

      assert.deepEqual([...new Set(result.wanPulls)], [1])
      for (const [id, pulls] of result.wanByMember) assert.ok(pulls <= cap, `${id} pulled ${pulls}`)
    })
  }

  it('sends the same requests whatever order a member learned the others in', () => {
    const others = ['m1', 'm2', 'm3', 'm4']
    const requests = [others, [...others].reverse(), ['m3', 'm1', 'm4', 'm2']].map((order) => {
      const s = scheduler({ chunks: 64, options: { maxInFlight: 64, maxInFlightPerPeer: 64 } })
      addPeer(s, origin())
      for (const id of order) addPeer(s, { id, member: true })

      return labels(s.next(0, UNLIMITED))
    })

    // 64 chunks over 5 members: four own 13, one 12.
    assert.ok([12, 13].includes(requests[0].length), `${requests[0].length} requests`)
    for (const seen of requests) assert.deepEqual(seen, requests[0])
  })

  it('applies membership changes on the next read as if each had been applied at once', () => {
    // One scheduler reads its state after every step, the other only at the end.
    const steps: ((s: ChunkScheduler) => void)[] = [
      (s) => addPeer(s, { id: 'm1', member: true }),
      (s) => addPeer(s, { id: 'm2', member: true }),
      (s) => s.peerHas('m2', 3, 0),
      (s) => addPeer(s, { id: 'm3', member: true }),
      (s) => s.removePeer('m1', 0),
      (s) => s.setSiteMember('m2', false, 0),
      (s) => addPeer(s, { id: 'm4', member: true, has: [5, 6] }),
    ]
    const [eager, lazy] = [0, 1].map(() => {
      const s = scheduler({ chunks: 48, options: { maxInFlight: 48, maxInFlightPerPeer: 48 } })
      addPeer(s, origin())

      return s
    })
    for (const step of steps) {
      step(eager)
      eager.progress()
      step(lazy)
    }

    const requests = labels(lazy.next(0, UNLIMITED))
    assert.ok(requests.length > 0)
    assert.deepEqual(requests, labels(eager.next(0, UNLIMITED)))
    assert.equal(lazy.nextWakeAt(0), eager.nextWakeAt(0))
    assert.deepEqual(lazy.stalled(), eager.stalled())
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
