/**
 * patchmesh daemons started inside a namespace (`ip netns exec NS node bin/patchmesh.js ...`),
 * each the leader of its own process group, so that stopping one stops whatever it started and
 * Ctrl-C at the terminal reaches the fleet runner alone, which then stops everything in order.
 */
import { spawn } from 'node:child_process'
import type { ChildProcess } from 'node:child_process'
import { join, resolve } from 'node:path'
import { createInterface } from 'node:readline'

import { NODE_FLAGS } from '../../src/util/runtime.ts'
import { NetlabFleetError } from './errors.ts'

/** The patchmesh entry point of this checkout. */
export const PATCHMESH_BIN = resolve(import.meta.dirname, '../../bin/patchmesh.js')

/** A daemon gets this long to print its ready line: 60 s. */
const READY_TIMEOUT_MS = 60_000

/** After SIGTERM, a daemon gets this long before its group is killed: 10 s. */
const STOP_GRACE_MS = 10_000

export interface NamespacedDaemon {
  name: string
  namespace: string
  child: ChildProcess
  /** The JSON ready line the daemon printed. */
  ready: { peerId: string; addresses: string[]; [field: string]: unknown }
  eventsFile: string
  stderr: string[]
}

/**
 * The command line that runs `patchmesh <args>` in `namespace` with this Node.js (absolute
 * paths, so that it is the same runtime whatever PATH the namespace sees).
 */
export function namespacedCommand(namespace: string, args: string[]): string[] {
  return ['ip', 'netns', 'exec', namespace, process.execPath, ...NODE_FLAGS, PATCHMESH_BIN, ...args]
}

/** Starts `patchmesh <args> --json --events <dir>/<name>.events` in `namespace`; waits for ready. */
export async function startInNamespace(
  name: string,
  namespace: string,
  args: string[],
  dir: string,
  signal?: AbortSignal,
): Promise<NamespacedDaemon> {
  const eventsFile = join(dir, `${name}.events`)
  const [program, ...rest] = namespacedCommand(namespace, [
    ...args,
    '--json',
    '--events',
    eventsFile,
  ])
  const child = spawn(program, rest, { stdio: ['ignore', 'pipe', 'pipe'], detached: true })
  const stderr: string[] = []
  createInterface({ input: child.stderr }).on('line', (line) => {
    stderr.push(line)
    if (stderr.length > 200) stderr.shift()
  })

  const daemon = { name, namespace, child, eventsFile, stderr } as NamespacedDaemon
  let onAbort: (() => void) | undefined
  daemon.ready = await new Promise<NamespacedDaemon['ready']>((resolveReady, reject) => {
    const timer = setTimeout(() => {
      reject(new NetlabFleetError(`${name} not ready in ${READY_TIMEOUT_MS / 1000} s`))
    }, READY_TIMEOUT_MS)
    createInterface({ input: child.stdout }).once('line', (line) => {
      clearTimeout(timer)
      try {
        resolveReady(JSON.parse(line) as NamespacedDaemon['ready'])
      } catch {
        reject(new NetlabFleetError(`${name} printed "${line}": ${stderr.slice(-5).join(' | ')}`))
      }
    })
    child.once('error', (err) => {
      clearTimeout(timer)
      reject(new NetlabFleetError(`${name} could not start: ${err.message}`))
    })
    // Stopped while starting: the caller's teardown cannot see this daemon yet, so stop it here.
    if (signal !== undefined) {
      onAbort = () => reject(signal.reason as Error)
      if (signal.aborted) onAbort()
      signal.addEventListener('abort', onAbort, { once: true })
    }
    child.once('exit', (code, exitSignal) => {
      clearTimeout(timer)
      reject(
        new NetlabFleetError(
          `${name} exited (${code ?? exitSignal}) before it was ready: ${stderr.slice(-5).join(' | ')}`,
        ),
      )
    })
  })
    .catch((err: unknown) => {
      killGroup(child, 'SIGKILL')
      throw err
    })
    .finally(() => {
      if (onAbort !== undefined) signal?.removeEventListener('abort', onAbort)
    })

  return daemon
}

/** Whether the daemon's process has exited. */
export function exited(child: ChildProcess): boolean {
  return child.exitCode !== null || child.signalCode !== null
}

/** Signals the daemon's whole process group; false when it was gone already. */
export function killGroup(child: ChildProcess, signal: NodeJS.Signals): boolean {
  if (child.pid === undefined || exited(child)) return false
  try {
    process.kill(-child.pid, signal)
    return true
  } catch {
    return false
  }
}

/** Stops a daemon: SIGTERM to its group, SIGKILL after a grace period; resolves once it exited. */
export async function stopInNamespace(daemon: NamespacedDaemon): Promise<void> {
  const { child } = daemon
  if (exited(child)) return

  const gone = new Promise((resolveGone) => child.once('exit', resolveGone))
  killGroup(child, 'SIGTERM')
  const timer = setTimeout(() => killGroup(child, 'SIGKILL'), STOP_GRACE_MS)
  await gone
  clearTimeout(timer)
}
