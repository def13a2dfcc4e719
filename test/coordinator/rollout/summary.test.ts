import assert from 'node:assert/strict'
import { describe, it } from 'node:test'

import { summarize } from '../../../src/coordinator/rollout/index.ts'
import { MINUTE, populate, rollout, send, SIZE } from './fixtures.ts'

describe('rollout summaries', () => {
  it('counts nodes by state per ring, in ring order, then rings only nodes named', () => {
    const model = rollout()
    populate(model, 'pilot', { installed: 2, downloading: 1 }, 0)
    populate(model, 'canary', { installed: 3, failed: 1 }, 0)
    send(model, 'loose', 'announced', 0, { ring: '' })

    const { rings } = summarize(model)

    assert.deepEqual(
      rings.map((r) => [r.ring, r.nodes, r.byState.installed, r.byState.failed]),
      [
        ['canary', 4, 3, 1],
        ['pilot', 3, 2, 0],
        ['broad', 0, 0, 0],
        ['', 1, 0, 0],
      ],
    )
  })

  it('counts nodes by state per site, sorted by site', () => {
    const model = rollout()
    populate(model, 'canary', { installed: 2 }, 0, 'branch-9')
    populate(model, 'pilot', { installing: 1, installed: 1 }, 0, 'branch-1')

    const { sites } = summarize(model)

    assert.deepEqual(
      sites.map((s) => [s.site, s.nodes, s.byState.installing, s.installedShare]),
      [
        ['branch-1', 2, 1, 0.5],
        ['branch-9', 2, 0, 1],
      ],
    )
  })

  it("takes a ring's installed share of its enrolled nodes, as promotion does", () => {
    const model = rollout({ expectedNodes: { canary: 8 } })
    populate(model, 'canary', { installed: 2 }, 0)

    const [canary] = summarize(model).rings

    assert.deepEqual([canary.expectedNodes, canary.nodes, canary.installedShare], [8, 2, 0.25])
  })

  it('lists the most recent failures first, with counts by reason', () => {
    const model = rollout()
    send(model, 'a', 'failed', 1 * MINUTE, { reason: 'disk full' })
    send(model, 'b', 'failed', 3 * MINUTE, { reason: 'exit code 2' })
    send(model, 'c', 'failed', 2 * MINUTE, { reason: 'disk full' })

    const { failures } = summarize(model, { recentFailures: 2 }).total

    assert.equal(failures.count, 3)
    assert.deepEqual(failures.byReason, { 'disk full': 2, 'exit code 2': 1 })
    assert.deepEqual(
      failures.recent.map((f) => [f.nodeId, f.reason, f.atMs]),
      [
        ['b', 'exit code 2', 3 * MINUTE],
        ['c', 'disk full', 2 * MINUTE],
      ],
    )
  })

  it('lists nodes held up without failing, newest report first, per ring and site', () => {
    const model = rollout()
    send(model, 'n1', 'downloading', 0, { reason: 'disk full: /a' })
    send(model, 'n2', 'downloading', MINUTE, { reason: 'disk full: /b', site: 'branch-2' })
    send(model, 'n3', 'downloading', 2 * MINUTE)
    send(model, 'n4', 'failed', 3 * MINUTE, { reason: 'exit 3' })
    // Done, whatever its reason says: not held up.
    send(model, 'n5', 'installed', 4 * MINUTE, { reason: 'staged as /var/staged/p-1' })

    const { total, sites } = summarize(model)

    assert.equal(total.stalled.count, 2)
    assert.deepEqual(
      total.stalled.recent.map((n) => [n.nodeId, n.state, n.reason, n.atMs]),
      [
        ['n2', 'downloading', 'disk full: /b', MINUTE],
        ['n1', 'downloading', 'disk full: /a', 0],
      ],
    )
    assert.equal(total.failures.count, 1)
    assert.equal(sites.find((s) => s.site === 'branch-2')?.stalled.count, 1)
  })

  it('sums bytes by source and the WAN bytes saved against every node pulling from the origin', () => {
    const model = rollout()
    send(model, 'a', 'installed', 0, { site: 's1', bytesOrigin: SIZE })
    send(model, 'b', 'installed', 0, { site: 's1', bytesOwnSite: SIZE })
    send(model, 'c', 'downloaded', 0, { site: 's2', bytesOwnSite: 600, bytesOtherSites: 400 })

    const { total, sites } = summarize(model)

    assert.deepEqual(total.bytes, {
      ownSite: 1600,
      otherSites: 400,
      origin: SIZE,
      wan: 1400,
      savedWan: 3 * SIZE - 1400,
    })
    assert.deepEqual(
      sites.map((s) => [s.site, s.bytes.wan, s.bytes.savedWan]),
      [
        ['s1', SIZE, SIZE],
        ['s2', 400, 600],
      ],
    )
  })

  it('counts what a node still downloading has fetched, not the whole patch, as it would pull', () => {
    const model = rollout()
    send(model, 'a', 'downloading', 0, { bytesOwnSite: 200, bytesOrigin: 100 })

    assert.equal(summarize(model).total.bytes.savedWan, 200)
  })

  it('carries the approval, halt and automatic promotion of the rollout', () => {
    const model = rollout()
    const canary = model.approveRing('canary', { approvedAtMs: 0 })
    model.halt('operator halt', MINUTE)

    const summary = summarize(model)

    assert.equal(summary.rings[0].approval, canary)
    assert.deepEqual(summary.halted, { reason: 'operator halt', atMs: MINUTE, by: 'operator' })
    assert.equal(summary.autoPromote, true)
  })

  it('gives an installed share of 0 for a ring with no nodes', () => {
    assert.equal(summarize(rollout()).rings[2].installedShare, 0)
  })

  it('rejects a negative number of recent failures', () => {
    assert.throws(() => summarize(rollout(), { recentFailures: -1 }), {
      name: 'RolloutConfigError',
    })
  })
})
