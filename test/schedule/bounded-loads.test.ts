import assert from 'node:assert/strict'
import { describe, it } from 'node:test'

import { assignOwners, shareCap } from '../../src/schedule/bounded-loads.ts'
import { hashString } from '../../src/schedule/hash.ts'
import { greedyOwners, loads, memberIds, rendezvousOrder } from './split-reference.ts'

const SEED = 7

/** Owners by src/schedule's split, as ids; `cap` as assignOwners takes it. */
function ownersOf(ids: readonly string[], chunks: number, cap?: number): string[] {
  const sorted = [...ids].sort()
  const hashes = Uint32Array.from(sorted, (id) => hashString(id))

  return Array.from(assignOwners(hashes, chunks, SEED, cap), (m) => sorted[m])
}

/** Whether chunk `index` ranks member `a` above member `b`. */
function prefers(ids: readonly string[], index: number, a: string, b: string): boolean {
  const order = rendezvousOrder(ids, index, SEED)

  return order.indexOf(a) < order.indexOf(b)
}

const SIZES = [
  { chunks: 256, members: 12 },
  { chunks: 1024, members: 20 },
  { chunks: 1024, members: 50 },
  { chunks: 100, members: 7 },
  { chunks: 24, members: 3 },
  { chunks: 1000, members: 3 },
  { chunks: 64, members: 64 },
  { chunks: 5, members: 8 },
  { chunks: 1, members: 1 },
]

describe('the bounded-load split', () => {
  for (const { chunks, members } of SIZES) {
    const cap = shareCap(chunks, members)

    it(`gives no member more than ${cap} of ${chunks} chunks over ${members} members`, () => {
      const owners = ownersOf(memberIds(members), chunks)

      assert.equal(owners.length, chunks)
      assert.ok(owners.every((id) => id !== undefined))
      for (const [id, load] of loads(owners)) assert.ok(load <= cap, `${id} owns ${load}`)
    })

    it(`is the greedy over all pairs, heaviest first, for ${chunks} chunks, ${members} members`, () => {
      const ids = memberIds(members)

      assert.deepEqual(ownersOf(ids, chunks), greedyOwners(ids, chunks, SEED))
    })
  }

  it('gives a chunk the first member of its rendezvous order that has room', () => {
    for (const { chunks, members } of SIZES) {
      const ids = memberIds(members)
      const owners = ownersOf(ids, chunks)
      const load = loads(owners)

      owners.forEach((owner, i) => {
        for (const id of rendezvousOrder(ids, i, SEED)) {
          if (id === owner) break
          assert.equal(load.get(id), shareCap(chunks, members), `${id} passed over for ${i}`)
        }
      })
    }
  })

  it('is plain rendezvous hashing when no cap binds', () => {
    const ids = memberIds(12)
    const owners = ownersOf(ids, 256, 256)

    owners.forEach((owner, i) => assert.equal(owner, rendezvousOrder(ids, i, SEED)[0]))
  })

  it('evens out what plain rendezvous hashing does not: 256 chunks over 12 members', () => {
    const ids = memberIds(12)
    const plain = loads(ownersOf(ids, 256, 256))
    const bounded = loads(ownersOf(ids, 256))

    assert.ok(Math.max(...plain.values()) > 22, 'plain rendezvous is already even here')
    // A site is done when its largest share is; a smaller one only means a member idles sooner.
    assert.equal(Math.max(...bounded.values()), 22)
  })
})

describe('the bounded-load split under membership changes', () => {
  // Where a chunk that did not belong to the leaver (or go to the joiner) moves, a cap made it:
  // either a member it prefers was full under the old cap and has room under the new one, or the
  // owner it had is full under the new cap with chunks that member prefers.
  function checkMoves(
    ids: { before: readonly string[]; after: readonly string[] },
    chunks: number,
    changed: string,
  ): number {
    const before = ownersOf(ids.before, chunks)
    const after = ownersOf(ids.after, chunks)
    const capBefore = shareCap(chunks, ids.before.length)
    const capAfter = shareCap(chunks, ids.after.length)
    const loadBefore = loads(before)
    const loadAfter = loads(after)
    let extra = 0

    for (let i = 0; i < chunks; i++) {
      if (before[i] === after[i] || before[i] === changed || after[i] === changed) continue

      extra++
      const up = prefers(ids.after, i, after[i], before[i])
      if (up) assert.equal(loadBefore.get(after[i]), capBefore, `${i} moved up to room`)
      else assert.equal(loadAfter.get(before[i]), capAfter, `${i} moved down from room`)
    }

    return extra
  }

  const cases = [
    { chunks: 256, members: 12 },
    { chunks: 1024, members: 20 },
    { chunks: 100, members: 7 },
    { chunks: 24, members: 3 },
  ]

  for (const { chunks, members } of cases) {
    it(`moves a leaver's chunks and what the caps force: ${chunks} chunks, ${members} members`, () => {
      const ids = memberIds(members)
      const share = loads(ownersOf(ids, chunks))

      for (const leaver of ids) {
        const after = ids.filter((id) => id !== leaver)
        const extra = checkMoves({ before: ids, after }, chunks, leaver)

        assert.ok(extra <= (share.get(leaver) ?? 0), `${leaver} leaving moved ${extra} more`)
      }
    })

    it(`moves to a joiner its chunks and what the caps force: ${chunks} chunks, ${members} members`, () => {
      const ids = memberIds(members)

      for (const joiner of ['late-1', 'late-2', 'late-3']) {
        const after = [...ids, joiner]
        const extra = checkMoves({ before: ids, after }, chunks, joiner)

        assert.ok(extra <= shareCap(chunks, after.length), `${joiner} joining moved ${extra} more`)
      }
    })
  }

  it("hands a leaver's chunk to the next member of its order unless that one is full", () => {
    const ids = memberIds(12)
    const before = ownersOf(ids, 256)

    for (const leaver of ids) {
      const rest = ids.filter((id) => id !== leaver)
      const after = ownersOf(rest, 256)
      const load = loads(after)

      before.forEach((owner, i) => {
        if (owner !== leaver) return

        const next = rendezvousOrder(rest, i, SEED)[0]
        if (after[i] !== next) assert.equal(load.get(next), shareCap(256, 11), `${next} had room`)
      })
    }
  })
})
