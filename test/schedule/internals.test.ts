import assert from 'node:assert/strict'
import { describe, it } from 'node:test'

import fc from 'fast-check'

import { Bitfield } from '../../src/schedule/bitfield.ts'
import { chunkHash, hashString, rendezvousWeight } from '../../src/schedule/hash.ts'
import { PeerTable, type PeerState } from '../../src/schedule/peers.ts'
import { DONE, PickOrder } from '../../src/schedule/pick-order.ts'
import { SiteSplit } from '../../src/schedule/site-split.ts'

describe('SiteSplit', () => {
  const CHUNKS = 40
  const SEED = 7

  /** Ranks by sorting every member's weight: what the incremental split must agree with. */
  function naive(members: string[], self: string, i: number): string[] {
    const key = chunkHash(i, SEED)

    return [...members, self]
      .map((id) => ({ id, w: rendezvousWeight(hashString(id), key) }))
      .sort((a, b) => b.w - a.w || (a.id < b.id ? 1 : -1))
      .map((m) => m.id)
  }

  it('keeps the same ranks as a from-scratch ranking through joins and leaves', () => {
    const ops = fc.array(fc.record({ who: fc.nat(7), join: fc.boolean() }), { maxLength: 30 })

    fc.assert(
      fc.property(ops, (steps) => {
        const peers = new PeerTable()
        const split = new SiteSplit('self', SEED, peers, CHUNKS)
        const none = new Bitfield(CHUNKS)
        const byId = new Map<string, PeerState>()
        for (let k = 0; k < 8; k++) {
          const id = `member-${k}`
          byId.set(id, peers.add({ id, site: 's' }, 's', CHUNKS, 4))
        }
        const members = new Set<string>()

        for (const { who, join } of steps) {
          const peer = byId.get(`member-${who}`) as PeerState
          if (join && !members.has(peer.id)) {
            members.add(peer.id)
            split.join(peer, none)
          } else if (!join && members.has(peer.id)) {
            members.delete(peer.id)
            split.leave(peer, none)
          }

          for (let i = 0; i < CHUNKS; i++) {
            const ranking = naive([...members], 'self', i)
            const others = ranking.filter((id) => id !== 'self')
            const slotId = (slot: number) => (slot < 0 ? undefined : peers.atSlot(slot).id)

            assert.equal(split.selfRank[i], ranking.indexOf('self') + 1)
            assert.equal(slotId(split.first[i]), others[0])
            assert.equal(slotId(split.second[i]), others[1])
          }
        }
      }),
      { numRuns: 60 },
    )
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
