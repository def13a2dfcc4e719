/**
 * The chart series of a report, computed before the page is written so that the browser only
 * draws: every point is finite, and long series are thinned to a size a browser draws quickly.
 */

/** A point of a line chart. */
export interface Point {
  x: number
  y: number
}

/** Most points a series keeps; a fleet of 100,000 nodes still draws as a smooth line. */
export const MAX_POINTS = 600

/**
 * At most `max` of `items`, evenly spread over their order, always keeping the first and the
 * last (so a CDF still ends at its true maximum).
 */
export function thin<T>(items: readonly T[], max = MAX_POINTS): T[] {
  if (items.length <= max) return [...items]

  const kept: T[] = []
  for (let i = 0; i < max; i++) kept.push(items[Math.round((i * (items.length - 1)) / (max - 1))])

  return kept
}

/**
 * The completion CDF: for each finite completion time, the share of all `total` nodes done by
 * then. Starts at (0, 0); a strategy that left nodes behind ends below 1.
 */
export function cdfPoints(times: readonly number[], total: number): Point[] {
  const sorted = times.filter(Number.isFinite).sort((a, b) => a - b)
  const points = sorted.map((x, i) => ({ x, y: total > 0 ? (i + 1) / total : 0 }))

  return [{ x: 0, y: 0 }, ...thin(points)]
}

/**
 * How many of the sites were complete at each time: one step per finite completion time.
 * Sites that never completed (Infinity) are left out, so the line stays below the site count.
 */
export function countOverTime(times: readonly number[]): Point[] {
  const sorted = times.filter(Number.isFinite).sort((a, b) => a - b)
  const points = sorted.map((x, i) => ({ x, y: i + 1 }))

  return [{ x: 0, y: 0 }, ...thin(points)]
}

/**
 * Values sorted from largest to smallest against their rank as a percentage of all values (0
 * is the largest): the shape of a distribution over thousands of sites. Values that are not
 * finite are left out.
 */
export function sortedDistribution(values: readonly number[]): Point[] {
  const sorted = values.filter(Number.isFinite).sort((a, b) => b - a)
  const last = Math.max(sorted.length - 1, 1)

  return thin(sorted.map((y, i) => ({ x: (100 * i) / last, y })))
}

/** Values with anything not finite as null, which a chart draws as a gap. */
export function finiteOrNull(values: readonly number[]): Array<number | null> {
  return values.map((v) => (Number.isFinite(v) ? v : null))
}

/** How many of `values` are not finite (sites that never completed, say). */
export function countNotFinite(values: readonly number[]): number {
  return values.filter((v) => !Number.isFinite(v)).length
}

/** The largest finite value, or `floor` when there is none; safe for arrays of any length. */
export function maxFinite(values: readonly number[], floor = 0): number {
  let max = floor
  for (const v of values) if (Number.isFinite(v) && v > max) max = v

  return max
}
