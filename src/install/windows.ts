/**
 * Weekly maintenance windows in a node's own time zone. A window opens on each day whose bit is
 * set in `days` (bit 0 Sunday ... bit 6 Saturday) when the local wall clock reads `startMinute`,
 * and stays open for `durationMinutes` of elapsed time, across midnight and the week's end if
 * need be. On a day the clocks change, a start time that happens twice opens the window at its
 * first occurrence, and one that never happens opens it just after the gap (01:30 on the morning
 * London skips 01:00-02:00 opens at 02:30 BST); the duration is real time either way, so a window
 * spanning the change ends an hour later or earlier by the wall clock.
 */
import type { Window } from '../wire/records.ts'
import { InvalidWindowError } from './errors.ts'
import { addDays, checkTimeZone, instantAt, localDate } from './zoned-time.ts'

const MINUTE_MS = 60_000
const MAX_DURATION_MINUTES = 7 * 24 * 60

// A window lasts at most a week, so one open now started within the last 7 local days (one more
// for offsets); the next start of any window is within 7 days after today (one more again).
const LOOK_BACK_DAYS = 8
const LOOK_AHEAD_DAYS = 8

/**
 * Whether a window is open at `atMs` in `timeZone`. An empty list places no restriction: it is
 * always open. Throws InvalidWindowError for a window field out of range and
 * InvalidTimeZoneError for an unknown zone.
 */
export function inWindow(windows: readonly Window[], timeZone: string, atMs: number): boolean {
  return nextWindowStart(windows, timeZone, atMs) === atMs
}

/**
 * The first instant at or after `nowMs` when a window is open: `nowMs` itself inside a window (or
 * for an empty list), else the next window's start. Every valid window opens at least weekly, so
 * there always is one. Throws as {@link inWindow} does.
 */
export function nextWindowStart(
  windows: readonly Window[],
  timeZone: string,
  nowMs: number,
): number {
  checkWindows(windows)
  checkTimeZone(timeZone)
  if (windows.length === 0) return nowMs

  const today = localDate(nowMs, timeZone)
  let next = Infinity
  for (let offset = -LOOK_BACK_DAYS; offset <= LOOK_AHEAD_DAYS; offset++) {
    const date = addDays(today, offset)
    for (const w of windows) {
      if ((w.days & (1 << date.weekday)) === 0) continue

      const start = instantAt(date, w.startMinute, timeZone)
      if (start <= nowMs && nowMs < start + w.durationMinutes * MINUTE_MS) return nowMs
      if (start > nowMs) next = Math.min(next, start)
    }
  }

  return next
}

/** Checks each window against the ranges the Approval decoder enforces. */
export function checkWindows(windows: readonly Window[]): void {
  windows.forEach((w, i) => {
    checkField(i, 'days', w.days, 1, 0x7f)
    checkField(i, 'startMinute', w.startMinute, 0, 24 * 60 - 1)
    checkField(i, 'durationMinutes', w.durationMinutes, 1, MAX_DURATION_MINUTES)
  })
}

function checkField(index: number, field: string, value: number, min: number, max: number): void {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new InvalidWindowError(
      index,
      field,
      `must be an integer in [${min}, ${max}], got ${value}`,
    )
  }
}
