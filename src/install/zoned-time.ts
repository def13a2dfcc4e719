/**
 * Wall-clock time in a named time zone, from the runtime's time zone data through
 * Intl.DateTimeFormat. (Temporal would do this directly, but Node 24 does not ship it.)
 */
import { InvalidTimeZoneError } from './errors.ts'

const MINUTE_MS = 60_000
const DAY_MS = 24 * 60 * MINUTE_MS

/** A calendar date; `weekday` is 0 for Sunday to 6 for Saturday. */
export interface CivilDate {
  year: number
  month: number
  day: number
  weekday: number
}

// Building a formatter costs far more than using one. The cache holds only immutable formatters
// keyed by zone name (a few hundred names exist), so sharing it between nodes shares no state.
const formatters = new Map<string, Intl.DateTimeFormat>()

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone)
  if (f !== undefined) return f

  try {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    })
  } catch (err) {
    throw new InvalidTimeZoneError(timeZone, { cause: err })
  }
  formatters.set(timeZone, f)

  return f
}

/** Throws an InvalidTimeZoneError unless `timeZone` is a zone this runtime knows. */
export function checkTimeZone(timeZone: string): void {
  formatter(timeZone)
}

/** The wall-clock reading at `ms` in `timeZone`, as if it were UTC (whole seconds). */
function wallAsUtc(ms: number, timeZone: string): number {
  const v: Record<string, number> = {}
  for (const part of formatter(timeZone).formatToParts(ms)) {
    if (part.type !== 'literal') v[part.type] = Number(part.value)
  }

  return Date.UTC(v.year, v.month - 1, v.day, v.hour, v.minute, v.second)
}

/** How far `timeZone`'s wall clock is ahead of UTC at the instant `ms`. */
export function offsetAt(ms: number, timeZone: string): number {
  return wallAsUtc(ms, timeZone) - Math.floor(ms / 1000) * 1000
}

/** The local calendar date at the instant `ms`. */
export function localDate(ms: number, timeZone: string): CivilDate {
  return civil(new Date(wallAsUtc(ms, timeZone)))
}

/** The calendar date `days` after `date` (negative for before). */
export function addDays(date: CivilDate, days: number): CivilDate {
  return civil(new Date(Date.UTC(date.year, date.month - 1, date.day + days)))
}

/**
 * The instant the wall clock in `timeZone` reads `minute` minutes after midnight on `date`. A
 * reading that happens twice (clocks going back) is its first occurrence; one that never happens
 * (clocks going forward) is moved later by the length of the gap, so 01:30 on the morning London
 * skips 01:00-02:00 is 02:30 BST. These are Temporal's "compatible" rules.
 */
export function instantAt(date: CivilDate, minute: number, timeZone: string): number {
  const wall = Date.UTC(date.year, date.month - 1, date.day, 0, minute)
  const before = offsetAt(wall - DAY_MS, timeZone)
  const after = offsetAt(wall + DAY_MS, timeZone)

  const candidates = [wall - before, wall - after].filter((t) => offsetAt(t, timeZone) === wall - t)
  if (candidates.length > 0) return Math.min(...candidates)

  // In a gap: read the wall time with the offset in force before the clocks moved.
  return wall - before
}

function civil(d: Date): CivilDate {
  return {
    year: d.getUTCFullYear(),
    month: d.getUTCMonth() + 1,
    day: d.getUTCDate(),
    weekday: d.getUTCDay(),
  }
}
