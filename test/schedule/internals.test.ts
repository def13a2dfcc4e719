import assert from 'node:assert/strict'
import { describe, it } from 'node:test'

import fc from 'fast-check'

import { DONE, PickOrder } from '../../src/schedule/pick-order.ts'
import { greedyOwners, memberIds, rendezvousOrder, SplitView } from './split-reference.ts'

describe('SiteSplit', () => {
  const CHUNKS = 40
  const SEED = 7
  const IDS = memberIds(8)

  /** Chunk i's fallback order as every member must see it: the owner, then by rendezvous. */
  function fallbackOrder(members: readonly string[], owner: string, i: number): string[] {
    return [owner, ...rendezvousOrder(members, i, SEED).filter((id) => id !== owner)]
  }

  /** Checks one member's view against the split computed from scratch for `members`. */
  function check(view: SplitView, members: readonly string[]): void {
    const owners = greedyOwners(members, CHUNKS, SEED)

    for (let i = 0; i < CHUNKS; i++) {
      const order = fallbackOrder(members, owners[i], i)
      const others = order.filter((id) => id !== view.selfId)
      const seen = view.order(i)

      assert.equal(seen.owner, owners[i], `owner of ${i}`)
      assert.equal(view.split.selfRank[i], order.indexOf(view.selfId) + 1, `rank for ${i}`)
      assert.equal(seen.first, others[0], `first other for ${i}`)
      assert.equal(seen.second, others[1], `second other for ${i}`)
    }
  }

  it('gives every member the same owners and fallback orders, whatever order it learns in', () => {
    const steps = fc.array(fc.record({ who: fc.nat(7), join: fc.boolean(), refresh: fc.boolean() }))

    fc.assert(
      fc.property(fc.nat(7), steps, (self, ops) => {
        const view = new SplitView(IDS[self], CHUNKS, SEED)
        const members = new Set([IDS[self]])

        for (const { who, join, refresh } of ops) {
          const id = IDS[who]
          if (id === IDS[self]) continue
          if (join && !members.has(id)) view.join(id)
          if (!join && members.has(id)) view.leave(id)
          if (join) members.add(id)
          else members.delete(id)
          if (refresh) view.refresh()
        }
        view.refresh()

        check(view, [...members])
      }),
      { numRuns: 80 },
    )
  })

  it('gives every member the same owners whichever order each learns the others in', () => {
    const orders = (self: string) => {
      const others = IDS.filter((id) => id !== self)
      const k = IDS.indexOf(self)

      return [...others.slice(k), ...others.slice(0, k)].reverse()
    }
    const owners = IDS.map((self) => {
      const view = new SplitView(self, CHUNKS, SEED)
      for (const id of orders(self)) view.join(id)
      view.refresh()

      return view.owners()
    })

    for (const seen of owners) assert.deepEqual(seen, owners[0])
  })

  it('recomputes on refresh only, once for many joins', () => {
    const view = new SplitView(IDS[0], CHUNKS, SEED)
    for (const id of IDS.slice(1)) view.join(id)

    assert.equal(view.split.stale, true)
    assert.deepEqual([...view.split.selfRank], new Array<number>(CHUNKS).fill(1))
    view.refresh()
    assert.equal(view.split.stale, false)
    check(view, IDS)
  })

  it('reports the chunks whose first other member changed, by peer', () => {
    const view = new SplitView(IDS[0], CHUNKS, SEED)
    for (const id of IDS.slice(1)) view.join(id)
    view.refresh()
    const before = Array.from({ length: CHUNKS }, (_, i) => view.order(i).first)

    // The leaver's slot goes to the joiner, so a slot alone would hide the change.
    view.leave(IDS[3])
    view.join('late')
    const changed = view.refresh()
    const after = Array.from({ length: CHUNKS }, (_, i) => view.order(i).first)

    assert.deepEqual(
      changed,
      [...before.keys()].filter((i) => before[i] !== after[i]),
    )
    assert.ok(changed.length > 0)
  })
})

describe('PickOrder', () => {
  it('keeps every bucket a contiguous run, and positions exact, through any moves', () => {
    const moves = fc.array(fc.record({ index: fc.nat(29), to: fc.nat(DONE) }), { maxLength: 80 })

    fc.assert(
      fc.property(moves, fc.boolean(), (steps, rebuildHalfway) => {
        const order = new PickOrder(Uint32Array.from({ length: 30 }, (_, i) => (i * 7919) % 31))
        steps.forEach(({ index, to }, k) => {
          order.move(index, to)
          if (rebuildHalfway && k === steps.length >> 1) order.rebuild()
        })

        for (let p = 0; p < 30; p++) assert.equal(order.position[order.order[p]], p)
        for (let b = 0; b <= DONE; b++) {
          for (let p = order.start[b]; p < order.start[b + 1]; p++) {
            assert.equal(order.bucket[order.order[p]], b)
          }
        }
        assert.equal(order.start[DONE + 1], 30)
      }),
    )
  })

  it('keeps the relative order inside a bucket when rebuilt', () => {
    const order = new PickOrder(Uint32Array.from([5, 3, 9, 1, 7]))
    for (const i of [0, 2, 4]) order.bucket[i] = 2
    order.rebuild()

    assert.deepEqual([...order.order], [3, 1, 0, 4, 2])
  })
})
