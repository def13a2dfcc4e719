import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'

import { CURL, fleet, harness, OPENSSL } from './fixtures.ts'
import type { Harness } from './fixtures.ts'

describe('the read routes', () => {
  let h: Harness
  before(async () => {
    h = await harness({ reports: fleet() })
  })
  after(() => h.close())

  const get = async (url: string) => {
    const res = await h.http.app.inject(url)
    return { status: res.statusCode, body: res.json(), headers: res.headers }
  }

  it('GET /api/v1/health answers ok with the counts', async () => {
    const { status, body } = await get('/api/v1/health')

    assert.equal(status, 200)
    assert.deepEqual(body, { ok: true, patches: 2, nodes: 5 })
  })

  it('GET /api/v1/patches lists every patch, most recently issued first', async () => {
    const { status, body } = await get('/api/v1/patches')

    assert.equal(status, 200)
    assert.deepEqual(
      body.patches.map((p: any) => p.patchId),
      [CURL.patchId, OPENSSL.patchId],
    )
    const openssl = body.patches[1]
    assert.equal(openssl.name, 'openssl')
    assert.equal(openssl.nodes, 5)
    assert.equal(openssl.installed, 3)
    assert.equal(openssl.failed, 1)
    assert.equal(openssl.halted, null)
    assert.deepEqual(
      openssl.rings.map((r: any) => [r.ring, r.nodes, r.installed, r.approved]),
      [
        ['canary', 3, 3, false],
        ['pilot', 1, 0, false],
        ['broad', 1, 0, false],
      ],
    )
  })

  it('GET /api/v1/patches/:patch shows the rollout by ring and by site with bytes by source', async () => {
    const { status, body } = await get(`/api/v1/patches/${OPENSSL.patchId}`)

    assert.equal(status, 200)
    assert.equal(body.patch.patchId, OPENSSL.patchId)
    assert.deepEqual(
      body.rollout.rings.map((r: any) => r.ring),
      ['canary', 'pilot', 'broad'],
    )
    const [leeds, york] = body.rollout.sites
    assert.equal(leeds.site, 'leeds')
    assert.equal(leeds.nodes, 3)
    assert.deepEqual(leeds.bytes, {
      ownSite: OPENSSL.size + 1024,
      otherSites: 0,
      origin: OPENSSL.size,
      wan: OPENSSL.size,
      // Two nodes hold the patch (2 x size) and one fetched 1 KiB; one size crossed the WAN.
      savedWan: 2 * OPENSSL.size + 1024 - OPENSSL.size,
    })
    assert.equal(york.site, 'york')
    assert.equal(york.byState.failed, 1)
    assert.equal(york.failures.recent[0].reason, 'exit code 2')
    assert.deepEqual(body.history, [])
  })

  it('GET /api/v1/patches/:patch takes name@version', async () => {
    const { status, body } = await get(`/api/v1/patches/${CURL.name}@${CURL.version}`)

    assert.equal(status, 200)
    assert.equal(body.patch.patchId, CURL.patchId)
    assert.equal(body.rollout.total.byState.downloaded, 1)
  })

  it('GET /api/v1/patches/:patch answers 404 UnknownPatchError for an unknown patch', async () => {
    const { status, body } = await get('/api/v1/patches/deadbeef')

    assert.equal(status, 404)
    assert.equal(body.error, 'UnknownPatchError')
    assert.match(body.message, /deadbeef/)
  })

  it('GET /api/v1/nodes lists nodes by site, then id, with their state per patch', async () => {
    const { status, body } = await get('/api/v1/nodes')

    assert.equal(status, 200)
    assert.deepEqual(
      body.nodes.map((n: any) => [n.nodeId, n.site, n.ring, n.active]),
      [
        ['leeds-1', 'leeds', 'canary', true],
        ['leeds-2', 'leeds', 'canary', true],
        ['leeds-3', 'leeds', 'pilot', true],
        ['york-1', 'york', 'canary', true],
        ['york-2', 'york', 'broad', true],
      ],
    )
    assert.deepEqual(body.nodes[3].patches, {
      [OPENSSL.patchId]: 'installed',
      [CURL.patchId]: 'downloaded',
    })
  })

  it('GET /api/v1/nodes says why a node failed or is held up, per patch', async () => {
    const { body } = await get('/api/v1/nodes')
    const reasons = Object.fromEntries(body.nodes.map((n: any) => [n.nodeId, n.reasons]))

    assert.deepEqual(reasons['york-2'], { [OPENSSL.patchId]: 'exit code 2' })
    assert.deepEqual(reasons['leeds-3'], { [OPENSSL.patchId]: 'disk full: /var/lib/patchmesh' })
    assert.deepEqual(reasons['leeds-1'], {})
  })

  it('answers 404 RouteNotFoundError for a path no route serves', async () => {
    const { status, body } = await get('/api/v1/nothing')

    assert.equal(status, 404)
    assert.equal(body.error, 'RouteNotFoundError')
  })

  it('answers reads with no-store and nosniff', async () => {
    const { headers } = await get('/api/v1/patches')

    assert.equal(headers['cache-control'], 'no-store')
    assert.equal(headers['x-content-type-options'], 'nosniff')
  })

  it('answers 414 for a patch reference longer than any name@version', async () => {
    const { status, body } = await get(`/api/v1/patches/${'x'.repeat(3000)}`)

    assert.equal(status, 414)
    assert.equal(typeof body.message, 'string')
  })
})
