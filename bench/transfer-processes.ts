/**
 * Child processes for transfer.bench.ts: started with the Node.js running the bench, read line by
 * line, and always stopped, even when the bench fails or its process exits early.
 */
import { spawn } from 'node:child_process'
import type { ChildProcess } from 'node:child_process'
import { readFile } from 'node:fs/promises'
import { createInterface } from 'node:readline'

import { NODE_FLAGS } from '../src/util/runtime.ts'

/** One child process and what it printed so far. */
export class Child {
  readonly name: string
  readonly process: ChildProcess
  readonly stdout: string[] = []
  readonly stderr: string[] = []
  readonly #waiters = new Set<() => void>()

  constructor(name: string, args: string[]) {
    guard()
    this.name = name
    // Every child, patchmesh's and the baselines', runs with patchmesh's V8 options.
    this.process = spawn(process.execPath, [...NODE_FLAGS, ...args], {
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    running.add(this)
    this.process.once('exit', () => {
      running.delete(this)
      this.#wake()
    })
    createInterface({ input: this.process.stdout! }).on('line', (line) => {
      this.stdout.push(line)
      this.#wake()
    })
    createInterface({ input: this.process.stderr! }).on('line', (line) => this.stderr.push(line))
  }

  get pid(): number {
    return this.process.pid!
  }

  get exited(): boolean {
    return this.process.exitCode !== null || this.process.signalCode !== null
  }

  /**
   * The first JSON line on standard output that `match` accepts, parsed. Fails when the child
   * exits without printing one, or after `timeoutMs`.
   */
  async json<T>(match: (value: T) => boolean, timeoutMs: number): Promise<T> {
    const deadline = performance.now() + timeoutMs
    for (;;) {
      for (const line of this.stdout) {
        const value = parseJson<T>(line)
        if (value !== undefined && match(value)) return value
      }
      if (this.exited) throw this.#error(`exited (${this.#exitStatus()}) before printing it`)
      const left = deadline - performance.now()
      if (left <= 0) throw this.#error(`printed nothing expected in ${timeoutMs} ms`)
      await this.#changed(left)
    }
  }

  /** Stops the child with SIGTERM, SIGKILL if it is still there after `graceMs`. */
  async stop(graceMs = 10_000): Promise<void> {
    if (this.exited) return

    const exited = new Promise((resolve) => this.process.once('exit', resolve))
    this.process.kill('SIGTERM')
    const timer = setTimeout(() => this.process.kill('SIGKILL'), graceMs)
    await exited
    clearTimeout(timer)
  }

  async #changed(timeoutMs: number): Promise<void> {
    let wake: () => void = () => undefined
    const changed = new Promise<void>((resolve) => (wake = resolve))
    this.#waiters.add(wake)
    const timer = setTimeout(wake, timeoutMs)
    await changed
    clearTimeout(timer)
    this.#waiters.delete(wake)
  }

  #wake(): void {
    for (const wake of this.#waiters) wake()
  }

  #exitStatus(): string {
    return `code ${this.process.exitCode}, signal ${this.process.signalCode}`
  }

  #error(what: string): Error {
    // The CLI reports its own failures on standard output when started with --json.
    const output = [...this.stdout.slice(-5), ...this.stderr.slice(-20)].join('\n')
    return new Error(`${this.name} ${what}; last output:\n${output}`)
  }
}

/** Every child not yet exited. */
const running = new Set<Child>()
let guarded = false

/**
 * Kills every running child outright should this process exit, or be interrupted or terminated,
 * before it stopped them; installed with the first child, so importing this file changes nothing.
 */
function guard(): void {
  if (guarded) return

  guarded = true
  const killAll = () => {
    for (const child of running) child.process.kill('SIGKILL')
  }
  process.once('exit', killAll)
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      killAll()
      process.kill(process.pid, signal)
    })
  }
}

/** Runs `work` with a way to start children, and stops every one of them afterwards. */
export async function withChildren<T>(
  work: (start: (name: string, args: string[]) => Child) => Promise<T>,
): Promise<T> {
  const started: Child[] = []
  try {
    return await work((name, args) => {
      const child = new Child(name, args)
      started.push(child)
      return child
    })
  } finally {
    await Promise.all(started.map((child) => child.stop()))
  }
}

/** Peak resident set size of a live process, KiB (VmHWM in /proc/<pid>/status; Linux only). */
export async function peakRssKiB(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8')
  const match = /^VmHWM:\s+(\d+) kB$/m.exec(status)
  if (match === null) throw new Error(`no VmHWM in /proc/${pid}/status`)

  return Number(match[1])
}

/** USER_HZ, 100 on every Linux architecture Node.js runs on. */
const CLOCK_TICKS_PER_SECOND = 100

/** CPU time (user and system, every thread) a live process has used so far, ms; Linux only. */
export async function cpuMs(pid: number): Promise<number> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8')
  // Fields 14 and 15, counted after the command name, which may itself hold spaces.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
  const ticks = Number(fields[11]) + Number(fields[12])

  return (ticks * 1000) / CLOCK_TICKS_PER_SECOND
}

function parseJson<T>(line: string): T | undefined {
  if (!line.startsWith('{')) return undefined
  try {
    return JSON.parse(line) as T
  } catch {
    return undefined
  }
}
