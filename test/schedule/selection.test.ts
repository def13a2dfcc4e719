import assert from 'node:assert/strict'
import { describe, it } from 'node:test'

import {
  CHUNK,
  HQ,
  indexes,
  NO_WAN,
  origin,
  range,
  scheduler,
  UNLIMITED,
  type TestPeer,
} from './fixtures.ts'

describe('which chunks are asked for', () => {
  it('takes the rarest chunk first', () => {
    const s = scheduler({
      chunks: 3,
      options: { maxInFlight: 1 },
      peers: [
        { id: 'a', has: [0, 1, 2] },
        { id: 'b', has: [0, 1] },
        { id: 'c', has: [0] },
      ],
    })
    const order: number[] = []
    for (let now = 0; !s.isComplete(); now++) {
      const [request] = s.next(now, UNLIMITED)
      order.push(request.index)
      s.received(request.index, request.peerId, now + 1)
    }

    assert.deepEqual(order, [2, 1, 0])
  })

  it('breaks ties in an order of its own, so members start on different chunks', () => {
    const firsts = new Set<number>()
    for (const selfId of ['m0', 'm1', 'm2', 'm3', 'm4', 'm5']) {
      const s = scheduler({
        selfId,
        chunks: 64,
        options: { maxInFlight: 1 },
        peers: [{ id: 'seed', has: 'all' }],
      })
      firsts.add(s.next(0, UNLIMITED)[0].index)
    }

    assert.ok(firsts.size >= 4, `only ${firsts.size} distinct first chunks`)
  })

  it('never asks for a chunk it holds', () => {
    const s = scheduler({ chunks: 16, have: range(12), peers: [origin()] })

    assert.deepEqual(indexes(s.next(0, UNLIMITED)), [12, 13, 14, 15])
  })

  it('asks for nothing once complete, and says so', () => {
    const s = scheduler({ chunks: 4, have: range(4), peers: [origin()] })

    assert.equal(s.isComplete(), true)
    assert.deepEqual(s.next(0, UNLIMITED), [])
    assert.equal(s.nextWakeAt(0), Infinity)
  })

  it('reports chunks no usable peer holds as stalled, until one does', () => {
    const s = scheduler({ chunks: 4, peers: [{ id: 'a', has: [0, 1] }] })
    assert.deepEqual(s.stalled(), [2, 3])

    s.peerHas('a', 3, 1)

    assert.deepEqual(s.stalled(), [2])
  })
})

describe('in-flight limits', () => {
  const sitePeers = (n: number): TestPeer[] =>
    range(n).map((k) => ({ id: `p${k}`, has: 'all' as const }))
  const cases: { name: string; peers: TestPeer[]; options: object; total: number; most: number }[] =
    [
      {
        name: 'per peer',
        peers: sitePeers(1),
        options: { maxInFlightPerPeer: 4 },
        total: 4,
        most: 4,
      },
      {
        name: 'overall',
        peers: sitePeers(10),
        options: { maxInFlightPerPeer: 4, maxInFlight: 16 },
        total: 16,
        most: 4,
      },
      {
        name: 'to the origin, as to any peer',
        peers: [origin()],
        options: { maxInFlightPerPeer: 3 },
        total: 3,
        most: 3,
      },
    ]

  for (const c of cases) {
    it(`holds requests in flight within the limit ${c.name}`, () => {
      const s = scheduler({ chunks: 100, options: c.options, peers: c.peers })
      const requests = s.next(0, UNLIMITED)
      const perPeer = new Map<string, number>()
      for (const r of requests) perPeer.set(r.peerId, (perPeer.get(r.peerId) ?? 0) + 1)

      assert.equal(requests.length, c.total)
      assert.ok(Math.max(...perPeer.values()) <= c.most)
      assert.deepEqual(s.next(1, UNLIMITED), [])
    })
  }

  it('issues one more request when one reply frees one slot', () => {
    const s = scheduler({ chunks: 100, options: { maxInFlight: 16 }, peers: sitePeers(10) })
    const [first] = s.next(0, UNLIMITED)
    s.received(first.index, first.peerId, 5)

    assert.equal(s.next(5, UNLIMITED).length, 1)
  })
})

describe('WAN budget', () => {
  interface Case {
    name: string
    wanBytes: number
    lastChunkSize?: number
    wanRequests: number
    wanIndexes?: number[]
  }
  const cases: Case[] = [
    { name: 'no budget: site requests only', wanBytes: 0, wanRequests: 0 },
    { name: 'two and a half chunks: two WAN requests', wanBytes: 2.5 * CHUNK, wanRequests: 2 },
    {
      name: 'less than a chunk: only the short last chunk fits',
      wanBytes: 300,
      lastChunkSize: 300,
      wanRequests: 1,
      wanIndexes: [7],
    },
  ]

  for (const c of cases) {
    it(`is never exceeded (${c.name})`, () => {
      const s = scheduler({
        chunks: 8,
        lastChunkSize: c.lastChunkSize,
        options: { maxInFlight: 1_000 },
        peers: [origin(), { id: 'lan', has: [0, 1] }],
      })
      const requests = s.next(0, { wanBytes: c.wanBytes })
      const site = requests.filter((r) => r.source === 'site')
      const wan = requests.filter((r) => r.source !== 'site')

      assert.deepEqual(indexes(site), [0, 1])
      assert.equal(wan.length, c.wanRequests)
      if (c.wanIndexes !== undefined) assert.deepEqual(indexes(wan), c.wanIndexes)
      assert.ok(wan.reduce((sum, r) => sum + r.bytes, 0) <= c.wanBytes)
    })
  }

  it('spends the budget on WAN requests only', () => {
    const s = scheduler({
      chunks: 4,
      peers: [
        { id: 'far', site: HQ, has: 'all' },
        { id: 'lan', has: [0] },
      ],
    })

    assert.deepEqual(
      s.next(0, NO_WAN).map((r) => `${r.index}@${r.peerId}`),
      ['0@lan'],
    )
  })
})
