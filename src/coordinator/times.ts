/**
 * Points in time as operators write them for not-before and deadline:
 *
 *   now                         the current time
 *   +2h, +30m, +1d              that long from now (units of src/util/units.ts)
 *   2026-03-01T22:00:00Z        ISO 8601 with "Z" or an offset such as +01:00
 *   2026-03-01T22:00            ISO 8601 without an offset: local time, where allowed
 *   2026-03-01                  a date: its midnight, UTC or local as above
 *   1772402400000               milliseconds since the epoch (the HTTP API also takes a number)
 *
 * The CLI allows local times (its user's clock); the HTTP API does not, since the server's time
 * zone is not the operator's.
 */
import { parseDuration } from '../util/units.ts'
import { InvalidFieldError } from './errors.ts'

const ISO =
  /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,3}))?)?(Z|[+-]\d{2}:?\d{2})?)?$/

export interface ParseTimeOptions {
  /** Read an ISO time without an offset as local time. Default false: such a time is refused. */
  local?: boolean
}

/** Milliseconds since the epoch for `input`; throws InvalidFieldError naming `field`. */
export function parseTime(
  input: string | number,
  nowMs: number,
  field: string,
  opts: ParseTimeOptions = {},
): number {
  if (typeof input === 'number') return checkMs(input, field)

  const text = input.trim()
  if (text === 'now') return nowMs
  if (text.startsWith('+')) {
    try {
      return nowMs + parseDuration(text.slice(1))
    } catch (err) {
      throw new InvalidFieldError(field, (err as Error).message)
    }
  }
  if (/^\d{10,16}$/.test(text)) return checkMs(Number(text), field)

  const match = ISO.exec(text)
  if (match === null) {
    throw new InvalidFieldError(
      field,
      `"${text.slice(0, 80)}" is not a time: use ISO 8601 (2026-03-01T22:00:00Z), +2h or now`,
    )
  }
  const hasTime = match[4] !== undefined
  const offset = match[8]
  if (hasTime && offset === undefined && opts.local !== true) {
    throw new InvalidFieldError(field, `"${text}" has no time zone: add Z or an offset (+01:00)`)
  }

  // Date.parse reads a date alone as UTC and a date-time without offset as local time.
  const normalised = !hasTime && opts.local === true ? `${text}T00:00` : text.replace(' ', 'T')
  const ms = Date.parse(normalised)
  if (Number.isNaN(ms)) throw new InvalidFieldError(field, `"${text}" is not a valid date`)

  return checkMs(ms, field)
}

function checkMs(ms: number, field: string): number {
  if (!Number.isSafeInteger(ms) || ms < 0) {
    throw new InvalidFieldError(field, 'must be a time at or after 1970-01-01')
  }

  return ms
}
