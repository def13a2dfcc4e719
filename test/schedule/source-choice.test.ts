import assert from 'node:assert/strict'
import { describe, it } from 'node:test'

import { labels, origin, scheduler, UNLIMITED, type TestPeer } from './fixtures.ts'

interface Case {
  name: string
  peers: TestPeer[]
  speeds?: Record<string, number>
  expected: { peerId: string; source: string }
}

const cases: Case[] = [
  {
    name: 'a site peer rather than the origin',
    peers: [origin(), { id: 'lan', has: [0] }],
    expected: { peerId: 'lan', source: 'site' },
  },
  {
    name: 'a site peer rather than a faster peer at another site',
    peers: [
      { id: 'far', site: 'branch-9', has: [0] },
      { id: 'lan', has: [0] },
    ],
    speeds: { far: 1e9, lan: 1e3 },
    expected: { peerId: 'lan', source: 'site' },
  },
  {
    name: 'a non-member site peer (a seed) like any site peer',
    peers: [origin(), { id: 'seed', has: 'all', member: false }],
    expected: { peerId: 'seed', source: 'site' },
  },
  {
    name: 'the origin when only the origin holds it',
    peers: [origin()],
    expected: { peerId: 'origin', source: 'origin' },
  },
  {
    name: 'the origin rather than an unmeasured peer at another site',
    peers: [{ id: 'far', site: 'branch-9', has: 'all' }, origin()],
    expected: { peerId: 'origin', source: 'origin' },
  },
  {
    name: 'a peer at another site measured faster than the origin',
    peers: [origin(), { id: 'far', site: 'branch-9', has: 'all' }],
    speeds: { origin: 1e6, far: 8e6 },
    expected: { peerId: 'far', source: 'wan' },
  },
  {
    name: 'an origin at our own site as a site peer',
    peers: [{ id: 'origin', site: 'branch-7', origin: true, has: 'all' }],
    expected: { peerId: 'origin', source: 'site' },
  },
]

describe('choice of source for a chunk', () => {
  for (const c of cases) {
    it(`takes ${c.name}`, () => {
      const s = scheduler({ chunks: 1, peers: c.peers })
      for (const [id, speed] of Object.entries(c.speeds ?? {})) s.recordSpeed(id, speed)

      const [request, ...others] = s.next(0, UNLIMITED)

      assert.deepEqual(others, [])
      assert.deepEqual({ peerId: request.peerId, source: request.source }, c.expected)
    })
  }

  it('spreads requests over site holders, least loaded first', () => {
    const s = scheduler({
      chunks: 6,
      options: { maxInFlightPerPeer: 4, endGameChunks: 0 },
      peers: [origin(), { id: 'a', has: 'all' }, { id: 'b', has: 'all' }, { id: 'c', has: 'all' }],
    })
    const perPeer = count(s.next(0, UNLIMITED).map((r) => r.peerId))

    assert.deepEqual(perPeer, { a: 2, b: 2, c: 2 })
  })

  it('prefers the faster of two site holders', () => {
    const s = scheduler({
      chunks: 1,
      options: { endGameChunks: 0 },
      peers: [
        { id: 'slow', has: [0] },
        { id: 'fast', has: [0] },
      ],
    })
    s.recordSpeed('slow', 5e6)
    s.recordSpeed('fast', 50e6)

    assert.deepEqual(labels(s.next(0, UNLIMITED)), ['0@fast'])
  })

  it('learns speeds from reply times', () => {
    const s = scheduler({
      chunks: 3,
      options: { maxInFlight: 2, endGameChunks: 0 },
      peers: [
        { id: 'a', has: 'all' },
        { id: 'b', has: 'all' },
      ],
    })
    const first = s.next(0, UNLIMITED)
    assert.deepEqual(first.map((r) => r.peerId).sort(), ['a', 'b'])
    for (const r of first) s.received(r.index, r.peerId, r.peerId === 'a' ? 10 : 10_000)

    assert.deepEqual(
      s.next(10_000, UNLIMITED).map((r) => r.peerId),
      ['a'],
    )
  })
})

describe('progress counters', () => {
  it('count requests and bytes by source, and received chunks', () => {
    const s = scheduler({
      chunks: 4,
      lastChunkSize: 250,
      options: { endGameChunks: 0 },
      peers: [origin(), { id: 'lan', has: [0, 1] }],
    })
    const requests = s.next(0, UNLIMITED)
    for (const r of requests) s.received(r.index, r.peerId, 10)
    const progress = s.progress()

    assert.deepEqual(progress.requested, { site: 2, wan: 0, origin: 2 })
    assert.deepEqual(progress.requestedBytes, { site: 2000, wan: 0, origin: 1250 })
    assert.deepEqual(progress.received, { site: 2, wan: 0, origin: 2 })
    assert.equal(progress.remaining, 0)
  })
})

function count(values: string[]): Record<string, number> {
  const counts: Record<string, number> = {}
  for (const v of values) counts[v] = (counts[v] ?? 0) + 1

  return counts
}

describe('request slots across the WAN', () => {
  // Half the slots at most go to the WAN, so slow WAN transfers leave room for site chunks.
  const cases: { name: string; maxInFlight: number; site: number[]; wan: number; lan: number }[] = [
    { name: 'only the origin holds chunks', maxInFlight: 16, site: [], wan: 8, lan: 0 },
    { name: 'an odd slot count', maxInFlight: 5, site: [], wan: 3, lan: 0 },
    { name: 'a site peer holds some', maxInFlight: 16, site: [0, 1, 2, 3], wan: 8, lan: 4 },
  ]

  for (const { name, maxInFlight, site, wan, lan } of cases) {
    it(`sends at most ${wan} WAN requests when ${name}`, () => {
      const s = scheduler({
        chunks: 32,
        options: { maxInFlight, maxInFlightPerPeer: 32 },
        peers: [origin(), { id: 'lan', has: site }],
      })
      const sources = s.next(0, UNLIMITED).map((r) => r.source)

      assert.equal(sources.filter((x) => x !== 'site').length, wan)
      assert.equal(sources.filter((x) => x === 'site').length, lan)
    })
  }
})
