/**
 * The install action: run a configured command on the verified patch file, or stage the file into
 * a directory. Either way the result is an {@link InstallOutcome}; a command that is missing,
 * fails or hangs is an outcome with ok=false, never a thrown error.
 */
import { spawn } from 'node:child_process'
import type { ChildProcess } from 'node:child_process'
import { stat } from 'node:fs/promises'

import { component } from '../log.ts'
import type { Logger } from '../log.ts'
import { InstallActionError } from './errors.ts'
import { stagePatch } from './stage.ts'
import type { StageAction } from './stage.ts'
import type { InstallOutcome } from './types.ts'

export { stagePatch } from './stage.ts'
export type { StageAction } from './stage.ts'

/** Default time a command may run: 10 minutes. */
export const DEFAULT_INSTALL_TIMEOUT_MS = 10 * 60_000
/** Default time between SIGTERM and SIGKILL to a timed-out command's process group: 5 s. */
export const DEFAULT_KILL_GRACE_MS = 5_000
/** Default amount of combined stdout and stderr kept: the last 4 KiB. */
export const DEFAULT_OUTPUT_TAIL_BYTES = 4 * 1024
/** How long to read output after the command exits, for children still holding its pipes. */
const DRAIN_MS = 1_000

/**
 * Runs `command ...args <patch file>` directly, without a shell, in a process group of its own.
 * The environment also carries PATCHMESH_PATCH_ID, PATCHMESH_PATCH_NAME, PATCHMESH_PATCH_VERSION.
 */
export interface CommandAction {
  kind: 'command'
  /** A path, or a name looked up on PATH. */
  command: string
  /** Arguments before the patch file's path. Default none. */
  args?: readonly string[]
  /** Default {@link DEFAULT_INSTALL_TIMEOUT_MS}; then the process group is killed. */
  timeoutMs?: number
  /** Default {@link DEFAULT_KILL_GRACE_MS}. */
  killGraceMs?: number
  /** Default: the node's working directory. */
  cwd?: string
  /** Default: the node's environment. */
  env?: Readonly<Record<string, string>>
}

export type InstallAction = CommandAction | StageAction

/** The verified patch file to install. */
export interface InstallTarget {
  patchId: string
  /** From the announcement; staging names the file `<name>-<version>`. */
  name: string
  version: string
  /** The whole verified file. */
  path: string
  /** The announcement's whole-file hash; when given, a staged copy is checked against it. */
  sha256?: Uint8Array
}

export interface RunInstallOptions {
  log?: Logger
  /** Default Date.now. */
  now?: () => number
  /** Default {@link DEFAULT_OUTPUT_TAIL_BYTES}. */
  outputTailBytes?: number
}

/** Runs `action` on `target` once and reports how it went. */
export async function runInstall(
  action: InstallAction,
  target: InstallTarget,
  opts: RunInstallOptions = {},
): Promise<InstallOutcome> {
  const log = opts.log === undefined ? undefined : component(opts.log, 'install:runner')
  log?.info({ patchId: target.patchId, action: action.kind }, 'install started')

  const outcome =
    action.kind === 'command'
      ? await runCommand(action, target, opts)
      : await stagePatch(action, target, opts)

  const fields = { patchId: target.patchId, reason: outcome.reason, exitCode: outcome.exitCode }
  if (outcome.ok) log?.info(fields, 'install succeeded')
  else log?.error({ ...fields, outputTail: outcome.outputTail }, 'install failed')

  return outcome
}

/** The command half of {@link runInstall}. Throws InstallActionError for a bad configuration. */
export async function runCommand(
  action: CommandAction,
  target: InstallTarget,
  opts: RunInstallOptions = {},
): Promise<InstallOutcome> {
  const now = opts.now ?? Date.now
  const timeoutMs = positive('timeoutMs', action.timeoutMs ?? DEFAULT_INSTALL_TIMEOUT_MS)
  const graceMs = positive('killGraceMs', action.killGraceMs ?? DEFAULT_KILL_GRACE_MS)
  const tail = new OutputTail(
    positive('outputTailBytes', opts.outputTailBytes ?? DEFAULT_OUTPUT_TAIL_BYTES),
  )
  if (action.command === '') throw new InstallActionError('command', 'is empty')

  const startedAtMs = now()
  const done = (ok: boolean, reason: string, more: Partial<InstallOutcome> = {}) => ({
    ok,
    reason,
    ...more,
    outputTail: tail.text(),
    startedAtMs,
    finishedAtMs: now(),
  })

  // Node reports a missing working directory as the command being missing (ENOENT).
  if (action.cwd !== undefined && !(await isDirectory(action.cwd))) {
    return done(false, `working directory not found: ${action.cwd}`)
  }

  const env = {
    ...(action.env ?? process.env),
    PATCHMESH_PATCH_ID: target.patchId,
    PATCHMESH_PATCH_NAME: target.name,
    PATCHMESH_PATCH_VERSION: target.version,
  }
  let child: ChildProcess
  try {
    child = spawn(action.command, [...(action.args ?? []), target.path], {
      cwd: action.cwd,
      env,
      detached: true,
      shell: false,
      stdio: ['ignore', 'pipe', 'pipe'],
    })
  } catch (err) {
    return done(false, startFailure(action.command, err))
  }

  return await new Promise<InstallOutcome>((resolve) => {
    let timedOut = false
    let killed = false
    let exit: { code: number | null; signal: NodeJS.Signals | null } | undefined
    const timers: NodeJS.Timeout[] = []
    const later = (ms: number, fn: () => void) => timers.push(setTimeout(fn, ms))

    const killGroup = (signal: NodeJS.Signals) => {
      if (child.pid === undefined) return
      try {
        process.kill(-child.pid, signal)
      } catch {
        // ESRCH: everyone in the group has already gone.
      }
    }

    let finished = false
    const finish = (outcome: InstallOutcome) => {
      if (finished) return

      finished = true
      timers.forEach(clearTimeout)
      child.stdout?.destroy()
      child.stderr?.destroy()
      // A timed-out command's children die with it, grace period or not.
      if (timedOut && !killed) killGroup('SIGKILL')
      resolve(outcome)
    }

    const settle = () => {
      if (exit === undefined) return

      const more = { exitCode: exit.code ?? undefined, signal: exit.signal ?? undefined }
      if (timedOut) {
        finish(done(false, `command timed out after ${timeoutMs} ms; process group killed`, more))
      } else if (exit.code === 0) {
        finish(done(true, 'command succeeded', more))
      } else if (exit.code !== null) {
        finish(done(false, `command exited with code ${exit.code}`, more))
      } else {
        finish(done(false, `command killed by ${exit.signal}`, more))
      }
    }

    const timeout = setTimeout(() => {
      timedOut = true
      killGroup('SIGTERM')
      later(graceMs, () => {
        killed = true
        killGroup('SIGKILL')
      })
    }, timeoutMs)
    timers.push(timeout)

    child.stdout?.on('data', (b: Buffer) => tail.push(b))
    child.stderr?.on('data', (b: Buffer) => tail.push(b))
    child.on('error', (err) => {
      // Only a command that never started ends the run here; a started one ends by exiting.
      if (child.pid === undefined) finish(done(false, startFailure(action.command, err)))
    })
    child.on('exit', (code, signal) => {
      exit = { code, signal }
      clearTimeout(timeout)
      // Children that outlive the command may hold its pipes open; stop reading soon after.
      later(DRAIN_MS, settle)
    })
    child.on('close', settle)
  })
}

/** Keeps the last `limit` bytes pushed. */
class OutputTail {
  readonly #limit: number
  #chunks: Buffer[] = []
  #bytes = 0

  constructor(limit: number) {
    this.#limit = limit
  }

  push(chunk: Buffer): void {
    this.#chunks.push(chunk)
    this.#bytes += chunk.byteLength
    while (this.#bytes - this.#chunks[0].byteLength >= this.#limit) {
      this.#bytes -= this.#chunks[0].byteLength
      this.#chunks.shift()
    }
  }

  text(): string {
    const all = Buffer.concat(this.#chunks)
    let tail = all.subarray(Math.max(0, all.byteLength - this.#limit))
    // The cut may fall inside a UTF-8 sequence: drop its continuation bytes (10xxxxxx).
    let skip = 0
    while (skip < 3 && skip < tail.byteLength && (tail[skip] & 0xc0) === 0x80) skip++
    tail = tail.subarray(skip)

    return tail.toString('utf8')
  }
}

function startFailure(command: string, err: unknown): string {
  const code = (err as { code?: unknown }).code
  if (code === 'ENOENT') return `command not found: ${command}`
  if (code === 'EACCES') return `command not executable: ${command}`

  return `command could not start: ${command}: ${(err as Error).message}`
}

async function isDirectory(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isDirectory()
  } catch {
    return false
  }
}

function positive(field: string, value: number): number {
  if (!Number.isFinite(value) || value <= 0) {
    throw new InstallActionError(field, `must be a positive number, got ${value}`)
  }

  return value
}
