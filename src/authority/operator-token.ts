/**
 * The operator token: a random secret that every change made through the coordinator's HTTP API
 * must carry (`Authorization: Bearer <token>`). It lives in the keys directory beside the secret
 * keys, as `private/operator.token`, 32 random bytes written as 64 hex digits, readable by its
 * owner only. `patchmesh keys init` creates it; for a keys directory made before tokens existed,
 * `patchmesh keys token` or the first `patchmesh coordinator start` creates it.
 *
 * The token is never logged or printed: commands print the file's path, and people and scripts
 * read the file.
 */
import { makeDirectory } from '../util/files.ts'
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto'
import { chmod, open, readFile, rename, rm, stat } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import { KeysDirError } from './errors.ts'

const TOKEN_BYTES = 32
const TOKEN_PATTERN = /^[0-9a-f]{64}$/

/** Where a keys directory keeps its operator token. */
export function tokenPath(keysDir: string): string {
  return join(keysDir, 'private', 'operator.token')
}

/**
 * Writes a new random token to `path`, mode 0600 in a 0700 directory. With `replace` false an
 * existing file is left alone and a KeysDirError says so; with `replace` true the old token is
 * replaced atomically (it stops working at once on a coordinator that reads it again).
 */
export async function writeOperatorToken(path: string, replace = false): Promise<void> {
  const token = randomBytes(TOKEN_BYTES).toString('hex')
  await makeDirectory(dirname(path), 0o700)
  await chmod(dirname(path), 0o700)

  const target = replace ? `${path}.tmp` : path
  if (replace) await rm(target, { force: true })
  const handle = await open(target, 'wx', 0o600).catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'EEXIST') throw new KeysDirError(dirname(dirname(path)), `${path} exists`)
    throw err
  })
  try {
    // The mode given to open is masked by the umask; set it again explicitly.
    await handle.chmod(0o600)
    await handle.writeFile(token + '\n')
    await handle.sync()
  } finally {
    await handle.close()
  }
  if (replace) await rename(target, path)
}

/** Reads a token file; refuses one others may read (as ssh does) or that is not a token. */
export async function readOperatorToken(path: string): Promise<string> {
  const dir = dirname(dirname(path))
  const info = await stat(path).catch((err: NodeJS.ErrnoException) => {
    const reason = err.code === 'ENOENT' ? 'no such file' : err.message
    throw new KeysDirError(dir, `operator token ${path}: ${reason}`)
  })
  if ((info.mode & 0o077) !== 0) {
    const mode = (info.mode & 0o777).toString(8)
    throw new KeysDirError(dir, `operator token ${path} has mode ${mode}; run chmod 600 on it`)
  }

  const token = (await readFile(path, 'utf8')).trim()
  if (!TOKEN_PATTERN.test(token)) {
    throw new KeysDirError(dir, `operator token ${path} is not 64 hex digits`)
  }

  return token
}

/**
 * The keys directory's token, created first when the directory has none. Says whether it was
 * created, so the caller can tell the operator where it is.
 */
export async function ensureOperatorToken(
  keysDir: string,
): Promise<{ token: string; path: string; created: boolean }> {
  const path = tokenPath(keysDir)
  const exists = await stat(path).then(
    () => true,
    () => false,
  )
  if (!exists) await writeOperatorToken(path)

  return { token: await readOperatorToken(path), path, created: !exists }
}

/** Removes a token written by a failed `keys init`. */
export async function removeOperatorToken(keysDir: string): Promise<void> {
  await rm(tokenPath(keysDir), { force: true })
}

/**
 * Whether `offered` is the token, in time that does not depend on where they differ: both are
 * hashed first, so even their lengths are compared in constant time.
 */
export function tokenMatches(token: string, offered: string): boolean {
  const a = createHash('sha256').update(token).digest()
  const b = createHash('sha256').update(offered).digest()

  return timingSafeEqual(a, b)
}
