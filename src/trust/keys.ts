/**
 * Ed25519 signing keys and their files. A secret key lives only inside a SigningKey: it is not
 * enumerable, not serialised by JSON.stringify and not shown by util.inspect, so passing a key
 * to a logger prints its id and role, never the secret.
 */
import { makeDirectory } from '../util/files.ts'
import { createHash } from 'node:crypto'
import { chmod, open, readFile, stat } from 'node:fs/promises'
import { dirname } from 'node:path'
import { inspect } from 'node:util'
import nacl from 'tweetnacl'
import { toHex } from '../util/bytes.ts'
import { KeyFileError } from './errors.ts'

/** The roles a root defines. */
export const ROLES = ['root', 'publisher', 'coordinator'] as const
export type RoleName = (typeof ROLES)[number]

/** Byte arrays as the generated codecs type them. */
export type Bytes = Uint8Array<ArrayBuffer>

const KEY_FILE_TYPE = 'patchmesh-ed25519-secret-key'

/** SHA-256 of an Ed25519 public key: how records and roots name keys. */
export function keyIdOf(publicKey: Uint8Array): Bytes {
  return new Uint8Array(createHash('sha256').update(publicKey).digest())
}

export { toHex }

export class SigningKey {
  readonly role: RoleName
  readonly publicKey: Bytes
  readonly keyId: Bytes
  /** Lowercase hex of keyId, for logs and messages. */
  readonly id: string
  readonly #secretKey: Uint8Array

  readonly #seed: Uint8Array

  /** Builds the key pair from its 32-byte seed, the only secret a key file holds. */
  constructor(role: RoleName, seed: Uint8Array) {
    if (seed.byteLength !== nacl.sign.seedLength) {
      throw new TypeError(
        `an Ed25519 seed is ${nacl.sign.seedLength} bytes, got ${seed.byteLength}`,
      )
    }

    const pair = nacl.sign.keyPair.fromSeed(seed)
    this.role = role
    this.#seed = seed
    this.#secretKey = pair.secretKey
    this.publicKey = pair.publicKey as Bytes
    this.keyId = keyIdOf(this.publicKey)
    this.id = toHex(this.keyId)
  }

  static generate(role: RoleName): SigningKey {
    return new SigningKey(role, nacl.randomBytes(nacl.sign.seedLength))
  }

  sign(message: Uint8Array): Bytes {
    return nacl.sign.detached(message, this.#secretKey) as Bytes
  }

  /** The file form: written only by {@link writeKeyFile}. */
  exportSecret(): string {
    return JSON.stringify({
      type: KEY_FILE_TYPE,
      role: this.role,
      keyId: this.id,
      seed: Buffer.from(this.#seed).toString('base64'),
    })
  }

  toJSON(): { role: RoleName; keyId: string } {
    return { role: this.role, keyId: this.id }
  }

  [inspect.custom](): string {
    return `SigningKey(${this.role} ${this.id})`
  }
}

/**
 * Writes a key file readable by its owner only (mode 0600, in a directory of mode 0700). An
 * existing file is never overwritten: losing a root key is not recoverable.
 */
export async function writeKeyFile(path: string, key: SigningKey): Promise<void> {
  await makeDirectory(dirname(path), 0o700)
  await chmod(dirname(path), 0o700)

  const handle = await open(path, 'wx', 0o600)
  try {
    // The mode given to open is masked by the umask; set it again explicitly.
    await handle.chmod(0o600)
    await handle.writeFile(key.exportSecret() + '\n')
    await handle.sync()
  } finally {
    await handle.close()
  }
}

/** Reads a key file, refusing one that group or others may read (as ssh does). */
export async function readKeyFile(path: string): Promise<SigningKey> {
  const info = await stat(path).catch((err: NodeJS.ErrnoException) => {
    throw new KeyFileError(path, err.code === 'ENOENT' ? 'no such file' : err.message)
  })
  if ((info.mode & 0o077) !== 0) {
    const mode = (info.mode & 0o777).toString(8)
    throw new KeyFileError(path, `mode ${mode} lets others read it; run chmod 600 on it`)
  }

  let parsed: { type?: unknown; role?: unknown; keyId?: unknown; seed?: unknown }
  try {
    parsed = JSON.parse(await readFile(path, 'utf8')) as typeof parsed
  } catch {
    throw new KeyFileError(path, 'not a JSON key file')
  }

  const { type, role, keyId, seed } = parsed
  if (type !== KEY_FILE_TYPE) throw new KeyFileError(path, `type is not ${KEY_FILE_TYPE}`)
  if (!ROLES.includes(role as RoleName))
    throw new KeyFileError(path, `unknown role ${String(role)}`)
  if (typeof seed !== 'string') throw new KeyFileError(path, 'seed is missing')

  const bytes = new Uint8Array(Buffer.from(seed, 'base64'))
  if (bytes.byteLength !== nacl.sign.seedLength) {
    throw new KeyFileError(path, 'seed is not a 32-byte Ed25519 seed')
  }

  const key = new SigningKey(role as RoleName, bytes)
  if (key.id !== keyId) throw new KeyFileError(path, 'keyId does not match the key')

  return key
}
