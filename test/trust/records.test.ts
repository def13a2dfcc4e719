import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import {
  checkManifest,
  checkRecord,
  signRecord,
  SigningKey,
  TrustError,
} from '../../src/trust/index.ts'
import { Envelope } from '../../src/wire/records.ts'
import { WireDecodeError } from '../../src/wire/errors.ts'
import {
  announcement,
  approval,
  DAY,
  halt,
  makeAuthority,
  revocation,
  sha256,
  signedAnnouncement,
  T0,
} from '../fixtures/trust.ts'
import type { Authority } from '../fixtures/trust.ts'

const now = T0 + DAY
const check = (a: Authority, bytes: Uint8Array, nowMs = now) =>
  checkRecord('announcement', bytes, a.anchor, { nowMs })

describe('checkRecord accepts', () => {
  it('an announcement signed by the publisher key, within its validity', () => {
    const a = makeAuthority()
    const verified = check(a, signedAnnouncement(a))

    assert.equal(verified.record.name, 'openssl')
    assert.deepEqual(verified.signers, [a.keys.publisher[0].id])
  })

  it('a record issued slightly after now, within the clock skew', () => {
    const a = makeAuthority()
    const bytes = signedAnnouncement(a, { issuedAtMs: now + 60_000 })

    assert.doesNotThrow(() => check(a, bytes))
  })

  it('a threshold of 2 met by two distinct publisher keys out of 3', () => {
    const a = makeAuthority({ counts: { publisher: 3 }, thresholds: { publisher: 2 } })
    const bytes = signRecord('announcement', announcement(), a.keys.publisher.slice(1))

    assert.equal(check(a, bytes).signers.length, 2)
  })
})

describe('checkRecord rejects', () => {
  const a = makeAuthority({ counts: { publisher: 3 }, thresholds: { publisher: 2 } })
  const single = makeAuthority()
  const [p0, p1] = a.keys.publisher as [SigningKey, SigningKey]

  const cases: Array<{
    name: string
    authority: Authority
    bytes: () => Uint8Array
    error: string
    nowMs?: number
  }> = [
    {
      name: 'a valid signature over other bytes',
      authority: single,
      bytes: () => {
        const good = Envelope.decode(signedAnnouncement(single))
        const other = Envelope.decode(signedAnnouncement(single, { name: 'other' }))
        return Envelope.encode({ ...other, signatures: good.signatures })
      },
      error: 'BadSignatureError',
    },
    {
      name: 'a signature by a key the root does not list',
      authority: single,
      bytes: () => signRecord('announcement', announcement(), [SigningKey.generate('publisher')]),
      error: 'UnknownKeyError',
    },
    {
      name: 'an announcement signed by the coordinator key',
      authority: single,
      bytes: () => signRecord('announcement', announcement(), single.keys.coordinator),
      error: 'KeyNotInRoleError',
    },
    {
      name: 'two signatures by one key toward a threshold of two',
      authority: a,
      bytes: () => signRecord('announcement', announcement(), [p0, p0]),
      error: 'ThresholdNotMetError',
    },
    {
      name: 'one signature toward a threshold of two',
      authority: a,
      bytes: () => signRecord('announcement', announcement(), [p1]),
      error: 'ThresholdNotMetError',
    },
    {
      name: 'an envelope with no signature',
      authority: single,
      bytes: () => signRecord('announcement', announcement(), []),
      error: 'ThresholdNotMetError',
    },
    {
      name: 'an expired announcement',
      authority: single,
      bytes: () => signedAnnouncement(single, { expiresAtMs: now - 10 * 60_000 }),
      error: 'ExpiredRecordError',
    },
    {
      name: 'a record issued an hour after this clock, as a clock problem',
      authority: single,
      bytes: () => signedAnnouncement(single, { issuedAtMs: now + 3_600_000 }),
      error: 'ClockSkewError',
    },
    {
      name: 'any record on a machine whose clock reads 1970, as a clock problem',
      authority: single,
      bytes: () => signedAnnouncement(single),
      nowMs: 0,
      error: 'ClockSkewError',
    },
    {
      name: 'a record verified under a root that has expired',
      authority: single,
      bytes: () => signedAnnouncement(single, { expiresAtMs: T0 + 900 * DAY }),
      nowMs: T0 + 400 * DAY,
      error: 'ExpiredRecordError',
    },
    {
      name: 'an approval presented as an announcement',
      authority: single,
      bytes: () => signRecord('approval', approval(), single.keys.coordinator),
      error: 'WrongRecordTypeError',
    },
    {
      name: 'a patch id that does not derive from the manifest hash',
      authority: single,
      bytes: () => signedAnnouncement(single, { patchId: 'ab'.repeat(16) }),
      error: 'ManifestMismatchError',
    },
    {
      name: 'a record with a hash field of the wrong length',
      authority: single,
      bytes: () => signedAnnouncement(single, { sha256: new Uint8Array(31) }),
      error: 'WireDecodeError',
    },
  ]

  for (const c of cases) {
    it(c.name, () => {
      assert.throws(() => check(c.authority, c.bytes(), c.nowMs), { name: c.error })
    })
  }

  it('one flipped bit anywhere in the signed envelope', () => {
    const bytes = signedAnnouncement(single)
    for (let bit = 0; bit < bytes.byteLength * 8; bit++) {
      const flipped = bytes.slice()
      flipped[bit >> 3] ^= 1 << (bit & 7)

      assert.throws(
        () => check(single, flipped),
        (err) => err instanceof TrustError || err instanceof WireDecodeError,
        `bit ${bit} flipped was accepted`,
      )
    }
  })

  it('random bytes with a typed error only', () => {
    for (let i = 0; i < 200; i++) {
      const junk = new Uint8Array(Math.floor(Math.random() * 300))
      crypto.getRandomValues(junk)
      assert.throws(
        () => check(single, junk),
        (err) => err instanceof TrustError || err instanceof WireDecodeError,
      )
    }
  })
})

describe('coordinator and publisher records', () => {
  const a = makeAuthority()

  it('accepts an approval and a halt signed by the coordinator', () => {
    const opts = { nowMs: now }
    const appr = signRecord('approval', approval(), a.keys.coordinator)
    const stop = signRecord('halt', halt(), a.keys.coordinator)

    assert.equal(checkRecord('approval', appr, a.anchor, opts).record.ring, 'canary')
    assert.equal(checkRecord('halt', stop, a.anchor, opts).record.reason, 'canaries fail')
  })

  it('refuses an approval signed by the publisher key', () => {
    const bytes = signRecord('approval', approval(), a.keys.publisher)

    assert.throws(() => checkRecord('approval', bytes, a.anchor, { nowMs: now }), {
      name: 'KeyNotInRoleError',
    })
  })

  it('refuses a revocation signed by the coordinator key', () => {
    const bytes = signRecord('revocation', revocation(), a.keys.coordinator)

    assert.throws(() => checkRecord('revocation', bytes, a.anchor, { nowMs: now }), {
      name: 'KeyNotInRoleError',
    })
  })

  it('refuses an approval naming both a ring and a group', () => {
    const bytes = signRecord('approval', approval({ group: 'tills' }), a.keys.coordinator)

    assert.throws(() => checkRecord('approval', bytes, a.anchor, { nowMs: now }), {
      name: 'WireDecodeError',
    })
  })
})

describe('checkManifest', () => {
  const manifest = new TextEncoder().encode('a manifest')

  it('refuses a manifest whose hash is not the announced one', () => {
    const other = new TextEncoder().encode('another manifest')

    assert.throws(() => checkManifest(announcement(), other), { name: 'ManifestMismatchError' })
  })

  it('checks the hash before decoding, so the announced bytes reach the decoder', () => {
    // The fixture's manifest hash is over bytes that are not a Manifest message.
    assert.throws(() => checkManifest(announcement(), manifest), { name: 'WireDecodeError' })
  })

  it('refuses a manifest whose size differs from the announced size', async () => {
    const { Manifest } = await import('../../src/wire/records.ts')
    const bytes = Manifest.encode({
      size: 10,
      chunkSize: 1024 * 1024,
      sha256: new Uint8Array(32),
      chunkHashes: new Uint8Array(32),
    })
    const ann = announcement({ manifestSha256: sha256(bytes), sha256: new Uint8Array(32) })

    assert.throws(() => checkManifest(ann, bytes), /size differs/)
  })
})
