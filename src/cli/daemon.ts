/**
 * What the long-running commands share: the logger from --log-level, a ready line on standard
 * output that scripts can read, and a clean stop on SIGINT and SIGTERM.
 */
import type { Command } from 'commander'
import type { LevelWithSilent } from 'pino'
import { createLogger } from '../log.ts'
import type { Logger } from '../log.ts'

const LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent']

export function addDaemonOptions(command: Command): Command {
  return command
    .option('--log-level <level>', `log detail: ${LEVELS.join(', ')}`, 'info')
    .option('--events <file>', 'append every node event (JSON lines) to this file')
    .option('--json', 'print the ready line as JSON')
}

export function daemonLogger(level: string): Logger {
  if (!LEVELS.includes(level)) throw new Error(`--log-level must be one of ${LEVELS.join(', ')}`)

  return createLogger({ level: level as LevelWithSilent })
}

/** Prints where the daemon listens, once it is ready, for people and for scripts. */
export function printReady(json: boolean, role: string, peerId: string, addresses: string[]): void {
  if (json) {
    process.stdout.write(JSON.stringify({ event: 'ready', role, peerId, addresses }) + '\n')
    return
  }
  process.stdout.write(`${role} ${peerId} ready; peers can bootstrap from:\n`)
  for (const address of addresses) process.stdout.write(`  ${address}\n`)
}

/** Runs `stop` once on SIGINT or SIGTERM, then exits 0 (or 1 if stopping failed). */
export function stopOnSignals(log: Logger, stop: () => Promise<void>): void {
  let stopping = false
  const handler = (signal: string) => {
    if (stopping) return
    stopping = true
    log.info({ signal }, 'stopping')
    stop().then(
      () => process.exit(0),
      (err: unknown) => {
        log.error({ err }, 'stop failed')
        process.exit(1)
      },
    )
  }
  process.on('SIGINT', handler)
  process.on('SIGTERM', handler)
}
