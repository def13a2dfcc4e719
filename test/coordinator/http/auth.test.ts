import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'

import { createCoordinatorHttp } from '../../../src/coordinator/http/index.ts'
import { createLogger } from '../../../src/log.ts'
import { harness, OPENSSL } from './fixtures.ts'
import type { Harness } from './fixtures.ts'

const APPROVE = `/api/v1/patches/${OPENSSL.patchId}/approvals`
const HALT = `/api/v1/patches/${OPENSSL.patchId}/halt`
const READS = ['/api/v1/patches', `/api/v1/patches/${OPENSSL.patchId}`, '/api/v1/nodes', '/metrics']
const ALWAYS_OPEN = ['/api/v1/health', '/api/v1/openapi.json', '/', '/dashboard.css']

describe('the operator token on changes', () => {
  let h: Harness
  before(async () => {
    h = await harness()
  })
  after(() => h.close())

  const refused: [string, (token: string) => Record<string, string>][] = [
    ['no Authorization header', () => ({})],
    ['a wrong token', () => ({ authorization: `Bearer ${'0'.repeat(64)}` })],
    ['the token less its first character', (t) => ({ authorization: `Bearer ${t.slice(1)}` })],
    ['the token and more', (t) => ({ authorization: `Bearer ${t}0` })],
    ['an empty Bearer', () => ({ authorization: 'Bearer ' })],
    ['the token without the Bearer scheme', (t) => ({ authorization: t })],
    ['the token under another scheme', (t) => ({ authorization: `Basic ${t}` })],
  ]
  for (const [name, headers] of refused) {
    for (const url of [APPROVE, HALT]) {
      it(`answers 401 to POST ${url.split('/').pop()} with ${name}`, async () => {
        const res = await h.http.app.inject({
          method: 'POST',
          url,
          headers: headers(h.token),
          payload: { ring: 'canary' },
        })

        assert.equal(res.statusCode, 401)
        assert.equal(res.json().error, 'UnauthorizedError')
        assert.equal(h.published.length, 0)
      })
    }
  }

  it('answers 401, not 400, to a bad body without the token', async () => {
    const res = await h.http.app.inject({
      method: 'POST',
      url: APPROVE,
      payload: { colour: 'red' },
    })

    assert.equal(res.statusCode, 401)
  })

  it('takes the token with any case of "bearer"', async () => {
    const res = await h.http.app.inject({
      method: 'POST',
      url: APPROVE,
      headers: { authorization: `bearer ${h.token}` },
      payload: { ring: 'canary' },
    })

    assert.equal(res.statusCode, 201)
  })

  for (const url of READS) {
    it(`serves GET ${url} without a token when reads are open`, async () => {
      assert.equal((await h.http.app.inject(url)).statusCode, 200)
    })
  }
})

describe('the operator token on reads, when reads need it', () => {
  let h: Harness
  before(async () => {
    h = await harness({ requireTokenForReads: true })
  })
  after(() => h.close())

  for (const url of READS) {
    it(`answers 401 to GET ${url} without the token`, async () => {
      const res = await h.http.app.inject(url)

      assert.equal(res.statusCode, 401)
      assert.equal(res.json().error, 'UnauthorizedError')
    })

    it(`answers 401 to GET ${url} with a wrong token`, async () => {
      const res = await h.http.app.inject({ url, headers: { authorization: 'Bearer nope' } })

      assert.equal(res.statusCode, 401)
    })

    it(`serves GET ${url} with the token`, async () => {
      assert.equal((await h.http.app.inject({ url, headers: h.auth })).statusCode, 200)
    })
  }

  for (const url of ALWAYS_OPEN) {
    it(`serves GET ${url} without a token`, async () => {
      assert.equal((await h.http.app.inject(url)).statusCode, 200)
    })
  }
})

describe('a token read on every request', () => {
  it('refuses the old token once the source returns a new one', async () => {
    const h = await harness()
    let current = 'a'.repeat(64)
    const http = await createCoordinatorHttp({
      service: h.service,
      token: () => current,
      log: createLogger({ level: 'silent' }),
    })
    const halt = (token: string) =>
      http.app.inject({ method: 'POST', url: HALT, headers: { authorization: `Bearer ${token}` } })
    try {
      current = 'b'.repeat(64)

      assert.equal((await halt('a'.repeat(64))).statusCode, 401)
      assert.equal((await halt('b'.repeat(64))).statusCode, 201)
    } finally {
      await http.close()
      await h.close()
    }
  })
})
