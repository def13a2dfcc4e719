import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { installFailure, nodeCounters, transferSeconds } from '../../../simulations/netns/result.ts'

const at = (s: number) => new Date(Date.UTC(2026, 0, 1, 0, 0, s)).toISOString()

const events = [
  { event: 'chunk_received', time: at(2), source: 'origin', bytes: 10 },
  { event: 'chunk_served', time: at(3), bytes: 10, sameSite: true },
  { event: 'chunk_served', time: at(3), bytes: 10, sameSite: false },
  {
    event: 'patch_complete',
    time: at(7),
    sha256: 'ab',
    bytes: { site: 30, wan: 20, origin: 10 },
  },
  { event: 'patch_installed', time: at(8), reason: 'approved' },
]

describe("a node's own counters", () => {
  it('count bytes from other sites and the origin in, and served to other sites out', () => {
    const counters = nodeCounters(events)

    assert.equal(counters.installed, true)
    assert.equal(counters.sha256, 'ab')
    assert.equal(counters.wanBytesIn, 30)
    assert.equal(counters.wanBytesOut, 10)
  })

  it('time the transfer from the first chunk in the fleet to the last node complete', () => {
    const early = nodeCounters([{ event: 'chunk_received', time: at(1) }, ...events.slice(1)])

    assert.equal(transferSeconds([early, nodeCounters(events)]), 6)
    assert.equal(transferSeconds([nodeCounters([])]), 0)
  })

  it('name the first failed install', () => {
    assert.equal(installFailure(events), undefined)
    assert.equal(
      installFailure([...events, { event: 'install_failed', reason: 'exit 3' }]),
      'install_failed: exit 3',
    )
  })
})
