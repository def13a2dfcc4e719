/** The tables of a simulation report: completion, completion by ring, bytes, and run cost. */
import type { Percentiles, SimulationReport } from '../types.ts'
import { formatBytes, formatCount, formatMultiple, formatRatio, formatSeconds } from './format.ts'
import { empty, table } from './html.ts'
import type { RanStrategy } from './strategies.ts'

const PERCENTILES = ['p50', 'p90', 'p99', 'max'] as const

function percentileCells(p: Percentiles): string[] {
  return PERCENTILES.map((k) => formatSeconds(p[k]))
}

/** Completion over the fleet per strategy, with the lower bound and p50's ratio to it. */
export function completionTable(ran: readonly RanStrategy[]): string {
  if (ran.length === 0) return empty('No strategy ran.')

  return table(
    ['strategy', 'nodes done', ...PERCENTILES, 'lower bound', 'p50 ÷ bound'],
    ran.map(({ name, report: s }) => [
      name,
      `${formatCount(s.completed)} of ${formatCount(s.nodes)}`,
      ...percentileCells(s.completionSeconds),
      formatSeconds(s.lowerBoundSeconds),
      formatRatio(s.boundRatio),
    ]),
  )
}

/**
 * Completion per ring and strategy, rings in the order the scenario's groups first name them
 * (rollout order), then any others.
 */
export function ringTable(report: SimulationReport, ran: readonly RanStrategy[]): string {
  const order = report.scenario.siteGroups.flatMap((g) => Object.keys(g.rings ?? {}))
  for (const s of ran) order.push(...Object.keys(s.report.completionByRing))
  const rings = [...new Set(order)]

  const rows: string[][] = []
  for (const { name, report: s } of ran) {
    for (const ring of rings) {
      const p = s.completionByRing[ring]
      if (p !== undefined) rows.push([name, ring, ...percentileCells(p)])
    }
  }
  if (rows.length === 0) return empty('No completion by ring was reported.')

  return table(['strategy', 'ring', ...PERCENTILES], rows)
}

/** WAN bytes per site, origin, duplicate and bad bytes, with multiples of the patch size. */
export function bytesTable(report: SimulationReport, ran: readonly RanStrategy[]): string {
  if (ran.length === 0) return empty('No strategy ran.')
  const size = report.patchSize

  return table(
    [
      'strategy',
      'WAN per site, mean',
      '× patch',
      'WAN per site, max',
      '× patch',
      'origin',
      '× patch',
      'duplicate',
      'bad',
    ],
    ran.map(({ name, report: s }) => [
      name,
      formatBytes(s.wanBytesPerSite.mean),
      formatMultiple(s.wanBytesPerSite.mean, size),
      formatBytes(s.wanBytesPerSite.max),
      formatMultiple(s.wanBytesPerSite.max, size),
      formatBytes(s.originBytes),
      formatMultiple(s.originBytes, size),
      formatBytes(s.duplicateBytes),
      formatBytes(s.badBytes),
    ]),
  )
}

/** What simulating each strategy cost: events processed and wall time. */
export function costTable(ran: readonly RanStrategy[]): string {
  if (ran.length === 0) return empty('No strategy ran.')

  return table(
    ['strategy', 'events', 'wall time'],
    ran.map(({ name, report: s }) => [name, formatCount(s.events), formatSeconds(s.wallSeconds)]),
  )
}
