import assert from 'node:assert/strict'
import { describe, it } from 'node:test'

import fc from 'fast-check'

import type { FailureReason, ScheduledRequest } from '../../src/schedule/index.ts'
import { CHUNK, HQ, scheduler, SITE } from './fixtures.ts'

const LIMITS = { maxInFlightPerPeer: 2, maxInFlight: 5, endGameChunks: 3 }

interface PeerSpec {
  site: boolean
  origin: boolean
  member: boolean
  has: boolean[]
}

type Op =
  | { kind: 'next'; wanBytes: number }
  | { kind: 'reply'; pick: number; outcome: 'ok' | FailureReason }
  | { kind: 'have'; peer: number; index: number }
  | { kind: 'leave'; peer: number }
  | { kind: 'tick'; ms: number }

const reasons: FailureReason[] = ['timeout', 'bad-chunk', 'refused', 'not-found']

const scenario = fc.integer({ min: 1, max: 24 }).chain((chunks) =>
  fc.record({
    chunks: fc.constant(chunks),
    have: fc.array(fc.boolean(), { minLength: chunks, maxLength: chunks }),
    peers: fc.array(
      fc.record({
        site: fc.boolean(),
        origin: fc.boolean(),
        member: fc.boolean(),
        has: fc.array(fc.boolean(), { minLength: chunks, maxLength: chunks }),
      }),
      { maxLength: 6 },
    ),
    ops: fc.array(
      fc.oneof(
        fc.record({ kind: fc.constant('next' as const), wanBytes: fc.nat(4 * CHUNK) }),
        fc.record({
          kind: fc.constant('reply' as const),
          pick: fc.nat(),
          outcome: fc.constantFrom('ok' as const, ...reasons),
        }),
        fc.record({ kind: fc.constant('have' as const), peer: fc.nat(), index: fc.nat() }),
        fc.record({ kind: fc.constant('leave' as const), peer: fc.nat() }),
        fc.record({ kind: fc.constant('tick' as const), ms: fc.nat(15_000) }),
      ),
      { maxLength: 60 },
    ),
  }),
)

/** Runs a scenario, checking the scheduler's promises after every `next()`; returns all output. */
function play(spec: { chunks: number; have: boolean[]; peers: PeerSpec[]; ops: Op[] }): string[] {
  const ids = spec.peers.map((_, k) => `p${k}`)
  const held = spec.have.map((h, i) => (h ? i : -1)).filter((i) => i >= 0)
  const s = scheduler({ chunks: spec.chunks, have: held, options: LIMITS })
  const have = new Set(held)
  const holdings = spec.peers.map((p) => new Set(p.has.flatMap((h, i) => (h ? [i] : []))))
  const present = new Set(ids)
  const banned = new Set<string>()
  let inFlight: ScheduledRequest[] = []
  const out: string[] = []
  let now = 0

  spec.peers.forEach((p, k) => {
    s.addPeer({ id: ids[k], site: p.site ? SITE : HQ, isOrigin: p.origin })
    if (p.site && p.member) s.setSiteMember(ids[k], true, now)
    for (const i of holdings[k]) s.peerHas(ids[k], i, now)
  })

  for (const op of spec.ops) {
    if (op.kind === 'tick') now += op.ms
    else if (op.kind === 'have' && ids.length > 0) {
      const k = op.peer % ids.length
      const index = op.index % spec.chunks
      if (!present.has(ids[k])) continue
      holdings[k].add(index)
      s.peerHas(ids[k], index, now)
    } else if (op.kind === 'leave' && ids.length > 0) {
      const id = ids[op.peer % ids.length]
      present.delete(id)
      s.removePeer(id, now)
      inFlight = inFlight.filter((r) => r.peerId !== id)
    } else if (op.kind === 'reply' && inFlight.length > 0) {
      const r = inFlight[op.pick % inFlight.length]
      inFlight = inFlight.filter((q) => q !== r)
      if (op.outcome === 'ok') {
        const cancel = s.received(r.index, r.peerId, now)
        const others = inFlight.filter((q) => q.index === r.index)
        assert.deepEqual(cancel.map(key).sort(), others.map(key).sort())
        inFlight = inFlight.filter((q) => q.index !== r.index)
        have.add(r.index)
      } else {
        const action = s.failed(r.index, r.peerId, op.outcome, now)
        if (op.outcome === 'not-found') holdings[ids.indexOf(r.peerId)].delete(r.index)
        if (action === 'disconnect') {
          banned.add(r.peerId)
          inFlight = inFlight.filter((q) => q.peerId !== r.peerId)
        }
      }
      out.push(`${r.index}@${r.peerId}:${op.outcome}`)
    } else if (op.kind === 'next') {
      const requests = s.next(now, { wanBytes: op.wanBytes })
      check(requests, op.wanBytes)
      inFlight.push(...requests)
      out.push(...requests.map((r) => `${key(r)}:${r.source}`))
    }
  }

  return out

  function check(requests: readonly ScheduledRequest[], wanBytes: number): void {
    const remaining = spec.chunks - have.size
    const wan = requests.filter((r) => r.source !== 'site')
    assert.ok(wan.reduce((sum, r) => sum + r.bytes, 0) <= wanBytes, 'WAN budget exceeded')

    const all = [...inFlight, ...requests]
    assert.ok(all.length <= LIMITS.maxInFlight, 'overall limit exceeded')
    assert.equal(new Set(all.map(key)).size, all.length, 'same chunk asked twice of one peer')
    for (const id of ids) {
      const n = all.filter((r) => r.peerId === id).length
      assert.ok(n <= LIMITS.maxInFlightPerPeer, `limit exceeded for ${id}`)
    }

    for (const r of requests) {
      const k = ids.indexOf(r.peerId)
      assert.ok(!have.has(r.index), `asked for held chunk ${r.index}`)
      assert.ok(holdings[k].has(r.index), `${r.peerId} does not hold ${r.index}`)
      assert.ok(present.has(r.peerId) && !banned.has(r.peerId), `${r.peerId} is not usable`)
      if (remaining <= LIMITS.endGameChunks) continue

      assert.equal(all.filter((q) => q.index === r.index).length, 1, 'duplicate before end game')
      const siteHeld = ids.some(
        (id, j) =>
          spec.peers[j].site && present.has(id) && !banned.has(id) && holdings[j].has(r.index),
      )
      if (siteHeld) assert.equal(r.source, 'site', `site chunk ${r.index} over the WAN`)
    }
  }
}

function key(r: ScheduledRequest): string {
  return `${r.index}@${r.peerId}`
}

describe('scheduler invariants under random events', () => {
  it('keeps its promises: limits, budget, holders, no held chunk, site first', () => {
    fc.assert(
      fc.property(scenario, (spec) => {
        play(spec)
      }),
      { numRuns: 300 },
    )
  })

  it('gives the same output for the same events', () => {
    fc.assert(
      fc.property(scenario, (spec) => {
        assert.deepEqual(play(spec), play(spec))
      }),
      { numRuns: 100 },
    )
  })
})
