/**
 * Maintenance windows as operators write them, and as the signed Approval carries them (the
 * Window message in proto/patch.proto, enforced by src/install/windows.ts):
 *
 *   sat 22:00-06:00         Saturdays from 22:00 to 06:00 on Sunday morning
 *   mon-fri 01:00-04:00     weekday nights; ranges may wrap (fri-mon)
 *   mon,wed,fri 12:00-13:00 several days
 *   daily 00:00-24:00       every day, all day
 *   sun 20:00+30h           a start and a length, for windows longer than a day (up to 7d)
 *
 * Days are sun, mon, tue, wed, thu, fri, sat (or their full names), case-insensitive. An end at
 * or before the start runs past midnight. There is no time zone: each node reads windows on its
 * own wall clock, so one approval opens "01:00-04:00" at 01:00 local time at every site.
 */
import type { Window } from '../wire/records.ts'
import { parseDuration } from '../util/units.ts'
import { InvalidFieldError } from './errors.ts'

const DAY_NAMES = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] as const
const FULL_NAMES = ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday']
const ALL_DAYS = 0x7f
const DAY_MINUTES = 24 * 60
const MAX_MINUTES = 7 * DAY_MINUTES

/** Parses one window; throws InvalidFieldError naming `field` and what is wrong. */
export function parseWindow(text: string, field = 'window'): Window {
  const fail = (reason: string): never => {
    throw new InvalidFieldError(field, `${reason} in ${JSON.stringify(text.slice(0, 80))}`)
  }
  const parts = text.trim().split(/\s+/)
  if (parts.length === 3) {
    fail(
      `a window has no time zone (got "${parts[2]}"): nodes read windows on their own clocks, ` +
        'so write the local time, e.g. "sat 22:00-06:00"',
    )
  }
  if (parts.length !== 2) fail('expected days and times, e.g. "mon-fri 01:00-04:00"')

  const days = parseDays(parts[0], fail)
  const span = /^(\d{1,2}:\d{2})(?:-(\d{1,2}:\d{2})|\+(\S+))$/.exec(parts[1])
  if (span === null) fail('expected HH:MM-HH:MM or HH:MM+duration')
  const [, from, to, length] = span!
  const startMinute = parseClock(from, false, fail)
  if (startMinute === DAY_MINUTES) fail('a window cannot start at 24:00')

  let durationMinutes: number
  if (to !== undefined) {
    const end = parseClock(to, true, fail)
    if (end === startMinute) fail('the end equals the start; for a whole day write 00:00-24:00')
    durationMinutes = (end - startMinute + DAY_MINUTES) % DAY_MINUTES || DAY_MINUTES
  } else {
    const ms = parseLength(length, fail)
    if (ms % 60_000 !== 0) fail('the length must be whole minutes')
    durationMinutes = ms / 60_000
  }
  if (durationMinutes < 1 || durationMinutes > MAX_MINUTES) {
    fail('a window lasts from 1 minute to 7 days')
  }

  return { days, startMinute, durationMinutes }
}

/** Writes a window the way {@link parseWindow} reads it. */
export function formatWindow(w: Window): string {
  const start = clock(w.startMinute)
  const end = w.startMinute + w.durationMinutes
  const span =
    w.durationMinutes < DAY_MINUTES || (w.startMinute === 0 && w.durationMinutes === DAY_MINUTES)
      ? `${start}-${end === DAY_MINUTES ? '24:00' : clock(end % DAY_MINUTES)}`
      : `${start}+${lengthText(w.durationMinutes)}`

  return `${formatDays(w.days)} ${span}`
}

/**
 * Checks a window given as the wire's fields (as the HTTP API accepts it); throws
 * InvalidFieldError naming `field` and the bad member.
 */
export function checkWindowFields(w: Window, field: string): Window {
  const check = (name: keyof Window, min: number, max: number) => {
    const value = w[name]
    if (!Number.isSafeInteger(value) || value < min || value > max) {
      throw new InvalidFieldError(`${field}.${name}`, `must be an integer in [${min}, ${max}]`)
    }
  }
  check('days', 1, ALL_DAYS)
  check('startMinute', 0, DAY_MINUTES - 1)
  check('durationMinutes', 1, MAX_MINUTES)

  return { days: w.days, startMinute: w.startMinute, durationMinutes: w.durationMinutes }
}

function parseDays(text: string, fail: (reason: string) => never): number {
  const lower = text.toLowerCase()
  if (lower === 'daily' || lower === '*') return ALL_DAYS

  let days = 0
  for (const item of lower.split(',')) {
    const [first, last, extra] = item.split('-')
    if (extra !== undefined) fail(`"${item}" is not a day or a range of days`)
    const a = dayIndex(first, fail)
    const b = last === undefined ? a : dayIndex(last, fail)
    for (let d = a; ; d = (d + 1) % 7) {
      days |= 1 << d
      if (d === b) break
    }
  }

  return days
}

function dayIndex(name: string, fail: (reason: string) => never): number {
  const short = (DAY_NAMES as readonly string[]).indexOf(name)
  const index = short >= 0 ? short : FULL_NAMES.indexOf(name)
  if (index < 0) fail(`"${name}" is not a day (sun, mon, tue, wed, thu, fri, sat or daily)`)

  return index
}

function parseClock(text: string, allow24: boolean, fail: (reason: string) => never): number {
  const [h, m] = text.split(':').map(Number)
  const minute = h * 60 + m
  if (m > 59 || minute > DAY_MINUTES || (minute === DAY_MINUTES && !allow24)) {
    fail(`"${text}" is not a time of day (00:00 to 23:59)`)
  }

  return minute
}

function parseLength(text: string, fail: (reason: string) => never): number {
  try {
    return parseDuration(text)
  } catch (err) {
    return fail((err as Error).message)
  }
}

function formatDays(days: number): string {
  if ((days & ALL_DAYS) === ALL_DAYS) return 'daily'

  // Runs of consecutive days, starting after a day not in the set so that a run may wrap.
  const first = [0, 1, 2, 3, 4, 5, 6].find((d) => (days & (1 << d)) === 0) ?? 0
  const runs: string[] = []
  for (let i = 1; i <= 7; i++) {
    const d = (first + i) % 7
    if ((days & (1 << d)) === 0) continue
    let end = d
    while (i < 7 && (days & (1 << ((end + 1) % 7))) !== 0) {
      end = (end + 1) % 7
      i++
    }
    runs.push(end === d ? DAY_NAMES[d] : `${DAY_NAMES[d]}-${DAY_NAMES[end]}`)
  }

  return runs.join(',')
}

function clock(minute: number): string {
  const h = Math.floor(minute / 60)
  const m = minute % 60

  return `${String(h).padStart(2, '0')}:${String(m).padStart(2, '0')}`
}

function lengthText(minutes: number): string {
  if (minutes % DAY_MINUTES === 0) return `${minutes / DAY_MINUTES}d`
  if (minutes % 60 === 0) return `${minutes / 60}h`

  return `${minutes}m`
}
