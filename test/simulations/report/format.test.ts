import assert from 'node:assert/strict'
import { describe, it } from 'node:test'

import {
  formatBytes,
  formatCount,
  formatMultiple,
  formatRatio,
  formatSeconds,
} from '../../../simulations/report/format.ts'

describe('report number formats', () => {
  const cases: Array<[string, string, string]> = [
    ['bytes', formatBytes(0), '0 B'],
    ['bytes', formatBytes(1536), '1.50 KiB'],
    ['bytes', formatBytes(64 * 1024 ** 3), '64.0 GiB'],
    ['bytes never', formatBytes(Infinity), 'never'],
    ['seconds', formatSeconds(4.25), '4.3 s'],
    ['minutes', formatSeconds(425), '7m 05s'],
    ['hours', formatSeconds(12_000), '3h 20m'],
    ['seconds never', formatSeconds(Infinity), 'never'],
    ['seconds NaN', formatSeconds(NaN), '–'],
    ['multiple', formatMultiple(96, 64), '1.50×'],
    ['multiple of nothing', formatMultiple(96, 0), '–'],
    ['ratio', formatRatio(2.314), '2.31'],
    ['count', formatCount(1234567), '1,234,567'],
  ]

  for (const [what, actual, expected] of cases) {
    it(`writes ${what} as ${expected}`, () => assert.equal(actual, expected))
  }
})
