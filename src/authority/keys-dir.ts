/**
 * The authority's keys directory:
 *
 *   root.signed                the current root: the file nodes are enrolled with
 *   roots/<version>.signed     every root version, so nodes can follow rotations
 *   private/<role>-<id>.key    secret keys (mode 0600, directory 0700)
 *   private/operator.token     the coordinator API's operator token (see operator-token.ts)
 *
 * A key is used only while the current root lists it for its role; rotated-out keys stay on
 * disk, unused, until an operator deletes them.
 */
import { makeDirectory } from '../util/files.ts'
import { readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import {
  buildRoot,
  loadAnchor,
  readKeyFile,
  ROLES,
  rotateRoot,
  signRoot,
  SigningKey,
  toHex,
  writeKeyFile,
} from '../trust/index.ts'
import type { RoleName, RoleSpec, TrustedRoot } from '../trust/index.ts'
import { KeysDirError } from './errors.ts'
import { removeOperatorToken, tokenPath, writeOperatorToken } from './operator-token.ts'

export interface RoleCount {
  keys: number
  threshold: number
}

export interface InitKeysOptions {
  roles?: Partial<Record<RoleName, RoleCount>>
  /** How long the root is valid, in ms. Default 365 days. */
  validForMs?: number
  nowMs?: number
}

export interface KeysDir {
  dir: string
  root: TrustedRoot
  /** Secret keys found on disk that the current root lists, by role. */
  keys: Record<RoleName, SigningKey[]>
}

const DEFAULT_VALIDITY_MS = 365 * 86_400_000

/**
 * Most keys per role: a root rotation carries the old threshold and every new root key, and an
 * envelope holds at most 64 signatures.
 */
export const MAX_ROLE_KEYS = 32

export const rootPath = (dir: string): string => join(dir, 'root.signed')

/**
 * Creates keys for every role, a first root signed by all root keys, and an operator token for
 * the coordinator's API.
 */
export async function initKeys(dir: string, opts: InitKeysOptions = {}): Promise<KeysDir> {
  if (await exists(rootPath(dir))) throw new KeysDirError(dir, 'already holds a root.signed')
  if ((await readdir(join(dir, 'private')).catch(() => [])).length > 0) {
    throw new KeysDirError(dir, 'private/ already holds keys; use a new directory')
  }

  const nowMs = opts.nowMs ?? Date.now()
  checkValidity(dir, opts.validForMs)
  const counts = byRole((role) => opts.roles?.[role] ?? { keys: 1, threshold: 1 })
  for (const role of ROLES) checkCount(dir, role, counts[role])

  const keys = byRole((role) =>
    Array.from({ length: counts[role].keys }, () => SigningKey.generate(role)),
  )
  const roles = byRole((role) => ({ keys: keys[role], threshold: counts[role].threshold }))
  const root = buildRoot({
    version: 1,
    issuedAtMs: nowMs,
    expiresAtMs: nowMs + (opts.validForMs ?? DEFAULT_VALIDITY_MS),
    roles,
  })

  // Sign and check everything in memory first: nothing is written for a root that would fail.
  const trusted = loadAnchor(signRoot(root, keys.root))
  const fresh = ROLES.flatMap((role) => keys[role])
  await writeKeys(dir, fresh, async () => {
    await writeOperatorToken(tokenPath(dir))
    try {
      await saveRoot(dir, trusted)
    } catch (err) {
      await removeOperatorToken(dir)
      throw err
    }
  })

  return { dir, root: trusted, keys }
}

/**
 * Reads the current root and the secret keys it lists, of the given roles only (so a problem
 * with a root key file does not block publishing, which needs none). Refuses a root.signed older
 * than the newest root in roots/ (a rolled-back copy would sign with retired keys) and a
 * private/ directory others may read.
 */
export async function openKeys(dir: string, roles: readonly RoleName[] = ROLES): Promise<KeysDir> {
  const bytes = await readFile(rootPath(dir)).catch(() => {
    throw new KeysDirError(dir, 'has no root.signed; create one with `patchmesh keys init`')
  })
  const root = loadAnchor(new Uint8Array(bytes))
  const newest = Math.max(0, ...(await rootVersions(dir)))
  if (newest > root.root.version) {
    throw new KeysDirError(
      dir,
      `root.signed is version ${root.root.version} but roots/ holds version ${newest}: ` +
        `restore root.signed from roots/${newest}.signed`,
    )
  }

  const privateDir = join(dir, 'private')
  const info = await stat(privateDir).catch(() => undefined)
  if (info !== undefined && (info.mode & 0o077) !== 0) {
    throw new KeysDirError(dir, 'private/ can be read by others; run chmod 700 on it')
  }
  const keys: Record<RoleName, SigningKey[]> = { root: [], publisher: [], coordinator: [] }
  const files = info === undefined ? [] : await readdir(privateDir)
  const wanted = files.filter((f) => f.endsWith('.key') && roles.some((r) => f.startsWith(`${r}-`)))
  for (const file of wanted.sort()) {
    const key = await readKeyFile(join(privateDir, file))
    const role = root.root.roles.find((r) => r.name === key.role)
    if (role?.keyIds.some((id) => toHex(id) === key.id) === true) keys[key.role].push(key)
  }

  return { dir, root, keys }
}

async function rootVersions(dir: string): Promise<number[]> {
  const files = await readdir(join(dir, 'roots')).catch(() => [] as string[])
  return files
    .filter((f) => /^\d+\.signed$/.test(f))
    .map((f) => Number.parseInt(f, 10))
    .sort((a, b) => a - b)
}

/** The keys of `role` needed to sign: its threshold of them, or a KeysDirError. */
export function signersFor(keysDir: KeysDir, role: RoleName): SigningKey[] {
  const threshold = keysDir.root.root.roles.find((r) => r.name === role)?.threshold ?? 1
  const available = keysDir.keys[role]
  if (available.length < threshold) {
    throw new KeysDirError(
      keysDir.dir,
      `${role} threshold is ${threshold} but only ${available.length} ${role} key(s) are in private/`,
    )
  }

  return available.slice(0, threshold)
}

export interface RotateOptions {
  role: RoleName
  count?: number
  threshold?: number
  validForMs?: number
  nowMs?: number
}

/**
 * Replaces the keys of one role with new ones in a new root version, signed by the current root
 * keys and (for a root rotation) by the new ones too. Returns the new current root.
 */
export async function rotateKeys(dir: string, opts: RotateOptions): Promise<KeysDir> {
  const current = await openKeys(dir)
  const nowMs = opts.nowMs ?? Date.now()
  checkValidity(dir, opts.validForMs)
  const oldRole = current.root.root.roles.find((r) => r.name === opts.role)!
  const count = {
    keys: opts.count ?? oldRole.keyIds.length,
    threshold: opts.threshold ?? oldRole.threshold,
  }
  checkCount(dir, opts.role, count)

  const fresh = Array.from({ length: count.keys }, () => SigningKey.generate(opts.role))
  const rootKeys = new Map(current.root.root.keys.map((k) => [toHex(k.keyId), k.ed25519]))
  const roles = byRole((role): RoleSpec => {
    if (role === opts.role) return { keys: fresh, threshold: count.threshold }

    const def = current.root.root.roles.find((r) => r.name === role)!
    const keys = def.keyIds.map((id) => ({ publicKey: rootKeys.get(toHex(id))! }))
    return { keys, threshold: def.threshold }
  })
  const root = buildRoot({
    version: current.root.root.version + 1,
    issuedAtMs: nowMs,
    expiresAtMs: nowMs + (opts.validForMs ?? DEFAULT_VALIDITY_MS),
    roles,
  })
  const signers = [...signersFor(current, 'root'), ...(opts.role === 'root' ? fresh : [])]
  const next = rotateRoot(current.root, signRoot(root, signers))
  await writeKeys(dir, fresh, () => saveRoot(dir, next))

  return openKeys(dir)
}

/** Every root version in the directory, oldest first: what a bundle carries for verifiers. */
export async function rootHistory(dir: string): Promise<Uint8Array[]> {
  const versions = await rootVersions(dir)
  const read = (v: number) => readFile(join(dir, 'roots', `${v}.signed`))

  return Promise.all(versions.map(async (v) => new Uint8Array(await read(v))))
}

async function saveRoot(dir: string, root: TrustedRoot): Promise<void> {
  await makeDirectory(join(dir, 'roots'))
  await writeFile(join(dir, 'roots', `${root.root.version}.signed`), root.bytes, { flag: 'wx' })
  // Replace root.signed atomically: a crash leaves the old or the new root, never half of one.
  const temp = `${rootPath(dir)}.tmp`
  await writeFile(temp, root.bytes)
  await rename(temp, rootPath(dir))
}

/**
 * Writes new secret keys, then runs `commit` (which saves the root that lists them); if the
 * commit fails, the new key files are removed again, so a failed init or rotation leaves no
 * stray keys behind.
 */
async function writeKeys(
  dir: string,
  keys: SigningKey[],
  commit: () => Promise<void>,
): Promise<void> {
  const written: string[] = []
  try {
    for (const key of keys) {
      await writeKeyFile(keyPath(dir, key), key)
      written.push(keyPath(dir, key))
    }
    await commit()
  } catch (err) {
    for (const path of written) await rm(path, { force: true })
    throw err
  }
}

const MAX_VALIDITY_MS = 100 * 365 * 86_400_000

function checkValidity(dir: string, validForMs: number | undefined): void {
  if (validForMs !== undefined && !(validForMs >= 60_000 && validForMs <= MAX_VALIDITY_MS)) {
    throw new KeysDirError(dir, 'a root must be valid for at least 1 minute and at most 100 years')
  }
}

function keyPath(dir: string, key: SigningKey): string {
  return join(dir, 'private', `${key.role}-${key.id.slice(0, 16)}.key`)
}

function checkCount(dir: string, role: RoleName, count: RoleCount): void {
  if (!Number.isSafeInteger(count.keys) || count.keys < 1 || count.keys > MAX_ROLE_KEYS) {
    throw new KeysDirError(dir, `${role} key count must be 1..${MAX_ROLE_KEYS}, got ${count.keys}`)
  }
  if (
    !Number.isSafeInteger(count.threshold) ||
    count.threshold < 1 ||
    count.threshold > count.keys
  ) {
    throw new KeysDirError(
      dir,
      `${role} threshold must be 1..${count.keys}, got ${count.threshold}`,
    )
  }
}

function byRole<T>(make: (role: RoleName) => T): Record<RoleName, T> {
  return { root: make('root'), publisher: make('publisher'), coordinator: make('coordinator') }
}

async function exists(path: string): Promise<boolean> {
  return readFile(path).then(
    () => true,
    () => false,
  )
}
