import assert from 'node:assert/strict'
import { describe, it } from 'node:test'

import { HQ, indexes, labels, origin, scheduler, UNLIMITED } from './fixtures.ts'

const threeSeeds = [
  { id: 'a', has: 'all' as const },
  { id: 'b', has: 'all' as const },
  { id: 'c', has: 'all' as const },
]

describe('end game', () => {
  it('asks other site holders for the last chunks once all are in flight', () => {
    const s = scheduler({ chunks: 2, peers: threeSeeds })

    assert.deepEqual(labels(s.next(0, UNLIMITED)), ['0@a', '0@b', '0@c', '1@a', '1@b', '1@c'])
    assert.equal(s.progress().endGame, true)
    assert.equal(s.progress().duplicates, 4)
  })

  it('asks each chunk of at most endGameRequestsPerChunk peers', () => {
    const s = scheduler({ chunks: 2, options: { endGameRequestsPerChunk: 2 }, peers: threeSeeds })

    assert.deepEqual(indexes(s.next(0, UNLIMITED)), [0, 0, 1, 1])
  })

  it('does not duplicate while more chunks remain than the threshold', () => {
    const s = scheduler({ chunks: 9, options: { endGameChunks: 8 }, peers: threeSeeds })
    const requested = indexes(s.next(0, UNLIMITED))

    assert.deepEqual(requested, [...new Set(requested)])
    assert.equal(s.progress().endGame, false)
  })

  it('does not duplicate while a remaining chunk is not in flight', () => {
    // Chunk 1 is held by nobody: the download is not in its end game, just stuck.
    const s = scheduler({ chunks: 2, peers: threeSeeds.map((p) => ({ ...p, has: [0] })) })

    assert.equal(s.next(0, UNLIMITED).length, 1)
  })

  it('returns the other requests for a chunk to cancel when the first copy arrives', () => {
    const s = scheduler({ chunks: 1, peers: threeSeeds })
    const requests = s.next(0, UNLIMITED)
    const winner = requests[1].peerId

    const cancel = s.received(0, winner, 20)

    assert.deepEqual(labels(cancel), labels(requests.filter((r) => r.peerId !== winner)))
    assert.equal(s.progress().inFlight, 0)
    assert.equal(s.progress().cancelled, 2)
  })

  it('ignores a late copy of a chunk already received', () => {
    const s = scheduler({ chunks: 1, peers: threeSeeds })
    const [first, second] = s.next(0, UNLIMITED)
    s.received(0, first.peerId, 10)

    assert.deepEqual(s.received(0, second.peerId, 11), [])
    assert.equal(s.progress().have, 1)
  })

  it('never sends a second WAN request for a chunk already crossing the WAN', () => {
    const s = scheduler({ chunks: 1, peers: [origin(), { id: 'far', site: HQ, has: 'all' }] })

    assert.equal(s.next(0, UNLIMITED).length, 1)
  })

  const fallbackCases = [
    { name: 'in the end game', chunks: 1, expected: ['0@origin'] },
    { name: 'not before it', chunks: 20, expected: [] },
  ]
  for (const c of fallbackCases) {
    it(`turns to the WAN for a site chunk whose site holders are all paused ${c.name}`, () => {
      const s = scheduler({
        chunks: c.chunks,
        options: { endGameChunks: 8 },
        peers: [origin(), { id: 'lan', has: [0] }],
      })
      s.next(0, { wanBytes: 0 })
      s.failed(0, 'lan', 'timeout', 100)

      const again = s.next(100, UNLIMITED).filter((r) => r.index === 0)

      assert.deepEqual(labels(again), c.expected)
    })
  }
})
