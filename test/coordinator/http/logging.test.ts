import assert from 'node:assert/strict'
import { describe, it } from 'node:test'

import { harness, OPENSSL } from './fixtures.ts'

describe('the HTTP log', () => {
  it('never holds the operator token, whatever the requests', async () => {
    const h = await harness({ requireTokenForReads: true })
    const app = h.http.app
    const patch = `/api/v1/patches/${OPENSSL.patchId}`
    const wrong = `Bearer ${h.token.slice(0, 32)}${'f'.repeat(32)}`
    try {
      await app.inject({ url: '/api/v1/patches', headers: h.auth })
      await app.inject({ url: '/api/v1/nodes', headers: { authorization: wrong } })
      await app.inject({ url: '/api/v1/nodes', headers: { authorization: h.token } })
      await app.inject({ url: `${patch}?token=${h.token}`, headers: h.auth })
      const ok = { method: 'POST' as const, headers: h.auth }
      await app.inject({ ...ok, url: `${patch}/approvals`, payload: { ring: 'canary' } })
      await app.inject({ ...ok, url: `${patch}/approvals`, payload: { ring: 'nope' } })
      await app.inject({ ...ok, url: `${patch}/approvals`, payload: { ring: h.token } })
      await app.inject({ ...ok, url: `${patch}/halt`, payload: { reason: 'bad' } })
      await app.inject({ ...ok, url: `${patch}/halt`, payload: { reason: 'again' } })
      await app.inject({ ...ok, url: '/api/v1/missing' })
    } finally {
      await h.close()
    }

    const log = h.logs.join('')
    // The capture works: every request left a line, and changes were logged by the service.
    assert.ok(h.logs.filter((l) => l.includes('"msg":"request"')).length >= 10)
    assert.match(log, /"msg":"approved"/)
    assert.match(log, /"msg":"halted"/)
    assert.equal(log.includes(h.token), false, 'the token appears in the log')
    assert.equal(log.includes(h.token.slice(0, 32)), false, 'part of the token appears in the log')
    assert.equal(/authorization/i.test(log), false, 'an Authorization header appears in the log')
  })

  it('logs a refused request with its route and status only', async () => {
    const h = await harness()
    try {
      await h.http.app.inject({
        method: 'POST',
        url: `/api/v1/patches/${OPENSSL.patchId}/halt`,
        headers: { authorization: 'Bearer wrong' },
      })
    } finally {
      await h.close()
    }

    const line = h.logs
      .map((l) => JSON.parse(l))
      .find((l) => l.msg === 'request' && l.status === 401)
    assert.deepEqual(
      { method: line.method, route: line.route, component: line.component },
      {
        method: 'POST',
        route: '/api/v1/patches/:patch/halt',
        component: 'patchmesh:coordinator:http',
      },
    )
  })
})
