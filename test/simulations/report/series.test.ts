import assert from 'node:assert/strict'
import { describe, it } from 'node:test'

import {
  cdfPoints,
  countOverTime,
  maxFinite,
  MAX_POINTS,
  sortedDistribution,
  thin,
} from '../../../simulations/report/series.ts'

describe('chart series', () => {
  it('thins a long series to MAX_POINTS, keeping the first and last', () => {
    const items = Array.from({ length: 100_000 }, (_, i) => i)

    const kept = thin(items)

    assert.equal(kept.length, MAX_POINTS)
    assert.equal(kept[0], 0)
    assert.equal(kept.at(-1), 99_999)
    assert.deepEqual(thin([1, 2, 3]), [1, 2, 3])
  })

  it('ends a CDF of a fleet with unfinished nodes below 1, at the last completion', () => {
    const points = cdfPoints(
      Array.from({ length: 50_000 }, (_, i) => i / 10),
      100_000,
    )

    assert.ok(points.length <= MAX_POINTS + 1)
    assert.deepEqual(points.at(-1), { x: 4999.9, y: 0.5 })
  })

  it('sorts unsorted completion times and drops Infinity and NaN', () => {
    assert.deepEqual(countOverTime([30, Infinity, 10, NaN]), [
      { x: 0, y: 0 },
      { x: 10, y: 1 },
      { x: 30, y: 2 },
    ])
  })

  it('spreads a sorted distribution over 0 to 100 per cent of the sites, largest first', () => {
    assert.deepEqual(sortedDistribution([1, 3, Infinity, 2]), [
      { x: 0, y: 3 },
      { x: 50, y: 2 },
      { x: 100, y: 1 },
    ])
  })

  it('finds the largest finite value of arrays too long to spread into Math.max', () => {
    const values = new Array<number>(1_000_000).fill(1)
    values[123] = 7
    values[124] = Infinity

    assert.equal(maxFinite(values), 7)
    assert.equal(maxFinite([]), 0)
  })
})
