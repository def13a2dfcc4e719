import assert from 'node:assert/strict'
import { afterEach, beforeEach, describe, it } from 'node:test'

import { checkRecord } from '../../../src/trust/index.ts'
import { harness, NOW, OPENSSL } from './fixtures.ts'
import type { Harness } from './fixtures.ts'

const url = (patch = OPENSSL.patchId) => `/api/v1/patches/${patch}/halt`

describe('POST /api/v1/patches/:patch/halt', () => {
  let h: Harness
  beforeEach(async () => {
    h = await harness()
  })
  afterEach(() => h.close())

  const halt = (payload?: object, patch?: string) =>
    h.http.app.inject({ method: 'POST', url: url(patch), headers: h.auth, payload })

  it('answers 201 with the signed halt and gossips it', async () => {
    const res = await halt({ reason: 'help desk reports broken printing' })

    assert.equal(res.statusCode, 201)
    const { record, published } = res.json()
    assert.equal(published, true)
    assert.equal(record.reason, 'help desk reports broken printing')
    assert.equal(record.by, 'operator')
    const verified = checkRecord('halt', h.published[0], h.authority.anchor, { nowMs: NOW })
    assert.equal(verified.record.reason, 'help desk reports broken printing')
  })

  it('shows the patch halted afterwards', async () => {
    await halt({ reason: 'bad build' })

    const list = (await h.http.app.inject('/api/v1/patches')).json()
    const openssl = list.patches.find((p: any) => p.patchId === OPENSSL.patchId)
    assert.deepEqual(openssl.halted, { reason: 'bad build', atMs: NOW, by: 'operator' })
  })

  it('takes a halt without a body', async () => {
    const res = await halt()

    assert.equal(res.statusCode, 201, res.body)
    assert.equal(res.json().record.reason, '')
  })

  it('answers 409 AlreadyHaltedError to a second halt', async () => {
    assert.equal((await halt({ reason: 'first' })).statusCode, 201)

    const res = await halt({ reason: 'second' })

    assert.equal(res.statusCode, 409)
    assert.equal(res.json().error, 'AlreadyHaltedError')
    assert.equal(h.published.length, 1)
  })

  it('answers 400 naming reason for a reason with a line break', async () => {
    const res = await halt({ reason: 'two\nlines' })

    assert.equal(res.statusCode, 400)
    assert.equal(res.json().field, 'reason')
  })

  it('answers 400 naming reason for a reason that is not a string', async () => {
    const res = await halt({ reason: 42 })

    assert.equal(res.statusCode, 400)
    assert.equal(res.json().field, 'reason')
  })

  it('answers 404 for an unknown patch', async () => {
    const res = await halt({}, 'nosuch')

    assert.equal(res.statusCode, 404)
    assert.equal(res.json().error, 'UnknownPatchError')
  })
})
