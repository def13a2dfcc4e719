/**
 * Runs patchmesh daemons as real processes, for the demo and end-to-end tests: each started with
 * the CLI, ready when it prints its ready line, observed through its events file, and always
 * stopped.
 */
import { spawn } from 'node:child_process'
import type { ChildProcess } from 'node:child_process'
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { createInterface } from 'node:readline'

import { NODE_FLAGS } from '../util/runtime.ts'

const bin = join(import.meta.dirname, '../../bin/patchmesh.js')

/** How long a daemon may take to print its ready line: 60 s. */
const READY_TIMEOUT_MS = 60_000
/** How long a daemon may take to stop after SIGTERM before it is killed: 15 s. */
const STOP_GRACE_MS = 15_000

export interface Daemon {
  name: string
  child: ChildProcess
  peerId: string
  addresses: string[]
  /** The whole ready line (the coordinator's carries `urls` and `tokenFile`). */
  ready: Record<string, unknown>
  eventsFile: string
  stderr: string[]
}

export interface StartOptions {
  /** Stop waiting (and kill the process) when this aborts. */
  signal?: AbortSignal
  /** Told of the process as soon as it is spawned, before it is ready. */
  onSpawn?: (child: ChildProcess) => void
}

/** Starts `patchmesh <args> --json --events <file>` and waits for its ready line. */
export async function startDaemon(
  name: string,
  args: string[],
  eventsFile: string,
  opts: StartOptions = {},
): Promise<Daemon> {
  opts.signal?.throwIfAborted()
  const argv = [...NODE_FLAGS, bin, ...args, '--json', '--events', eventsFile]
  const child = spawn(process.execPath, argv, { stdio: ['ignore', 'pipe', 'pipe'] })
  opts.onSpawn?.(child)
  const stderr: string[] = []
  createInterface({ input: child.stderr }).on('line', (line) => stderr.push(line))

  let onAbort: (() => void) | undefined
  try {
    const ready = await new Promise<Record<string, unknown>>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`${name} not ready in 60 s`)),
        READY_TIMEOUT_MS,
      )
      onAbort = () => {
        clearTimeout(timer)
        reject(opts.signal?.reason as Error)
      }
      opts.signal?.addEventListener('abort', onAbort, { once: true })
      createInterface({ input: child.stdout }).once('line', (line) => {
        clearTimeout(timer)
        try {
          resolve(JSON.parse(line) as Record<string, unknown>)
        } catch {
          reject(new Error(`${name} printed "${line}"; stderr: ${stderr.join('\n')}`))
        }
      })
      child.once('exit', (code) => {
        clearTimeout(timer)
        reject(new Error(`${name} exited with ${code} before it was ready: ${stderr.join('\n')}`))
      })
    })

    return {
      name,
      child,
      eventsFile,
      stderr,
      ready,
      peerId: ready.peerId as string,
      addresses: ready.addresses as string[],
    }
  } catch (err) {
    await stopChild(child)
    throw err
  } finally {
    if (onAbort !== undefined) opts.signal?.removeEventListener('abort', onAbort)
  }
}

/** Stops a daemon with `signal` (default SIGTERM) and waits for it to exit. */
export async function stopDaemon(
  daemon: Daemon,
  signal: NodeJS.Signals = 'SIGTERM',
): Promise<void> {
  await stopChild(daemon.child, signal)
}

async function stopChild(child: ChildProcess, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return

  const exited = new Promise((resolve) => child.once('exit', resolve))
  child.kill(signal)
  const timer = setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS)
  await exited
  clearTimeout(timer)
}

/**
 * Every process a run started, also those not ready yet, so that all of them are stopped
 * together whatever happens. Should this process exit without stopping them (an uncaught
 * error), they are killed on the way out.
 */
export class DaemonGroup {
  readonly #children = new Set<ChildProcess>()
  readonly #killAll = () => {
    for (const child of this.#children) if (child.exitCode === null) child.kill('SIGKILL')
  }

  constructor() {
    process.on('exit', this.#killAll)
  }

  start(name: string, args: string[], eventsFile: string, signal?: AbortSignal): Promise<Daemon> {
    return startDaemon(name, args, eventsFile, {
      signal,
      onSpawn: (child) => this.#children.add(child),
    })
  }

  /** Stops every process (SIGTERM, then SIGKILL after 15 s) and waits for each to exit. */
  async stopAll(): Promise<void> {
    await Promise.all([...this.#children].map((child) => stopChild(child)))
    this.#children.clear()
    process.off('exit', this.#killAll)
  }
}

export interface NodeEvent {
  event: string
  [field: string]: unknown
}

/** Every event in a daemon's events file so far (a line still being written is left out). */
export async function readEvents(file: string): Promise<NodeEvent[]> {
  const text = await readFile(file, 'utf8').catch(() => '')
  return text
    .slice(0, text.lastIndexOf('\n') + 1)
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as NodeEvent)
}

/** Polls `file` until `predicate` holds for its events, or fails after `timeoutMs`. */
export async function waitForEvents(
  file: string,
  predicate: (events: NodeEvent[]) => boolean,
  timeoutMs = 120_000,
): Promise<NodeEvent[]> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const events = await readEvents(file)
    if (predicate(events)) return events
    if (Date.now() > deadline) throw new Error(`timed out waiting on events in ${file}`)
    await new Promise((resolve) => setTimeout(resolve, 200))
  }
}
