/**
 * Runs patchmesh daemons as real processes for end-to-end tests: each started with the CLI,
 * ready when it prints its ready line, observed through its events file, and always stopped.
 */
import { spawn } from 'node:child_process'
import type { ChildProcess } from 'node:child_process'
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { createInterface } from 'node:readline'

const bin = join(import.meta.dirname, '../../bin/patchmesh.js')

export interface Daemon {
  name: string
  child: ChildProcess
  peerId: string
  addresses: string[]
  eventsFile: string
  stderr: string[]
}

/** Starts `patchmesh <args> --json --events <file>` and waits for its ready line. */
export async function startDaemon(
  name: string,
  args: string[],
  eventsFile: string,
): Promise<Daemon> {
  const child = spawn(process.execPath, [bin, ...args, '--json', '--events', eventsFile], {
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  const stderr: string[] = []
  createInterface({ input: child.stderr }).on('line', (line) => stderr.push(line))

  const ready = await new Promise<{ peerId: string; addresses: string[] }>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${name} not ready in 60 s`)), 60_000)
    createInterface({ input: child.stdout }).once('line', (line) => {
      clearTimeout(timer)
      try {
        resolve(JSON.parse(line) as { peerId: string; addresses: string[] })
      } catch {
        reject(new Error(`${name} printed "${line}"; stderr: ${stderr.join('\n')}`))
      }
    })
    child.once('exit', (code) => {
      clearTimeout(timer)
      reject(new Error(`${name} exited with ${code} before it was ready: ${stderr.join('\n')}`))
    })
  })

  return { name, child, eventsFile, stderr, ...ready }
}

/** Stops a daemon with `signal` (default SIGTERM) and waits for it to exit. */
export async function stopDaemon(
  daemon: Daemon,
  signal: NodeJS.Signals = 'SIGTERM',
): Promise<void> {
  const { child } = daemon
  if (child.exitCode !== null || child.signalCode !== null) return

  const exited = new Promise((resolve) => child.once('exit', resolve))
  child.kill(signal)
  const timer = setTimeout(() => child.kill('SIGKILL'), 15_000)
  await exited
  clearTimeout(timer)
}

export interface NodeEvent {
  event: string
  [field: string]: unknown
}

/** Every event in a daemon's events file so far. */
export async function readEvents(file: string): Promise<NodeEvent[]> {
  const text = await readFile(file, 'utf8').catch(() => '')
  return text
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
