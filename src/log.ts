/**
 * The one logger. Each part takes a Logger and derives a child named after its folder
 * (`patchmesh:node:fetch`); identifiers (patch, peer, chunk) go in fields, never secrets:
 * fields that may hold one are redacted, and SigningKey serialises without its secret.
 */
import { pino } from 'pino'
import type { DestinationStream, Logger as PinoLogger, LevelWithSilent } from 'pino'

export type Logger = PinoLogger

export interface LoggerOptions {
  /** Default "info"; "silent" turns logging off. */
  level?: LevelWithSilent
  /** Where lines go. Default: standard error, so standard output stays for results. */
  destination?: DestinationStream
}

const REDACT = ['seed', 'secretKey', 'token', '*.seed', '*.secretKey', '*.token', 'authorization']

export function createLogger(opts: LoggerOptions = {}): Logger {
  return pino(
    {
      level: opts.level ?? 'info',
      base: undefined,
      redact: { paths: REDACT, censor: '[redacted]' },
    },
    opts.destination ?? pino.destination(2),
  )
}

/** A child logger for one component, e.g. `component(log, 'node:fetch')`. */
export function component(log: Logger, name: string): Logger {
  return log.child({ component: `patchmesh:${name}` })
}
