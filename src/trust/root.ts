/**
 * The root of trust: which keys hold which role, how many must sign, until when. A node is
 * enrolled with one root (its anchor) and moves to a newer one only through a rotation signed by
 * a threshold of both the old and the new root keys, one version at a time.
 */
import { decodeRoot, Root } from '../wire/records.ts'
import type { Envelope } from '../wire/records.ts'
import { openEnvelope, signEnvelope } from './envelope.ts'
import { InvalidRootError, RootRotationError, RootVersionError, TrustError } from './errors.ts'
import { keyIdOf, ROLES, toHex } from './keys.ts'
import type { Bytes, RoleName, SigningKey } from './keys.ts'
import { verifyThreshold } from './verify.ts'

/** A role's keys and how many of them must sign. */
export interface RoleSpec {
  keys: Array<{ publicKey: Bytes }>
  threshold: number
}

export interface RootSpec {
  version: number
  issuedAtMs: number
  expiresAtMs: number
  roles: Record<RoleName, RoleSpec>
}

/** A root that has been verified, with the envelope bytes it arrived in. */
export interface TrustedRoot {
  root: Root
  /** The signed envelope, exactly as received; what a node stores and hands on. */
  bytes: Uint8Array
}

export function buildRoot(spec: RootSpec): Root {
  const keys = new Map<string, { keyId: Bytes; ed25519: Bytes }>()
  const roles = ROLES.map((name) => {
    const { keys: roleKeys, threshold } = spec.roles[name]
    const keyIds = roleKeys.map(({ publicKey }) => {
      const keyId = keyIdOf(publicKey)
      keys.set(toHex(keyId), { keyId, ed25519: publicKey })
      return keyId
    })

    return { name, keyIds, threshold }
  })
  const root = {
    version: spec.version,
    issuedAtMs: spec.issuedAtMs,
    expiresAtMs: spec.expiresAtMs,
    keys: [...keys.values()],
    roles,
  }
  checkRootContent(root)

  return root
}

/** Encodes and signs a root with the given root keys (old and new ones, for a rotation). */
export function signRoot(root: Root, signers: SigningKey[]): Uint8Array {
  return signEnvelope('root', Root.encode(root), signers)
}

/**
 * Reads the root a node is enrolled with. It must be signed by a threshold of its own root keys
 * (so a damaged or edited file is refused); its expiry is checked when records are verified,
 * so that an old anchor can still follow rotations to a current root.
 */
export function loadAnchor(bytes: Uint8Array): TrustedRoot {
  const envelope = openEnvelope('root', bytes)
  const root = decodeRoot(envelope.payload)
  checkRootContent(root)
  verifyThreshold('root', envelope, root, 'root')

  return { root, bytes }
}

/**
 * Accepts `bytes` as the successor of `current`: exactly one version later, signed by a
 * threshold of the current root's root keys and by a threshold of its own root keys.
 */
export function rotateRoot(current: TrustedRoot, bytes: Uint8Array): TrustedRoot {
  const envelope = openEnvelope('root', bytes)
  const next = decodeRoot(envelope.payload)
  if (next.version !== current.root.version + 1) {
    throw new RootVersionError(current.root.version, next.version)
  }
  checkRootContent(next)
  signedBy(envelope, current.root, next.version, 'previous')
  signedBy(envelope, next, next.version, 'new')

  return { root: next, bytes }
}

/**
 * Follows a chain of rotations from `anchor`, as a node that was offline for all of them does.
 * `chain` may hold roots in any order and roots older than the anchor; each version must be
 * present once from the anchor's successor on.
 */
export function followRoots(anchor: TrustedRoot, chain: Uint8Array[]): TrustedRoot {
  const byVersion = new Map<number, Uint8Array>()
  for (const bytes of chain) {
    byVersion.set(decodeRoot(openEnvelope('root', bytes).payload).version, bytes)
  }

  let current = anchor
  for (let next = byVersion.get(current.root.version + 1); next !== undefined;) {
    current = rotateRoot(current, next)
    next = byVersion.get(current.root.version + 1)
  }

  return current
}

/** The public key of `keyIdHex` in `root`, if the root lists it. */
export function rolesOf(root: Root, keyIdHex: string): RoleName[] {
  return root.roles
    .filter((r) => r.keyIds.some((id) => toHex(id) === keyIdHex))
    .map((r) => r.name as RoleName)
}

function signedBy(envelope: Envelope, root: Root, version: number, side: 'previous' | 'new'): void {
  try {
    verifyThreshold('root', envelope, root, 'root')
  } catch (err) {
    if (err instanceof TrustError) throw new RootRotationError(version, side, err)
    throw err
  }
}

function checkRootContent(root: Root): void {
  const keyIds = new Set<string>()
  for (const key of root.keys) {
    const id = toHex(key.keyId)
    if (id !== toHex(keyIdOf(key.ed25519))) {
      throw new InvalidRootError(`key id ${id} is not the SHA-256 of its public key`)
    }
    keyIds.add(id)
  }

  for (const name of ROLES) {
    const roles = root.roles.filter((r) => r.name === name)
    if (roles.length !== 1) throw new InvalidRootError(`root must define the ${name} role once`)

    const role = roles[0]
    const ids = role.keyIds.map(toHex)
    if (new Set(ids).size !== ids.length) throw new InvalidRootError(`${name} lists a key twice`)
    const missing = ids.find((id) => !keyIds.has(id))
    if (missing !== undefined) throw new InvalidRootError(`${name} key ${missing} is not listed`)
    if (role.threshold < 1 || role.threshold > ids.length) {
      throw new InvalidRootError(`${name} threshold ${role.threshold} with ${ids.length} key(s)`)
    }
  }
}
