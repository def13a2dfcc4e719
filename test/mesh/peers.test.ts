import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { PeerDirectory } from '../../src/mesh/peers.ts'
import type { PeerDirectoryEvents, PeerState } from '../../src/mesh/peers.ts'
import { Bitfield } from '../../src/schedule/bitfield.ts'
import type { Have, Hello, Holding } from '../../src/wire/mesh.ts'

const P1 = '11'.repeat(16)
const P2 = '22'.repeat(16)

function holding(patchId: string, chunkCount: number, held: number[]): Holding {
  const field = new Bitfield(chunkCount)
  for (const i of held) field.set(i)

  return { patchId, chunkCount, bitfield: field.toBytes() as Uint8Array<ArrayBuffer> }
}

function hello(overrides: Partial<Hello> = {}): Hello {
  return {
    protocolVersion: 1,
    site: 'branch-17',
    role: 'node',
    ring: 'canary',
    groups: ['tills'],
    holdings: [],
    ...overrides,
  }
}

function have(patchId: string, chunkCount: number, indexes: number[]): Have {
  return { patchId, chunkCount, indexes }
}

/** A directory and every event it emitted, in order. */
function watched(): { dir: PeerDirectory; events: Array<[keyof PeerDirectoryEvents, unknown]> } {
  const dir = new PeerDirectory()
  const events: Array<[keyof PeerDirectoryEvents, unknown]> = []
  dir.on('peer', (state) => events.push(['peer', state.id]))
  dir.on('have', ({ peer, patchId, indexes }) =>
    events.push(['have', { peer: peer.id, patchId, indexes }]),
  )
  dir.on('gone', (id) => events.push(['gone', id]))

  return { dir, events }
}

const heldIn = (state: PeerState | undefined, patchId: string): number[] => {
  const field = state?.holdings.get(patchId)
  if (field === undefined) return []

  return Array.from({ length: field.length }, (_, i) => i).filter((i) => field.get(i))
}

describe('PeerDirectory hello', () => {
  it('records site, role, ring, groups and holdings, and emits peer', () => {
    const { dir, events } = watched()

    dir.hello('a', hello({ holdings: [holding(P1, 10, [0, 9])] }))

    const state = dir.get('a')
    assert.equal(state?.site, 'branch-17')
    assert.equal(state?.role, 'node')
    assert.equal(state?.ring, 'canary')
    assert.deepEqual(state?.groups, ['tills'])
    assert.deepEqual(heldIn(state, P1), [0, 9])
    assert.deepEqual(events, [['peer', 'a']])
  })

  it('replaces what it knew of a peer when the peer says hello again', () => {
    const { dir, events } = watched()
    dir.hello('a', hello({ holdings: [holding(P1, 10, [0])] }))

    dir.hello('a', hello({ site: 'branch-18', holdings: [holding(P2, 4, [3])] }))

    assert.equal(dir.get('a')?.site, 'branch-18')
    assert.equal(dir.get('a')?.holdings.has(P1), false)
    assert.deepEqual(heldIn(dir.get('a'), P2), [3])
    assert.deepEqual(
      dir.all().map((p) => p.id),
      ['a'],
    )
    assert.deepEqual(events, [
      ['peer', 'a'],
      ['peer', 'a'],
    ])
  })

  const malformed = [
    {
      what: 'a bitfield a byte short',
      bad: { patchId: P2, chunkCount: 16, bitfield: new Uint8Array(1) },
    },
    {
      what: 'a bitfield a byte long',
      bad: { patchId: P2, chunkCount: 8, bitfield: new Uint8Array(2) },
    },
    {
      what: 'a padding bit set past the chunk count',
      bad: { patchId: P2, chunkCount: 3, bitfield: Uint8Array.from([0b1000]) },
    },
  ]
  for (const { what, bad } of malformed) {
    it(`drops a holding with ${what} and keeps the peer's other holdings`, () => {
      const { dir, events } = watched()

      dir.hello('a', hello({ holdings: [holding(P1, 10, [2]), bad] }))

      assert.deepEqual(heldIn(dir.get('a'), P1), [2])
      assert.equal(dir.get('a')?.holdings.has(P2), false)
      assert.deepEqual(events, [['peer', 'a']])
    })
  }
})

describe('PeerDirectory have', () => {
  it('marks the chunks a peer now holds and emits only the newly held ones', () => {
    const { dir, events } = watched()
    dir.hello('a', hello({ holdings: [holding(P1, 10, [1])] }))

    dir.have('a', have(P1, 10, [1, 4, 4, 7]))

    assert.deepEqual(heldIn(dir.get('a'), P1), [1, 4, 7])
    assert.deepEqual(events.slice(1), [['have', { peer: 'a', patchId: P1, indexes: [4, 7] }]])
  })

  it('starts a holding for a patch the hello did not mention', () => {
    const { dir, events } = watched()
    dir.hello('a', hello())

    dir.have('a', have(P2, 5, [0]))

    assert.equal(dir.get('a')?.holdings.get(P2)?.length, 5)
    assert.deepEqual(heldIn(dir.get('a'), P2), [0])
    assert.deepEqual(events.slice(1), [['have', { peer: 'a', patchId: P2, indexes: [0] }]])
  })

  it('emits nothing for a have that only repeats chunks already known', () => {
    const { dir, events } = watched()
    dir.hello('a', hello({ holdings: [holding(P1, 10, [3, 5])] }))

    dir.have('a', have(P1, 10, [5, 3]))

    assert.deepEqual(events, [['peer', 'a']])
  })

  it('ignores indexes past the chunk count', () => {
    const { dir, events } = watched()
    dir.hello('a', hello({ holdings: [holding(P1, 10, [])] }))

    dir.have('a', have(P1, 10, [9, 10, 4096]))

    assert.deepEqual(heldIn(dir.get('a'), P1), [9])
    assert.deepEqual(events.slice(1), [['have', { peer: 'a', patchId: P1, indexes: [9] }]])
  })

  it('ignores a have from a peer that has not said hello', () => {
    const { dir, events } = watched()

    dir.have('stranger', have(P1, 10, [1, 2]))
    dir.hello('stranger', hello())

    assert.equal(dir.get('stranger')?.holdings.has(P1), false)
    assert.deepEqual(events, [['peer', 'stranger']])
  })
})

describe('PeerDirectory remove', () => {
  it('forgets a peer and emits gone once', () => {
    const { dir, events } = watched()
    dir.hello('a', hello())
    dir.hello('b', hello())

    dir.remove('a')
    dir.remove('a')

    assert.equal(dir.get('a'), undefined)
    assert.deepEqual(
      dir.all().map((p) => p.id),
      ['b'],
    )
    assert.deepEqual(events, [
      ['peer', 'a'],
      ['peer', 'b'],
      ['gone', 'a'],
    ])
  })

  it('emits nothing for a peer it never knew, and ignores its haves after it left', () => {
    const { dir, events } = watched()
    dir.hello('a', hello())
    dir.remove('a')

    dir.remove('never-seen')
    dir.have('a', have(P1, 10, [0]))

    assert.equal(dir.get('a'), undefined)
    assert.deepEqual(events, [
      ['peer', 'a'],
      ['gone', 'a'],
    ])
  })
})
