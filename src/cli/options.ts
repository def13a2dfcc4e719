/** Option parsers shared by commands: they turn bad input into commander's usage errors. */
import { InvalidArgumentError } from 'commander'
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
