/**
 * How commands talk to people and scripts: results on standard output (one JSON document with
 * --json), progress and errors on standard error, and exit code 1 for any failure.
 */
import cliProgress from 'cli-progress'
import { toHex } from '../util/bytes.ts'
import { formatBytes } from '../util/units.ts'

/** Prints `value` as JSON or, for people, as the text `human` returns. */
export function emit<T>(json: boolean, value: T, human: (v: T) => string): void {
  process.stdout.write(json ? JSON.stringify(value, null, 2) + '\n' : human(value) + '\n')
}

/** Fields of an error worth showing (name, message and its own data, such as a chunk index). */
export function describeError(err: unknown): Record<string, unknown> {
  if (!(err instanceof Error)) return { name: 'Error', message: String(err) }

  const fields: Record<string, unknown> = { name: err.name, message: err.message }
  for (const [key, value] of Object.entries(err)) {
    if (['stack', 'cause'].includes(key)) continue
    fields[key] = value instanceof Uint8Array ? toHex(value) : value
  }

  return fields
}

/**
 * Reports a failure as one line (or one JSON document) and exits 1. A file-system error names
 * its path and what the system said; the stack is shown only with PATCHMESH_DEBUG=1, since
 * what an operator needs is what failed, not where in the code.
 */
export function fail(err: unknown, json: boolean): never {
  const described = describeError(err)
  if (json) {
    process.stdout.write(JSON.stringify({ ok: false, error: described }, null, 2) + '\n')
  } else {
    console.error(`patchmesh: ${oneLine(err)}`)
    if (process.env.PATCHMESH_DEBUG === '1') console.error(err)
  }
  process.exit(1)
}

function oneLine(err: unknown): string {
  if (!(err instanceof Error)) return String(err)

  const { code, path } = err as NodeJS.ErrnoException
  if (typeof code === 'string' && typeof path === 'string') {
    const reasons: Record<string, string> = {
      ENOENT: 'no such file or directory',
      EISDIR: 'is a directory, not a file',
      ENOTDIR: 'a part of the path is not a directory',
      EACCES: 'permission denied',
      EEXIST: 'already exists',
      ENAMETOOLONG: 'file name too long',
      ENOSPC: 'no space left on the device',
      ESPIPE: 'is a pipe, not a file',
    }
    return `${path}: ${reasons[code] ?? err.message} (${code})`
  }

  return err.name === 'Error' ? err.message : `${err.message} (${err.name})`
}

/**
 * A byte progress bar on a terminal, or nothing when standard error is not one (logs and CI
 * stay clean). Returns the callback to feed and a function that ends the bar.
 */
export function byteProgress(label: string, quiet: boolean) {
  if (quiet || process.stderr.isTTY !== true) {
    return { update: (_done: number, _total: number) => {}, stop: () => {} }
  }

  const bar = new cliProgress.SingleBar(
    {
      format: `${label} [{bar}] {percentage}% {done} / {size}`,
      stream: process.stderr,
      hideCursor: true,
      clearOnComplete: true,
    },
    cliProgress.Presets.shades_classic,
  )
  let started = false

  return {
    update: (done: number, total: number) => {
      const payload = { done: formatBytes(done), size: formatBytes(total) }
      if (!started) bar.start(Math.max(total, 1), 0, payload)
      started = true
      bar.update(done, payload)
    },
    stop: () => {
      if (started) bar.stop()
    },
  }
}
