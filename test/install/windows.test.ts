import assert from 'node:assert/strict'
import { describe, it } from 'node:test'

import fc from 'fast-check'

import { inWindow, nextWindowStart } from '../../src/install/index.ts'
import type { Window } from '../../src/wire/records.ts'
import { at } from './fixtures.ts'

const SUN = 1
const FRI = 1 << 5
const SAT = 1 << 6
const EVERY_DAY = 0x7f

const w = (days: number, start: string, durationMinutes: number): Window => {
  const [h, m] = start.split(':').map(Number)

  return { days, startMinute: h * 60 + m, durationMinutes }
}

interface Case {
  name: string
  windows: Window[]
  timeZone: string
  now: string
  /** The expected next start, or "now" when a window is open. */
  next: string
}

const cases: Case[] = [
  {
    name: 'no windows: open at any time',
    windows: [],
    timeZone: 'UTC',
    now: '2025-06-04T12:00Z',
    next: 'now',
  },
  {
    name: 'window crossing midnight, open after midnight',
    windows: [w(FRI, '23:00', 180)],
    timeZone: 'UTC',
    now: '2025-06-07T01:00Z', // Saturday
    next: 'now',
  },
  {
    name: 'window crossing midnight, closed at its end',
    windows: [w(FRI, '23:00', 180)],
    timeZone: 'UTC',
    now: '2025-06-07T02:00Z',
    next: '2025-06-13T23:00Z',
  },
  {
    name: 'Saturday window running into Sunday wraps the week',
    windows: [w(SAT, '22:00', 240)],
    timeZone: 'UTC',
    now: '2025-06-08T01:59Z', // Sunday
    next: 'now',
  },
  {
    name: 'after a week-wrapping window, the next is a week on',
    windows: [w(SAT, '22:00', 240)],
    timeZone: 'UTC',
    now: '2025-06-08T02:00Z',
    next: '2025-06-14T22:00Z',
  },
  {
    name: 'Sunday-only window seen from Monday',
    windows: [w(SUN, '10:00', 60)],
    timeZone: 'Europe/London',
    now: '2025-06-02T09:00Z',
    next: '2025-06-08T09:00Z', // 10:00 BST
  },
  {
    name: 'a week-long window is always open',
    windows: [w(SUN, '00:00', 7 * 24 * 60)],
    timeZone: 'UTC',
    now: '2025-06-07T23:59Z',
    next: 'now',
  },
  {
    name: 'earliest of several windows',
    windows: [w(FRI, '03:00', 60), w(EVERY_DAY, '20:00', 30)],
    timeZone: 'UTC',
    now: '2025-06-06T01:00Z', // Friday
    next: '2025-06-06T03:00Z',
  },
  {
    name: 'local time: Kolkata is UTC+05:30',
    windows: [w(EVERY_DAY, '02:00', 60)],
    timeZone: 'Asia/Kolkata',
    now: '2025-06-01T00:00Z',
    next: '2025-06-01T20:30Z',
  },
  {
    name: 'London spring forward: a start in the skipped hour opens just after it',
    windows: [w(SUN, '01:30', 60)],
    timeZone: 'Europe/London',
    now: '2025-03-29T12:00Z',
    next: '2025-03-30T01:30Z', // 02:30 BST
  },
  {
    name: 'London spring forward: 02:00 is BST on the day of the change',
    windows: [w(EVERY_DAY, '02:00', 120)],
    timeZone: 'Europe/London',
    now: '2025-03-29T05:00Z',
    next: '2025-03-30T01:00Z',
  },
  {
    name: 'London spring forward: duration is real time (open at 03:59 BST)',
    windows: [w(SAT, '23:00', 240)],
    timeZone: 'Europe/London',
    now: '2025-03-30T02:59Z',
    next: 'now',
  },
  {
    name: 'London spring forward: and closed four real hours after it opened',
    windows: [w(SAT, '23:00', 240)],
    timeZone: 'Europe/London',
    now: '2025-03-30T03:00Z',
    next: '2025-04-05T22:00Z', // 23:00 BST
  },
  {
    name: 'London fall back: a repeated start opens at its first occurrence',
    windows: [w(SUN, '01:30', 60)],
    timeZone: 'Europe/London',
    now: '2025-10-25T12:00Z',
    next: '2025-10-26T00:30Z', // 01:30 BST
  },
  {
    name: 'London fall back: the second 01:30 does not reopen it',
    windows: [w(SUN, '01:30', 60)],
    timeZone: 'Europe/London',
    now: '2025-10-26T01:45Z', // 01:45 GMT
    next: '2025-11-02T01:30Z',
  },
  {
    name: 'New York spring forward: 02:30 does not exist, opens at 03:30 EDT',
    windows: [w(EVERY_DAY, '02:30', 60)],
    timeZone: 'America/New_York',
    now: '2025-03-09T00:00Z',
    next: '2025-03-09T07:30Z',
  },
  {
    name: 'New York spring forward: the next day is 02:30 EDT',
    windows: [w(EVERY_DAY, '02:30', 60)],
    timeZone: 'America/New_York',
    now: '2025-03-09T09:00Z',
    next: '2025-03-10T06:30Z',
  },
  {
    name: 'New York fall back: a repeated start opens at 01:15 EDT',
    windows: [w(EVERY_DAY, '01:15', 30)],
    timeZone: 'America/New_York',
    now: '2025-11-02T00:00Z',
    next: '2025-11-02T05:15Z',
  },
  {
    name: 'New York fall back: closed at the second 01:20, next is 01:15 EST',
    windows: [w(EVERY_DAY, '01:15', 30)],
    timeZone: 'America/New_York',
    now: '2025-11-02T06:20Z',
    next: '2025-11-03T06:15Z',
  },
]

describe('maintenance windows', () => {
  for (const c of cases) {
    it(c.name, () => {
      const now = at(c.now)
      const expected = c.next === 'now' ? now : at(c.next)

      assert.equal(
        new Date(nextWindowStart(c.windows, c.timeZone, now)).toISOString(),
        new Date(expected).toISOString(),
      )
      assert.equal(inWindow(c.windows, c.timeZone, now), c.next === 'now')
    })
  }

  it('is open from its start and closed at its end', () => {
    const windows = [w(EVERY_DAY, '09:00', 60)]

    assert.equal(inWindow(windows, 'UTC', at('2025-06-04T08:59:59.999Z')), false)
    assert.equal(inWindow(windows, 'UTC', at('2025-06-04T09:00Z')), true)
    assert.equal(inWindow(windows, 'UTC', at('2025-06-04T09:59:59.999Z')), true)
    assert.equal(inWindow(windows, 'UTC', at('2025-06-04T10:00Z')), false)
  })

  it('rejects an unknown time zone by name', () => {
    assert.throws(() => nextWindowStart([], 'Mars/Olympus_Mons', 0), {
      name: 'InvalidTimeZoneError',
    })
  })

  const bad: Array<[string, Window]> = [
    ['no days', { days: 0, startMinute: 0, durationMinutes: 60 }],
    ['days past Saturday', { days: 0x80, startMinute: 0, durationMinutes: 60 }],
    ['start at 24:00', { days: 1, startMinute: 1440, durationMinutes: 60 }],
    ['zero duration', { days: 1, startMinute: 0, durationMinutes: 0 }],
    ['longer than a week', { days: 1, startMinute: 0, durationMinutes: 7 * 24 * 60 + 1 }],
  ]
  for (const [name, window] of bad) {
    it(`rejects a window with ${name}`, () => {
      assert.throws(() => inWindow([window], 'UTC', 0), { name: 'InvalidWindowError' })
    })
  }
})

describe('maintenance windows, any zone and time', () => {
  const zones = ['UTC', 'Europe/London', 'America/New_York', 'Australia/Lord_Howe', 'Asia/Kolkata']
  const window = fc.record({
    days: fc.integer({ min: 1, max: 0x7f }),
    startMinute: fc.integer({ min: 0, max: 1439 }),
    durationMinutes: fc.integer({ min: 1, max: 3 * 24 * 60 }),
  })
  const args = fc.tuple(
    fc.array(window, { minLength: 1, maxLength: 3 }),
    fc.constantFrom(...zones),
    fc.integer({ min: at('2024-01-01T00:00Z'), max: at('2027-01-01T00:00Z') }),
  )

  it('the next start is open, within eight days, and opens exactly then', () => {
    fc.assert(
      fc.property(args, ([windows, timeZone, now]) => {
        const next = nextWindowStart(windows, timeZone, now)

        assert.ok(next >= now && next - now <= 8 * 24 * 60 * 60_000)
        assert.equal(inWindow(windows, timeZone, next), true)
        if (next > now) assert.equal(inWindow(windows, timeZone, next - 1), false)
      }),
      { numRuns: 300 },
    )
  })
})
