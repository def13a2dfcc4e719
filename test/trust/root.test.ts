import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import {
  buildRoot,
  checkRecord,
  followRoots,
  loadAnchor,
  rotateRoot,
  signRecord,
  signRoot,
  SigningKey,
} from '../../src/trust/index.ts'
import type { RoleName, TrustedRoot } from '../../src/trust/index.ts'
import { Envelope, Root } from '../../src/wire/records.ts'
import { announcement, DAY, makeAuthority, T0 } from '../fixtures/trust.ts'

type Keys = Record<RoleName, SigningKey[]>

function rootOf(version: number, keys: Keys, rootThreshold = 1) {
  return buildRoot({
    version,
    issuedAtMs: T0 + version * DAY,
    expiresAtMs: T0 + 365 * DAY,
    roles: {
      root: { keys: keys.root, threshold: rootThreshold },
      publisher: { keys: keys.publisher, threshold: 1 },
      coordinator: { keys: keys.coordinator, threshold: 1 },
    },
  })
}

function freshKeys(): Keys {
  return {
    root: [SigningKey.generate('root'), SigningKey.generate('root')],
    publisher: [SigningKey.generate('publisher')],
    coordinator: [SigningKey.generate('coordinator')],
  }
}

describe('loadAnchor', () => {
  it('refuses a root file whose self-signature does not verify', () => {
    const a = makeAuthority()
    const env = Envelope.decode(a.anchor.bytes)
    const other = signRoot(rootOf(1, freshKeys()), a.keys.root)
    const forged = Envelope.encode({ ...Envelope.decode(other), signatures: env.signatures })

    assert.throws(() => loadAnchor(forged), { name: 'UnknownKeyError' })
  })

  it('refuses a root whose key id is not the hash of its key', () => {
    const keys = freshKeys()
    const root = rootOf(1, keys)
    root.keys[0] = { ...root.keys[0], keyId: new Uint8Array(32) }
    const bytes = signRoot(root, keys.root)

    assert.throws(() => loadAnchor(bytes), { name: 'InvalidRootError' })
  })

  it('refuses bytes that are not a root envelope', () => {
    assert.throws(() => loadAnchor(Root.encode(rootOf(1, freshKeys()))), {
      name: 'WireDecodeError',
    })
  })
})

describe('rotateRoot', () => {
  const oldKeys = freshKeys()
  const anchor: TrustedRoot = loadAnchor(signRoot(rootOf(1, oldKeys, 2), oldKeys.root))
  const newKeys = freshKeys()
  const next = rootOf(2, newKeys, 2)

  const cases: Array<{ name: string; signers: () => SigningKey[]; error?: string; side?: string }> =
    [
      {
        name: 'accepts a new root signed by a threshold of the old and of the new root keys',
        signers: () => [...oldKeys.root, ...newKeys.root],
      },
      {
        name: 'refuses a new root missing the old root signatures',
        signers: () => newKeys.root,
        error: 'RootRotationError',
        side: 'previous',
      },
      {
        name: 'refuses a new root with only one of two required old signatures',
        signers: () => [oldKeys.root[0], ...newKeys.root],
        error: 'RootRotationError',
        side: 'previous',
      },
      {
        name: 'refuses a new root missing its own root signatures',
        signers: () => oldKeys.root,
        error: 'RootRotationError',
        side: 'new',
      },
    ]

  for (const c of cases) {
    it(c.name, () => {
      const bytes = signRoot(next, c.signers())
      if (c.error === undefined) {
        assert.equal(rotateRoot(anchor, bytes).root.version, 2)
      } else {
        assert.throws(() => rotateRoot(anchor, bytes), { name: c.error, side: c.side })
      }
    })
  }

  it('refuses a root that skips a version', () => {
    const bytes = signRoot(rootOf(3, newKeys), [...oldKeys.root, ...newKeys.root])

    assert.throws(() => rotateRoot(anchor, bytes), { name: 'RootVersionError' })
  })

  it('refuses the same version again', () => {
    assert.throws(() => rotateRoot(anchor, anchor.bytes), { name: 'RootVersionError' })
  })
})

describe('followRoots', () => {
  it('takes a node offline through three rotations, in any order, to the newest root', () => {
    const generations = [freshKeys(), freshKeys(), freshKeys(), freshKeys()]
    const anchor = loadAnchor(signRoot(rootOf(1, generations[0]), generations[0].root))
    const chain = [2, 3, 4].map((v) =>
      signRoot(rootOf(v, generations[v - 1]), [
        ...generations[v - 2].root,
        ...generations[v - 1].root,
      ]),
    )

    const current = followRoots(anchor, [chain[2], chain[0], chain[1]])
    assert.equal(current.root.version, 4)

    const nowMs = T0 + 10 * DAY
    const byNew = signRecord('announcement', announcement(), generations[3].publisher)
    const byOld = signRecord('announcement', announcement(), generations[0].publisher)
    assert.doesNotThrow(() => checkRecord('announcement', byNew, current, { nowMs }))
    assert.throws(() => checkRecord('announcement', byOld, current, { nowMs }), {
      name: 'UnknownKeyError',
    })
  })

  it('stops at a broken link, refusing the rotation that lacks the old signatures', () => {
    const [g1, g2, g3] = [freshKeys(), freshKeys(), freshKeys()]
    const anchor = loadAnchor(signRoot(rootOf(1, g1), g1.root))
    const v2 = signRoot(rootOf(2, g2), [...g1.root, ...g2.root])
    const v3 = signRoot(rootOf(3, g3), g3.root)

    assert.throws(() => followRoots(anchor, [v2, v3]), { name: 'RootRotationError' })
  })
})
