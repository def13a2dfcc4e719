import assert from 'node:assert/strict'
import { describe, it } from 'node:test'

import type { ChunkScheduler, SchedulerOptions } from '../../src/schedule/index.ts'
import { indexes, labels, origin, range, scheduler, UNLIMITED } from './fixtures.ts'
import { memberId, runSiteFleet } from './site-fleet.ts'

/** A WAN chunk takes a minute: the origin is shared by the whole fleet. */
const SLOW = 60_000
const WAIT = 10_000
const CHUNKS = 24

describe('WAN fallback on a site where WAN chunks are slow', () => {
  const live: [string, { members: number; chunks: number; options?: SchedulerOptions }][] = [
    ['2 members, default limits', { members: 2, chunks: 32 }],
    ['5 members, default limits', { members: 5, chunks: 80 }],
    ['20 members, default limits', { members: 20, chunks: 160 }],
    [
      '4 members, 2 requests per peer',
      { members: 4, chunks: 48, options: { maxInFlightPerPeer: 2 } },
    ],
  ]
  for (const [name, spec] of live) {
    it(`pulls every chunk over the WAN once when WAN chunks take 60 s (${name})`, () => {
      const result = runSiteFleet({
        ...spec,
        options: { wanWaitMs: WAIT, ...spec.options },
        wanMs: SLOW,
        until: 3_600_000,
      })

      assert.deepEqual([...new Set(result.wanPulls)], [1])
    })
  }

  const silent: [string, number][] = [
    ['2 members', 2],
    ['6 members', 6],
  ]
  for (const [name, members] of silent) {
    it(`still takes over a hung member when WAN chunks take 60 s (${name})`, () => {
      const spec = {
        members,
        chunks: 12 * members,
        options: { wanWaitMs: WAIT },
        wanMs: SLOW,
        until: 3_600_000,
      }
      const live = runSiteFleet(spec)
      const result = runSiteFleet({ ...spec, silent: [memberId(1)] })

      assert.deepEqual([...new Set(result.wanPulls)], [1])
      assert.equal(result.wanByMember.get(memberId(1)), 0)
      // Late by at most the wait (two chunk times) and the hung share pulled 4 at a time.
      const share = live.wanByMember.get(memberId(1)) ?? 0
      const bound = live.finishedAt + (2 + Math.ceil(share / 4)) * SLOW
      assert.ok(result.finishedAt <= bound, `finished at ${result.finishedAt}, bound ${bound}`)
    })
  }

  /**
   * Self and member m1 at one site, the origin holding everything. Self pulls its whole share at
   * 0 and gets it back `SLOW` later, so it has seen that a WAN chunk takes a minute.
   */
  function slowSite(options: SchedulerOptions = {}): { s: ChunkScheduler; theirs: number[] } {
    const s = scheduler({
      chunks: CHUNKS,
      options: { wanWaitMs: WAIT, maxInFlightPerPeer: CHUNKS, maxInFlight: CHUNKS, ...options },
      peers: [origin(), { id: 'm1', member: true }],
    })
    const own = s.next(0, UNLIMITED)
    for (const r of own) s.received(r.index, r.peerId, SLOW)
    const mine = indexes(own)

    return { s, theirs: range(CHUNKS).filter((i) => !mine.includes(i)) }
  }

  it('leaves a member its share while it delivers within twice the chunk time it observes', () => {
    const { s, theirs } = slowSite()
    // m1 brings one chunk in a minute after its start, another two minutes later.
    s.peerHas('m1', theirs[0], SLOW)
    assert.deepEqual(indexes(s.next(SLOW, UNLIMITED)), [theirs[0]])
    assert.deepEqual(s.next(SLOW + WAIT, UNLIMITED), [])
    assert.deepEqual(s.next(3 * SLOW - 1, UNLIMITED), [])
    s.peerHas('m1', theirs[1], 3 * SLOW - 1)
    assert.deepEqual(indexes(s.next(3 * SLOW - 1, UNLIMITED)), [theirs[1]])

    assert.deepEqual(s.next(5 * SLOW - 2, UNLIMITED), [])
    assert.equal(s.nextWakeAt(5 * SLOW - 2), 5 * SLOW - 1)
  })

  it('takes over a member that stops delivering two observed chunk times after its last chunk', () => {
    const { s, theirs } = slowSite()
    s.peerHas('m1', theirs[0], SLOW)
    s.next(SLOW, UNLIMITED)

    assert.deepEqual(s.next(3 * SLOW - 1, UNLIMITED), [])
    assert.equal(s.nextWakeAt(3 * SLOW - 1), 3 * SLOW)
    assert.deepEqual(indexes(s.next(3 * SLOW, UNLIMITED)), theirs.slice(1))
  })

  it('takes over after wanWaitMs alone when the scaling is off (wanWaitChunkTimes 0)', () => {
    const { s, theirs } = slowSite({ wanWaitChunkTimes: 0 })
    s.peerHas('m1', theirs[0], SLOW)
    s.next(SLOW, UNLIMITED)

    assert.deepEqual(s.next(SLOW + WAIT - 1, UNLIMITED), [])
    assert.deepEqual(indexes(s.next(SLOW + WAIT, UNLIMITED)), theirs.slice(1))
  })

  it('moves the share at once when a member leaves, however slow WAN chunks are', () => {
    const { s, theirs } = slowSite()
    s.removePeer('m1', SLOW + 5)

    assert.deepEqual(indexes(s.next(SLOW + 5, UNLIMITED)), theirs)
  })

  it('shortens the wait again when its WAN chunks get faster', () => {
    // m1 delivers nothing. Self's share took a minute (a wait of two minutes from 0), then one
    // chunk of it is pulled again in 1 s: the wait shrinks, and the wake-up comes before 120 s.
    const s = scheduler({
      chunks: CHUNKS,
      options: { wanWaitMs: WAIT, maxInFlightPerPeer: CHUNKS, maxInFlight: CHUNKS },
      peers: [origin(), { id: 'm1', member: true }],
    })
    const own = s.next(0, UNLIMITED)
    const again = own[0].index
    const theirs = range(CHUNKS).filter((i) => !indexes(own).includes(i))
    for (const r of own) if (r.index !== again) s.received(r.index, r.peerId, SLOW)
    s.failed(again, 'origin', 'local', SLOW)
    assert.deepEqual(indexes(s.next(SLOW, UNLIMITED)), [again])
    assert.equal(s.nextWakeAt(SLOW), 2 * SLOW)
    s.received(again, 'origin', SLOW + 1_000)

    assert.deepEqual(s.next(SLOW + 1_000, UNLIMITED), [])
    const at = s.nextWakeAt(SLOW + 1_000)

    assert.ok(at > SLOW + 1_000 && at < 2 * SLOW, `takes over at ${at}`)
    assert.deepEqual(s.next(at - 1, UNLIMITED), [])
    assert.deepEqual(indexes(s.next(at, UNLIMITED)), theirs)
  })

  it('keeps pulling its own WAN share ahead of chunks it took over', () => {
    // Two WAN requests at a time and a fixed wait (no scaling), so the claims made at the wait
    // stand: once slots free, self still goes on with its own share first.
    const options = { wanWaitMs: WAIT, wanWaitChunkTimes: 0, maxInFlightPerPeer: 2 }
    const peers = [origin(), { id: 'm1', member: true }]
    const all = scheduler({
      chunks: CHUNKS,
      options: { ...options, maxInFlightPerPeer: CHUNKS, maxInFlight: CHUNKS },
      peers,
    })
    const mine = indexes(all.next(0, UNLIMITED))
    assert.ok(mine.length > 4, `own share ${mine.length}`)

    const s = scheduler({ chunks: CHUNKS, options, peers })
    const first = s.next(0, UNLIMITED)
    assert.deepEqual(s.next(WAIT, UNLIMITED), [])
    for (const r of first) s.received(r.index, r.peerId, 40_000)
    const second = s.next(40_000, UNLIMITED)

    assert.equal(second.length, 2)
    for (const r of [...first, ...second]) assert.ok(mine.includes(r.index), `pulled ${r.index}`)
  })

  it('gives a claimed chunk back when its member delivers before a WAN slot frees', () => {
    // A fixed wait of 10 s: self claims m1's share at 10 s while its own share fills its slots to
    // the origin; m1 brings a chunk in at 30 s, so when the slots free at 35 s m1 counts as alive
    // again (until 40 s) and none of its share is pulled.
    const options = { wanWaitMs: WAIT, wanWaitChunkTimes: 0, maxInFlight: CHUNKS }
    const peers = [origin(), { id: 'm1', member: true }]
    const all = scheduler({
      chunks: CHUNKS,
      options: { ...options, maxInFlightPerPeer: CHUNKS },
      peers,
    })
    const mine = indexes(all.next(0, UNLIMITED))
    const theirs = range(CHUNKS).filter((i) => !mine.includes(i))

    const s = scheduler({
      chunks: CHUNKS,
      options: { ...options, maxInFlightPerPeer: mine.length },
      peers,
    })
    const own = s.next(0, UNLIMITED)
    assert.deepEqual(indexes(own), mine)
    assert.deepEqual(s.next(WAIT, UNLIMITED), [])
    s.peerHas('m1', theirs[0], 30_000)
    assert.deepEqual(labels(s.next(30_000, UNLIMITED)), [`${theirs[0]}@m1`])
    for (const r of own) s.received(r.index, r.peerId, 35_000)

    assert.deepEqual(s.next(35_000, UNLIMITED), [])
    assert.equal(s.nextWakeAt(35_000), 40_000)
    const takeover = indexes(s.next(40_000, UNLIMITED))
    assert.equal(takeover.length, Math.min(mine.length, theirs.length - 1))
    for (const i of takeover) assert.ok(theirs.slice(1).includes(i), `pulled ${i}`)
  })
})
