/** Option parsers shared by commands: they turn bad input into commander's usage errors. */
import { multiaddr } from '@multiformats/multiaddr'
import { InvalidArgumentError } from 'commander'
import { checkTimeZone } from '../install/index.ts'
import { parseDuration, parseSize } from '../util/units.ts'

export function sizeOption(value: string): number {
  try {
    return parseSize(value)
  } catch (err) {
    throw new InvalidArgumentError((err as Error).message)
  }
}

export function durationOption(value: string): number {
  try {
    return parseDuration(value)
  } catch (err) {
    throw new InvalidArgumentError((err as Error).message)
  }
}

export function countOption(value: string): number {
  const n = Number(value)
  if (!Number.isSafeInteger(n) || n < 1) {
    throw new InvalidArgumentError(`expected a whole number of 1 or more, got "${value}"`)
  }

  return n
}

export function selectorOption(value: string, previous: string[] = []): string[] {
  if (!/^[^=\s]+=[^=\s]+$/.test(value)) {
    throw new InvalidArgumentError(`expected key=value, got "${value}"`)
  }

  return [...previous, value]
}

/** A rate in Mbit/s: a plain decimal number >= 0 (0 is no limit); "20Mbit", "-5" are refused. */
export function mbitOption(value: string): number {
  if (!/^(\d+(\.\d*)?|\.\d+)$/.test(value)) {
    throw new InvalidArgumentError(`expected a number of Mbit/s >= 0, got '${value}'`)
  }

  return Number(value)
}

/** An IANA time zone name this runtime knows, e.g. "Europe/London". */
export function timeZoneOption(value: string): string {
  try {
    checkTimeZone(value)
  } catch (err) {
    throw new InvalidArgumentError((err as Error).message)
  }

  return value
}

/**
 * A multiaddr, checked as the command line is read: a bad one is refused before anything (a data
 * directory, an identity) is created.
 */
export function multiaddrOption(value: string): string {
  try {
    multiaddr(value)
  } catch (err) {
    throw new InvalidArgumentError(`not a multiaddr: ${(err as Error).message}`)
  }

  return value
}

/** A repeatable {@link multiaddrOption}. */
export function multiaddrsOption(value: string, previous: string[] = []): string[] {
  return collect(multiaddrOption(value), previous)
}

/** A repeatable option's values, in the order given. */
export function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value]
}
