import assert from 'node:assert/strict'
import { createHash } from 'node:crypto'
import { after, before, describe, it } from 'node:test'

import { harness } from './fixtures.ts'
import type { Harness } from './fixtures.ts'

describe('GET / (the dashboard page)', () => {
  let h: Harness
  before(async () => {
    h = await harness()
  })
  after(() => h.close())

  it('is HTML whose one inline script is the only one its policy lets run', async () => {
    const res = await h.http.app.inject('/')

    assert.equal(res.statusCode, 200)
    assert.match(res.headers['content-type'] as string, /^text\/html/)
    const scripts = [...res.body.matchAll(/<script>([\s\S]*?)<\/script>/g)]
    assert.equal(scripts.length, 1)
    const hash = createHash('sha256').update(scripts[0][1]).digest('base64')
    const policy = res.headers['content-security-policy'] as string
    assert.match(policy, /default-src 'none'/)
    assert.ok(policy.includes(`script-src 'sha256-${hash}'`), policy)
  })

  it('loads nothing from another origin', async () => {
    const res = await h.http.app.inject('/')

    assert.equal(/(src|href)="(https?:)?\/\//.test(res.body), false)
    assert.match(res.headers['content-security-policy'] as string, /connect-src 'self'/)
  })

  it('serves its style sheet', async () => {
    const res = await h.http.app.inject('/dashboard.css')

    assert.equal(res.statusCode, 200)
    assert.match(res.headers['content-type'] as string, /^text\/css/)
  })
})
