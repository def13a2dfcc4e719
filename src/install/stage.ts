/**
 * Staging: the install action that copies the verified patch file into a directory for something
 * else (a deployment tool, an operator) to pick up. The copy appears whole or not at all: it is
 * written under a temporary name in the same directory, synced, hashed and renamed into place.
 */
import { makeDirectory } from '../util/files.ts'
import { createHash, randomBytes } from 'node:crypto'
import { open, rename, rm } from 'node:fs/promises'
import { join } from 'node:path'

import type { InstallTarget, RunInstallOptions } from './runner.ts'
import type { InstallOutcome } from './types.ts'

/** Copies the patch file to `<directory>/<name>-<version>`, replacing a file of that name. */
export interface StageAction {
  kind: 'stage'
  /** Created (with parents) when missing. */
  directory: string
}

const COPY_BUFFER_BYTES = 1024 * 1024
const MAX_NAME_BYTES = 255

/** The staging half of {@link runInstall}: copies `target` into the action's directory. */
export async function stagePatch(
  action: StageAction,
  target: InstallTarget,
  opts: Pick<RunInstallOptions, 'now'> = {},
): Promise<InstallOutcome> {
  const now = opts.now ?? Date.now
  const startedAtMs = now()
  const done = (ok: boolean, reason: string, stagedPath?: string): InstallOutcome => ({
    ok,
    reason,
    outputTail: '',
    ...(stagedPath === undefined ? {} : { stagedPath }),
    startedAtMs,
    finishedAtMs: now(),
  })

  const fileName = `${target.name}-${target.version}`
  const unsafe = checkFileName(fileName)
  if (unsafe !== undefined)
    return done(false, `cannot stage as ${JSON.stringify(fileName)}: ${unsafe}`)

  const dest = join(action.directory, fileName)
  const temp = join(action.directory, `.${fileName}.${randomBytes(6).toString('hex')}.tmp`)
  try {
    await makeDirectory(action.directory)
    const digest = await copySynced(target.path, temp)
    if (target.sha256 !== undefined && !digest.equals(target.sha256)) {
      await rm(temp, { force: true })

      return done(false, `staged copy of ${target.path} does not match the patch's sha256`)
    }
    await rename(temp, dest)
    await syncDirectory(action.directory)
  } catch (err) {
    await rm(temp, { force: true }).catch(() => undefined)

    return done(false, `staging into ${action.directory} failed: ${(err as Error).message}`)
  }

  return done(true, `staged as ${dest}`, dest)
}

/** Copies `from` to the new file `to`, syncs it and returns the SHA-256 of the bytes written. */
async function copySynced(from: string, to: string): Promise<Buffer> {
  const hash = createHash('sha256')
  const src = await open(from, 'r')
  try {
    const dst = await open(to, 'wx')
    try {
      const buf = Buffer.allocUnsafe(COPY_BUFFER_BYTES)
      for (;;) {
        const { bytesRead } = await src.read(buf, 0, buf.byteLength, null)
        if (bytesRead === 0) break

        const chunk = buf.subarray(0, bytesRead)
        hash.update(chunk)
        await dst.write(chunk)
      }
      await dst.sync()
    } finally {
      await dst.close()
    }
  } finally {
    await src.close()
  }

  return hash.digest()
}

/** Makes a rename in `dir` durable. Some file systems cannot sync a directory; that is not fatal. */
async function syncDirectory(dir: string): Promise<void> {
  const handle = await open(dir, 'r')
  try {
    await handle.sync()
  } catch (err) {
    const code = (err as { code?: unknown }).code
    if (code !== 'EINVAL' && code !== 'EISDIR' && code !== 'EPERM') throw err
  } finally {
    await handle.close()
  }
}

/**
 * Why `name` cannot be a file name in the staging directory, or undefined when it can. Name and
 * version come from a signed announcement, but are still kept from naming anything outside it.
 */
function checkFileName(name: string): string | undefined {
  if (name.startsWith('.')) return 'it starts with a dot'
  // eslint-disable-next-line no-control-regex -- control characters are exactly what is refused
  if (/[/\\\u0000-\u001f\u007f]/.test(name))
    return 'it contains a path separator or control character'
  if (Buffer.byteLength(name) > MAX_NAME_BYTES) return `it is longer than ${MAX_NAME_BYTES} bytes`

  return undefined
}
