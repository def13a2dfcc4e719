import assert from 'node:assert/strict'
import { after, afterEach, before, beforeEach, describe, it } from 'node:test'

import { checkRecord } from '../../../src/trust/index.ts'
import { CURL, harness, HOUR, NOW, OPENSSL } from './fixtures.ts'
import type { Harness } from './fixtures.ts'

const approvals = (patch = OPENSSL.patchId) => `/api/v1/patches/${patch}/approvals`

describe('POST /api/v1/patches/:patch/approvals', () => {
  let h: Harness
  beforeEach(async () => {
    h = await harness()
  })
  afterEach(() => h.close())

  const approve = (body: unknown, patch?: string) =>
    h.http.app.inject({
      method: 'POST',
      url: approvals(patch),
      headers: h.auth,
      payload: body as object,
    })

  it('answers 201 with the signed approval and gossips it', async () => {
    const res = await approve({ ring: 'canary' })

    assert.equal(res.statusCode, 201)
    const { record, published } = res.json()
    assert.equal(published, true)
    assert.equal(record.patchId, OPENSSL.patchId)
    assert.equal(record.ring, 'canary')
    assert.equal(record.by, 'operator')
    assert.equal(record.notBeforeMs, NOW)
    assert.equal(h.published.length, 1)
    const verified = checkRecord('approval', h.published[0], h.authority.anchor, { nowMs: NOW })
    assert.equal(verified.record.sequence, record.sequence)
    assert.equal(verified.record.ring, 'canary')
  })

  it('shows the approval in the patch detail afterwards', async () => {
    await approve({ ring: 'canary', windows: ['mon-fri 01:00-04:00'] })

    const detail = (await h.http.app.inject(`/api/v1/patches/${OPENSSL.patchId}`)).json()
    const canary = detail.rollout.rings.find((r: any) => r.ring === 'canary')
    assert.equal(canary.approval.by, 'operator')
    assert.deepEqual(
      canary.approval.windows.map((w: any) => w.text),
      ['mon-fri 01:00-04:00'],
    )
    assert.equal(detail.history.at(-1).type, 'approval')
  })

  it('takes a patch by name@version', async () => {
    const res = await approve({ ring: 'pilot' }, encodeURIComponent(`${CURL.name}@${CURL.version}`))

    assert.equal(res.statusCode, 201)
    assert.equal(res.json().record.patchId, CURL.patchId)
  })

  it('approves a group', async () => {
    const res = await approve({ group: 'tills' })

    assert.equal(res.statusCode, 201)
    assert.equal(res.json().record.group, 'tills')
    assert.equal(res.json().record.ring, '')
  })

  const times: [string, unknown, number][] = [
    ['a relative time', '+2h', NOW + 2 * HOUR],
    ['an ISO time with Z', '2026-12-03T10:00:00Z', Date.parse('2026-12-03T10:00:00Z')],
    ['an ISO time with an offset', '2026-12-03T10:00:00+01:00', Date.parse('2026-12-03T09:00Z')],
    ['milliseconds', NOW + HOUR, NOW + HOUR],
  ]
  for (const [name, deadline, expected] of times) {
    it(`reads a deadline given as ${name}`, async () => {
      const res = await approve({ ring: 'canary', deadline })

      assert.equal(res.statusCode, 201, res.body)
      assert.equal(res.json().record.deadlineMs, expected)
    })
  }

  it('reads windows given as text and as fields', async () => {
    const windows = ['sat 22:00-06:00', { days: 0b0111110, startMinute: 60, durationMinutes: 180 }]
    const res = await approve({ ring: 'canary', windows })

    assert.equal(res.statusCode, 201, res.body)
    assert.deepEqual(res.json().record.windows, [
      { days: 0b1000000, startMinute: 22 * 60, durationMinutes: 8 * 60 },
      { days: 0b0111110, startMinute: 60, durationMinutes: 180 },
    ])
  })

  const bad: [string, unknown, string, string][] = [
    ['a ring the rollout does not have', { ring: 'beta' }, 'UnknownRingError', 'beta'],
    ['neither ring nor group', {}, 'InvalidFieldError', 'ring'],
    ['both ring and group', { ring: 'canary', group: 'tills' }, 'InvalidFieldError', 'group'],
    ['a ring that is not a string', { ring: 5 }, 'InvalidFieldError', 'ring'],
    ['an empty ring', { ring: '' }, 'InvalidFieldError', 'ring'],
    ['an unknown field', { ring: 'canary', colour: 'red' }, 'InvalidFieldError', 'colour'],
    [
      'a window that does not parse',
      { ring: 'canary', windows: ['mon 25:00-26:00'] },
      'InvalidFieldError',
      'windows[0]',
    ],
    [
      'a window with a time zone',
      { ring: 'canary', windows: ['mon-fri 01:00-04:00', 'sat 01:00-02:00 UTC'] },
      'InvalidFieldError',
      'windows[1]',
    ],
    [
      'a window object with a bad member',
      { ring: 'canary', windows: [{ days: 0, startMinute: 0, durationMinutes: 60 }] },
      'InvalidFieldError',
      'windows[0].days',
    ],
    [
      'a window object missing a member',
      { ring: 'canary', windows: [{ days: 1, startMinute: 0 }] },
      'InvalidFieldError',
      'windows[0].durationMinutes',
    ],
    [
      'a window that is a number',
      { ring: 'canary', windows: [7] },
      'InvalidFieldError',
      'windows[0]',
    ],
    [
      'a deadline before not-before',
      { ring: 'canary', notBefore: '+2h', deadline: '+1h' },
      'InvalidFieldError',
      'deadline',
    ],
    [
      'a deadline without a time zone',
      { ring: 'canary', deadline: '2026-12-03T10:00' },
      'InvalidFieldError',
      'deadline',
    ],
    [
      'a not-before that is not a time',
      { ring: 'canary', notBefore: 'soon' },
      'InvalidFieldError',
      'notBefore',
    ],
    ['a negative deadline', { ring: 'canary', deadline: -5 }, 'InvalidFieldError', 'deadline'],
  ]
  for (const [name, body, error, field] of bad) {
    it(`answers 400 naming ${field} for ${name}`, async () => {
      const res = await approve(body)

      assert.equal(res.statusCode, 400, res.body)
      assert.equal(res.json().error, error)
      if (error === 'InvalidFieldError') assert.equal(res.json().field, field)
      assert.match(res.json().message, new RegExp(field.replace(/[[\].]/g, '\\$&')))
      assert.equal(h.published.length, 0)
    })
  }

  it('answers 400 for a body that is not JSON', async () => {
    const res = await h.http.app.inject({
      method: 'POST',
      url: approvals(),
      headers: { ...h.auth, 'content-type': 'application/json' },
      payload: '{"ring": ',
    })

    assert.equal(res.statusCode, 400)
    assert.equal(typeof res.json().message, 'string')
  })

  it('answers 404 for an unknown patch', async () => {
    const res = await approve({ ring: 'canary' }, 'nosuch@1.0')

    assert.equal(res.statusCode, 404)
    assert.equal(res.json().error, 'UnknownPatchError')
    assert.match(res.json().message, /nosuch@1\.0/)
  })

  it('answers 409 for a patch its publisher revoked', async () => {
    await h.service.recordRevocation(OPENSSL.patchId, 'breaks printing')

    const res = await approve({ ring: 'canary' })

    assert.equal(res.statusCode, 409)
    assert.equal(res.json().error, 'PatchRevokedError')
  })
})

describe('POST approvals with a name@version two patches share', () => {
  let h: Harness
  before(async () => {
    h = await harness({
      announcements: [OPENSSL, { ...CURL, name: OPENSSL.name, version: OPENSSL.version }],
    })
  })
  after(() => h.close())

  it('answers 400 AmbiguousPatchError listing both ids', async () => {
    const ref = encodeURIComponent(`${OPENSSL.name}@${OPENSSL.version}`)
    const res = await h.http.app.inject({
      method: 'POST',
      url: approvals(ref),
      headers: h.auth,
      payload: { ring: 'canary' },
    })

    assert.equal(res.statusCode, 400)
    assert.equal(res.json().error, 'AmbiguousPatchError')
    assert.match(res.json().message, new RegExp(CURL.patchId))
  })
})
