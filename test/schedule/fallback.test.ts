import assert from 'node:assert/strict'
import { describe, it } from 'node:test'

import type { ChunkScheduler } from '../../src/schedule/index.ts'
import { indexes, origin, range, scheduler, UNLIMITED, type TestPeer } from './fixtures.ts'
import { greedyOwners } from './split-reference.ts'

const WAIT = 10_000
const CHUNKS = 24

/**
 * Self and `others` site members, the origin holding everything; every chunk fits in flight, in
 * the WAN's half of the slots too.
 */
function site(...others: string[]): ChunkScheduler {
  const members: TestPeer[] = others.map((id) => ({ id, member: true }))

  return scheduler({
    chunks: CHUNKS,
    options: { wanWaitMs: WAIT, maxInFlightPerPeer: CHUNKS, maxInFlight: 2 * CHUNKS },
    peers: [origin(), ...members],
  })
}

function rest(taken: readonly number[]): number[] {
  return range(CHUNKS).filter((i) => !taken.includes(i))
}

/** The chunks the split of `members` gives `id` (the scheduler's default seed is 0). */
function ownedBy(id: string, members: readonly string[]): number[] {
  return range(CHUNKS).filter((i) => greedyOwners(members, CHUNKS, 0)[i] === id)
}

describe('WAN fallback when the responsible member does not deliver', () => {
  it('pulls only its own share at first', () => {
    const s = site('m1')
    const own = indexes(s.next(0, UNLIMITED))

    assert.ok(own.length > 0 && own.length < CHUNKS, `own share ${own.length}`)
    assert.deepEqual(s.next(1, UNLIMITED), [])
  })

  it("takes over the responsible member's chunks once the WAN wait has passed, not before", () => {
    const s = site('m1')
    const own = indexes(s.next(0, UNLIMITED))

    assert.deepEqual(s.next(WAIT - 1, UNLIMITED), [])
    assert.equal(s.nextWakeAt(WAIT - 1), WAIT)
    assert.deepEqual(indexes(s.next(WAIT, UNLIMITED)), rest(own))
  })

  it('restarts the wait whenever the responsible member brings a chunk into the site', () => {
    const s = site('m1')
    const theirs = rest(indexes(s.next(0, UNLIMITED)))
    s.peerHas('m1', theirs[0], 6_000)
    assert.deepEqual(indexes(s.next(6_000, UNLIMITED)), [theirs[0]])

    assert.deepEqual(s.next(WAIT, UNLIMITED), [])
    assert.deepEqual(indexes(s.next(6_000 + WAIT, UNLIMITED)), theirs.slice(1))
  })

  it('lets the third-ranked member in only after two waits', () => {
    const s = site('m1', 'm2')
    const own = indexes(s.next(0, UNLIMITED))
    const second = indexes(s.next(WAIT, UNLIMITED))

    assert.ok(second.length > 0, 'no chunk ranks this node second')
    assert.deepEqual(s.next(2 * WAIT - 1, UNLIMITED), [])
    assert.deepEqual(indexes(s.next(2 * WAIT, UNLIMITED)), rest([...own, ...second]))
  })

  const leaving: [string, (s: ChunkScheduler, now: number) => void][] = [
    ['is removed', (s, now) => s.removePeer('m1', now)],
    ['stops being a site member', (s, now) => s.setSiteMember('m1', false, now)],
  ]
  for (const [how, leave] of leaving) {
    it(`moves the share at once when the responsible member ${how}`, () => {
      const s = site('m1')
      const own = indexes(s.next(0, UNLIMITED))
      leave(s, 5)

      assert.deepEqual(indexes(s.next(5, UNLIMITED)), rest(own))
    })
  }

  it('restarts the wait of chunks whose responsible member changed, and only theirs', () => {
    // m1 leaves: of its chunks, those the split of the two who stay gives this node come here at
    // once; those it gives m2 wait for m2 from the leave on, while m2's own chunks keep their clock.
    const s = site('m1', 'm2')
    const own = indexes(s.next(0, UNLIMITED))
    s.removePeer('m1', 5)
    const inherited = indexes(s.next(5, UNLIMITED))
    assert.deepEqual(s.next(WAIT - 1, UNLIMITED), [])
    const m2Own = indexes(s.next(WAIT, UNLIMITED))
    assert.deepEqual(s.next(5 + WAIT - 1, UNLIMITED), [])
    const m2Inherited = indexes(s.next(5 + WAIT, UNLIMITED))

    assert.ok(inherited.length > 0 && m2Own.length > 0 && m2Inherited.length > 0)
    assert.deepEqual(
      [...own, ...inherited, ...m2Own, ...m2Inherited].sort((a, b) => a - b),
      range(CHUNKS),
    )
  })

  it("hands a leaver's chunks on as the split of the members who stay says", () => {
    const s = site('m1', 'm2')
    const own = indexes(s.next(0, UNLIMITED))
    assert.deepEqual(own, ownedBy('self', ['self', 'm1', 'm2']))

    s.removePeer('m1', 5)
    const stay = ['self', 'm2']
    const inherited = indexes(s.next(5, UNLIMITED))
    assert.ok(inherited.length > 0)
    assert.deepEqual(
      inherited,
      rest(own).filter((i) => ownedBy('self', stay).includes(i)),
    )
    // The rest waits for m2, which the split gives all of it.
    for (const i of rest([...own, ...inherited])) assert.ok(ownedBy('m2', stay).includes(i), `${i}`)
    assert.deepEqual(s.next(WAIT - 1, UNLIMITED), [])
  })

  it('pulls a chunk over the WAN once its only site holder leaves, if responsible for it', () => {
    const s = scheduler({
      chunks: 1,
      options: { wanWaitMs: WAIT },
      peers: [origin(), { id: 'seed', has: [0] }],
    })
    assert.deepEqual(indexes(s.next(0, UNLIMITED)), [0])
    s.removePeer('seed', 3)

    assert.deepEqual(
      s.next(3, UNLIMITED).map((r) => r.source),
      ['origin'],
    )
  })
})
