import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { formatBytes, parseDuration, parseSize } from '../../src/util/units.ts'

describe('parseSize', () => {
  const cases: Array<[string | number, number]> = [
    ['1MiB', 1024 * 1024],
    ['512KiB', 512 * 1024],
    ['1GiB', 1024 ** 3],
    ['1.5GiB', 1.5 * 1024 ** 3],
    ['1MB', 1_000_000],
    ['4096', 4096],
    [' 2 MiB ', 2 * 1024 * 1024],
    [65536, 65536],
  ]
  for (const [input, bytes] of cases) {
    it(`reads ${JSON.stringify(input)} as ${bytes} bytes`, () =>
      assert.equal(parseSize(input), bytes))
  }

  for (const input of ['', 'big', '1 parsec', '-1MiB', 'MiB', -5, 1.5, '1Mb', '1mib', '1M']) {
    it(`refuses ${JSON.stringify(input)}, naming it`, () => {
      assert.throws(() => parseSize(input), { name: 'UnitParseError', message: /size/ })
    })
  }
})

describe('parseDuration', () => {
  const cases: Array<[string, number]> = [
    ['30d', 30 * 86_400_000],
    ['12h', 12 * 3_600_000],
    ['5m', 300_000],
    ['90s', 90_000],
    ['250ms', 250],
    ['1000ms', 1000],
  ]
  for (const [input, ms] of cases) {
    it(`reads "${input}" as ${ms} ms`, () => assert.equal(parseDuration(input), ms))
  }

  for (const input of ['3 fortnights', '30', '1M', '2D']) {
    it(`refuses "${input}": units are required and case-sensitive`, () => {
      assert.throws(() => parseDuration(input), { name: 'UnitParseError' })
    })
  }
})

describe('formatBytes', () => {
  it('uses binary units', () => {
    assert.equal(formatBytes(17), '17 B')
    assert.equal(formatBytes(1536), '1.50 KiB')
    assert.equal(formatBytes(3 * 1024 ** 3), '3.00 GiB')
  })
})
