import assert from 'node:assert/strict'
import { describe, it } from 'node:test'

import {
  Bitfield,
  createScheduler,
  DEFAULT_SCHEDULER_OPTIONS,
  type SchedulerInit,
} from '../../src/schedule/index.ts'
import { HQ, origin, scheduler } from './fixtures.ts'

const valid: SchedulerInit = {
  selfId: 'self',
  site: 'branch-7',
  chunkCount: 10,
  chunkSize: 1000,
  lastChunkSize: 500,
}

describe('scheduler configuration', () => {
  it('documents its defaults', () => {
    assert.deepEqual(
      {
        maxInFlightPerPeer: DEFAULT_SCHEDULER_OPTIONS.maxInFlightPerPeer,
        maxInFlight: DEFAULT_SCHEDULER_OPTIONS.maxInFlight,
        endGameChunks: DEFAULT_SCHEDULER_OPTIONS.endGameChunks,
        wanWaitMs: DEFAULT_SCHEDULER_OPTIONS.wanWaitMs,
        wanWaitChunkTimes: DEFAULT_SCHEDULER_OPTIONS.wanWaitChunkTimes,
        banAfterBadChunks: DEFAULT_SCHEDULER_OPTIONS.banAfterBadChunks,
      },
      {
        maxInFlightPerPeer: 4,
        maxInFlight: 16,
        endGameChunks: 8,
        wanWaitMs: 10_000,
        wanWaitChunkTimes: 2,
        banAfterBadChunks: 3,
      },
    )
  })

  const invalid: [string, Partial<SchedulerInit>][] = [
    ['an empty selfId', { selfId: '' }],
    ['no chunks', { chunkCount: 0 }],
    ['a fractional chunk count', { chunkCount: 2.5 }],
    ['a last chunk larger than the others', { lastChunkSize: 1001 }],
    ['an empty last chunk', { lastChunkSize: 0 }],
    ['a have bitfield of another length', { have: new Bitfield(11) }],
    ['no requests per peer', { options: { maxInFlightPerPeer: 0 } }],
    ['a negative WAN wait', { options: { wanWaitMs: -1 } }],
    ['a negative WAN wait in chunk times', { options: { wanWaitChunkTimes: -0.5 } }],
    ['an infinite WAN wait in chunk times', { options: { wanWaitChunkTimes: Infinity } }],
    ['an infinite back-off', { options: { maxBackoffMs: Infinity } }],
    ['a seed past 32 bits', { options: { seed: 2 ** 32 } }],
  ]
  for (const [name, change] of invalid) {
    it(`rejects ${name} with SchedulerConfigError`, () => {
      assert.throws(() => createScheduler({ ...valid, ...change }), {
        name: 'SchedulerConfigError',
      })
    })
  }

  it('starts from the chunks it already holds, and does not keep the caller’s bitfield', () => {
    const have = Bitfield.full(10)
    have.clear(4)
    const s = createScheduler({ ...valid, have })
    have.clear(5)

    assert.equal(s.progress().remaining, 1)
  })
})

describe('misuse by the caller', () => {
  const cases: [string, () => void, string][] = [
    ['an event for an unknown peer', () => scheduler().peerHas('ghost', 0, 0), 'UnknownPeerError'],
    [
      'a peer added twice',
      () => scheduler({ peers: [origin()] }).addPeer({ id: 'origin', site: HQ }),
      'DuplicatePeerError',
    ],
    [
      'a site member at another site',
      () => scheduler({ peers: [origin()] }).setSiteMember('origin', true, 0),
      'NotSitePeerError',
    ],
    [
      'a chunk index out of range',
      () => scheduler({ chunks: 4, peers: [origin()] }).peerHas('origin', 4, 0),
      'ChunkIndexError',
    ],
    [
      'a peer bitfield of the wrong length',
      () =>
        scheduler({ chunks: 4, peers: [origin()] }).setPeerBitfield('origin', new Bitfield(5), 0),
      'SchedulerConfigError',
    ],
    [
      'itself as a peer',
      () => scheduler({ selfId: 'me' }).addPeer({ id: 'me', site: HQ }),
      'SchedulerConfigError',
    ],
  ]
  for (const [name, act, error] of cases) {
    it(`throws ${error} for ${name}`, () => {
      assert.throws(act, { name: error })
    })
  }
})
