import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'

import { fleet, harness, OPENSSL } from './fixtures.ts'
import type { Harness } from './fixtures.ts'

describe('GET /metrics', () => {
  let h: Harness
  before(async () => {
    h = await harness({ reports: fleet() })
  })
  after(() => h.close())

  it('answers the Prometheus text format', async () => {
    const res = await h.http.app.inject('/metrics')

    assert.equal(res.statusCode, 200)
    assert.match(res.headers['content-type'] as string, /^text\/plain; version=0\.0\.4/)
    assert.match(res.body, /^# HELP patchmesh_coordinator_approvals_total /m)
    assert.match(res.body, /^patchmesh_coordinator_patches\{status="active"\} 2$/m)
    assert.match(res.body, /^patchmesh_coordinator_nodes\{status="active"\} 5$/m)
  })

  it('counts an approval made through the API', async () => {
    const approved = await h.http.app.inject({
      method: 'POST',
      url: `/api/v1/patches/${OPENSSL.patchId}/approvals`,
      headers: h.auth,
      payload: { ring: 'canary' },
    })
    assert.equal(approved.statusCode, 201)

    const res = await h.http.app.inject('/metrics')

    assert.match(res.body, /^patchmesh_coordinator_approvals_total\{by="operator"\} 1$/m)
  })
})

describe('GET /api/v1/openapi.json', () => {
  let h: Harness
  let doc: any
  before(async () => {
    h = await harness()
    const res = await h.http.app.inject('/api/v1/openapi.json')
    assert.equal(res.statusCode, 200)
    doc = res.json()
  })
  after(() => h.close())

  it('is an OpenAPI 3.1 document', () => {
    assert.equal(doc.openapi, '3.1.0')
    assert.equal(doc.info.title, 'patchmesh coordinator')
  })

  it('lists every route of the API and no dashboard file', () => {
    const routes = Object.entries(doc.paths).flatMap(([path, ops]: [string, any]) =>
      Object.keys(ops).map((method) => `${method.toUpperCase()} ${path}`),
    )

    assert.deepEqual(routes.sort(), [
      'GET /api/v1/health',
      'GET /api/v1/nodes',
      'GET /api/v1/patches',
      'GET /api/v1/patches/{patch}',
      'GET /metrics',
      'POST /api/v1/patches/{patch}/approvals',
      'POST /api/v1/patches/{patch}/halt',
    ])
  })

  it('describes the approval body and the bearer token', () => {
    const approve = doc.paths['/api/v1/patches/{patch}/approvals'].post
    const body = approve.requestBody.content['application/json'].schema

    assert.deepEqual(Object.keys(body.properties).sort(), [
      'deadline',
      'group',
      'notBefore',
      'ring',
      'windows',
    ])
    assert.deepEqual(approve.security, [{ operatorToken: [] }])
    assert.equal(doc.components.securitySchemes.operatorToken.scheme, 'bearer')
    assert.ok(approve.responses['409'], 'documents the conflict answer')
  })
})
