/**
 * What the fleet asks of this machine: root, `ip` and `tc`; running their commands; reading
 * interface counters; and removing a run's namespaces with every process still inside them.
 */
import { execFile, execFileSync } from 'node:child_process'
import { accessSync, constants } from 'node:fs'
import { delimiter, join } from 'node:path'
import { promisify } from 'node:util'
import type { CommandLine } from './commands.ts'
import { countersCommand, parseCounters } from './commands.ts'
import { NetlabCommandError, NetlabPrerequisiteError } from './errors.ts'
import { staleRuns } from './plan.ts'

const run = promisify(execFile)

/** A command gets this long before it counts as failed: 20 s. */
const COMMAND_TIMEOUT_MS = 20_000

/** The first executable called `name` in the directories of `path` (a PATH value). */
export function findOnPath(name: string, path: string | undefined): string | undefined {
  for (const dir of (path ?? '').split(delimiter)) {
    if (dir === '') continue
    try {
      accessSync(join(dir, name), constants.X_OK)
      return join(dir, name)
    } catch {
      // not here; next directory
    }
  }

  return undefined
}

/** What is missing to build a fleet, for a user id and a PATH; empty when nothing is. */
export function missingPrerequisites(uid: number, path: string | undefined): string[] {
  const missing: string[] = []
  if (uid !== 0) missing.push(`root (this is user id ${uid}; run it with sudo)`)
  if (findOnPath('ip', path) === undefined) missing.push('`ip` on PATH (package iproute2)')
  if (findOnPath('tc', path) === undefined) missing.push('`tc` on PATH (package iproute2)')

  return missing
}

/** Throws {@link NetlabPrerequisiteError} unless this process may build a fleet. */
export function checkPrerequisites(uid = process.getuid?.() ?? -1, path = process.env.PATH): void {
  const missing = missingPrerequisites(uid, path)
  if (missing.length > 0) throw new NetlabPrerequisiteError(missing)
}

/** Runs one command; its standard output, or a {@link NetlabCommandError}. */
export async function runCommand(command: CommandLine): Promise<string> {
  const [program, ...args] = command
  try {
    const { stdout } = await run(program, args, { timeout: COMMAND_TIMEOUT_MS })
    return stdout
  } catch (err) {
    const { stderr, message } = err as { stderr?: string; message: string }
    throw new NetlabCommandError(command, stderr !== undefined && stderr !== '' ? stderr : message)
  }
}

/** Bytes received and sent by `dev` in `namespace`, as the kernel counts them. */
export async function readCounters(
  namespace: string,
  dev: string,
): Promise<{ rxBytes: number; txBytes: number }> {
  return parseCounters(await runCommand(countersCommand(namespace, dev)))
}

/** Names of every network namespace on this machine. */
export function parseNamespaceList(output: string): string[] {
  return output
    .split('\n')
    .map((line) => line.trim().split(/\s+/)[0] ?? '')
    .filter((name) => name !== '')
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM'
  }
}

function listNamespacesSync(): string[] {
  return parseNamespaceList(execFileSync('ip', ['netns', 'list'], { encoding: 'utf8' }))
}

/**
 * Removes every namespace whose name starts with `prefix-`: kills the processes inside it
 * (a namespace outlives its name while a process holds it), then deletes it, which takes its
 * veth ends, and their peers, with it. Synchronous, so that it also runs from an exit handler.
 * Returns the namespaces removed.
 */
export function removeRunSync(prefix: string): string[] {
  const mine = listNamespacesSync().filter((ns) => ns.startsWith(`${prefix}-`))
  for (const ns of mine) {
    const pids = execFileSync('ip', ['netns', 'pids', ns], { encoding: 'utf8' })
      .split('\n')
      .map(Number)
      .filter((pid) => pid > 0 && pid !== process.pid)
    for (const pid of pids) {
      try {
        process.kill(pid, 'SIGKILL')
      } catch {
        // gone already
      }
    }
  }
  for (const ns of mine) {
    try {
      execFileSync('ip', ['netns', 'del', ns], { stdio: 'ignore' })
    } catch {
      // removed meanwhile
    }
  }

  return mine
}

/** Removes the namespaces of runs whose process is gone; returns their prefixes. */
export function removeStaleRuns(): string[] {
  const stale = staleRuns(listNamespacesSync(), isAlive, process.pid)
  for (const prefix of stale) removeRunSync(prefix)

  return stale
}

/** Namespaces of this machine that start with `prefix-`. */
export function namespacesOfRun(prefix: string): string[] {
  return listNamespacesSync().filter((ns) => ns.startsWith(`${prefix}-`))
}
