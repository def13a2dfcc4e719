import assert from 'node:assert/strict'
import { describe, it } from 'node:test'

import type { ChunkScheduler } from '../../src/schedule/index.ts'
import { scheduler, UNLIMITED } from './fixtures.ts'

/** Two site peers holding all four chunks; two requests in flight at most, no end game. */
function twoSlots(): ChunkScheduler {
  return scheduler({
    chunks: 4,
    options: { maxInFlight: 2, endGameChunks: 0, backoffMs: 1_000, maxBackoffMs: 8_000 },
    peers: [
      { id: 'a', has: 'all' },
      { id: 'b', has: 'all' },
    ],
  })
}

describe('hasFreeSlot', () => {
  const cases: { name: string; steps: (s: ChunkScheduler) => void; free: boolean }[] = [
    { name: 'nothing requested yet', steps: () => {}, free: true },
    { name: 'every slot taken', steps: (s) => void s.next(0, UNLIMITED), free: false },
    {
      name: 'a reply freed a slot',
      steps: (s) => {
        const [first] = s.next(0, UNLIMITED)
        s.received(first.index, first.peerId, 10)
      },
      free: true,
    },
    {
      name: 'a failure freed a slot',
      steps: (s) => {
        const [first] = s.next(0, UNLIMITED)
        s.failed(first.index, first.peerId, 'timeout', 10)
      },
      free: true,
    },
    {
      name: 'the peer of a request left',
      steps: (s) => {
        const [first] = s.next(0, UNLIMITED)
        s.removePeer(first.peerId, 10)
      },
      free: true,
    },
    {
      name: 'the download is complete',
      steps: (s) => {
        for (let round = 0; round < 2; round++) {
          for (const r of s.next(round, UNLIMITED)) s.received(r.index, r.peerId, round + 1)
        }
      },
      free: false,
    },
  ]

  for (const { name, steps, free } of cases) {
    it(`is ${free} when ${name}`, () => {
      const s = twoSlots()
      steps(s)

      assert.equal(s.hasFreeSlot(), free)
      // The promise callers rely on: no free slot, no request.
      if (!free) assert.deepEqual(s.next(100, UNLIMITED), [])
    })
  }
})

describe('nextWakeAt with paused peers', () => {
  // Each timeout pauses its peer for backoffMs, doubled per failure in a row.
  const cases: { name: string; timeouts: [string, number][]; now: number; wake: number }[] = [
    { name: 'no peer was ever paused', timeouts: [], now: 0, wake: Infinity },
    { name: 'one peer paused', timeouts: [['a', 100]], now: 200, wake: 1_100 },
    { name: 'its pause is over', timeouts: [['a', 100]], now: 1_100, wake: Infinity },
    {
      name: 'two pauses, the earlier still running',
      timeouts: [
        ['a', 100],
        ['b', 300],
      ],
      now: 500,
      wake: 1_100,
    },
    {
      name: 'two pauses, the earlier over',
      timeouts: [
        ['a', 100],
        ['b', 300],
      ],
      now: 1_200,
      wake: 1_300,
    },
    {
      name: 'a second timeout in a row doubles the pause',
      timeouts: [
        ['a', 100],
        ['a', 1_200],
      ],
      now: 1_300,
      wake: 3_200,
    },
  ]

  for (const { name, timeouts, now, wake } of cases) {
    it(`is ${wake} when ${name}`, () => {
      // a holds chunks 0-3 and b 4-7: the first next() sends four requests to each.
      const s = scheduler({
        chunks: 8,
        options: { maxInFlight: 8, endGameChunks: 0, backoffMs: 1_000, maxBackoffMs: 8_000 },
        peers: [
          { id: 'a', has: [0, 1, 2, 3] },
          { id: 'b', has: [4, 5, 6, 7] },
        ],
      })
      const inFlight = new Map<string, number[]>()
      for (const r of s.next(0, UNLIMITED)) {
        inFlight.set(r.peerId, [...(inFlight.get(r.peerId) ?? []), r.index])
      }
      for (const [peer, at] of timeouts) {
        s.failed(inFlight.get(peer)?.shift() as number, peer, 'timeout', at)
      }

      assert.equal(s.nextWakeAt(now), wake)
    })
  }
})
