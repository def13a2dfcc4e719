import { mkdir, readFile, stat } from 'node:fs/promises'
import { dirname, resolve } from 'node:path'

/** A file that cannot be an input of the kind asked: missing, not a regular file, too large. */
export class InputFileError extends Error {
  override readonly name = 'InputFileError'
  readonly path: string

  constructor(path: string, what: string, reason: string) {
    super(`${what} ${path}: ${reason}`)
    this.path = path
  }
}

/**
 * Reads a small input file (a signed record, a manifest) after checking that it is a regular
 * file no larger than `maxBytes`, so a wrong path or a huge file fails at once with a message
 * that names it, instead of after reading gigabytes.
 */
export async function readBoundedFile(
  path: string,
  maxBytes: number,
  what: string,
): Promise<Uint8Array> {
  const info = await stat(path).catch((err: NodeJS.ErrnoException) => {
    throw new InputFileError(path, what, err.code === 'ENOENT' ? 'no such file' : err.message)
  })
  if (!info.isFile()) throw new InputFileError(path, what, 'is not a regular file')
  if (info.size > maxBytes) {
    throw new InputFileError(path, what, `${info.size} bytes is over the limit of ${maxBytes}`)
  }

  return new Uint8Array(await readFile(path))
}

/** Runs `fn`; an error it throws gets " (in <path>)" added to its message, keeping its class. */
export async function naming<T>(path: string, fn: () => T | Promise<T>): Promise<T> {
  try {
    return await fn()
  } catch (err) {
    if (err instanceof Error && !err.message.includes(path)) err.message += ` (in ${path})`
    throw err
  }
}

/**
 * Creates `path` and its missing parents, like `mkdir -p`, with `mode` on those it creates; a
 * directory already there is fine. Levels are made one at a time: Node's recursive mkdir never
 * returns for a path under /proc. A level that exists but is not a directory fails with ENOTDIR.
 */
export async function makeDirectory(path: string, mode?: number): Promise<void> {
  const missing: string[] = []
  for (let at = resolve(path); ; at = dirname(at)) {
    const found = await stat(at).catch((err: NodeJS.ErrnoException) => {
      // ENOTDIR: a level above is a file; walking up finds it and says so.
      if (err.code === 'ENOENT' || err.code === 'ENOTDIR') return undefined
      throw err
    })
    if (found !== undefined) {
      if (found.isDirectory()) break
      throw Object.assign(new Error(`ENOTDIR: not a directory, mkdir '${at}'`), {
        code: 'ENOTDIR',
        path: at,
      })
    }
    missing.unshift(at)
    if (dirname(at) === at) break
  }

  for (const level of missing) {
    await mkdir(level, { mode }).catch((err: NodeJS.ErrnoException) => {
      // Made meanwhile by someone else: what was asked for is there.
      if (err.code !== 'EEXIST') throw err
    })
  }
}
