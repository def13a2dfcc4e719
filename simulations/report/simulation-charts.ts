/** The three charts of a simulation report, as specs for the page's drawing script. */
import type { SimulationReport } from '../types.ts'
import { levelLine } from './chart-spec.ts'
import { formatCount } from './format.ts'
import type { ChartSpec } from './chart-spec.ts'
import { cdfPoints, countOverTime, finiteOrNull, maxFinite, sortedDistribution } from './series.ts'
import { siteLabels } from './sites.ts'
import type { RanStrategy } from './strategies.ts'

/** Canvas ids of the simulation report's charts. */
export const SIMULATION_CHARTS = {
  completion: 'chart-completion',
  siteWan: 'chart-site-wan',
  sitesComplete: 'chart-sites-complete',
} as const

/** Up to this many sites the WAN chart has a bar per site; beyond, a sorted distribution. */
export const MAX_SITE_BARS = 24

const PATCH_SIZE = 'patch size'

/** The completion CDF per strategy: share of all nodes done against simulated seconds. */
export function completionChart(ran: readonly RanStrategy[]): ChartSpec {
  return {
    id: SIMULATION_CHARTS.completion,
    type: 'line',
    x: { title: 'simulated time', unit: 'seconds' },
    y: { title: 'share of nodes done', unit: 'share' },
    datasets: ran.map((s) => ({
      label: s.name,
      color: s.color,
      data: cdfPoints(s.report.completionCdf, s.report.nodes),
      stepped: true,
    })),
  }
}

/**
 * WAN bytes into each site per strategy, with the patch size as a dashed level: one copy of
 * the patch per site is the ideal. A bar per site for a few sites; for more, each strategy's
 * sites sorted from most to least bytes against their rank.
 */
export function siteWanChart(report: SimulationReport, ran: readonly RanStrategy[]): ChartSpec {
  const sites = maxFinite(ran.map((s) => s.report.siteWanBytes.length))

  if (sites <= MAX_SITE_BARS) {
    const labels = siteLabels(report.scenario, sites)

    return {
      id: SIMULATION_CHARTS.siteWan,
      type: 'bar',
      labels,
      x: { title: 'site', unit: 'category' },
      y: { title: 'WAN bytes in', unit: 'bytes' },
      datasets: [
        ...ran.map((s) => ({
          label: s.name,
          color: s.color,
          data: finiteOrNull(s.report.siteWanBytes),
        })),
        levelLine(PATCH_SIZE, report.patchSize),
      ],
    }
  }

  return {
    id: SIMULATION_CHARTS.siteWan,
    type: 'line',
    x: { title: 'sites, most WAN bytes first (% of sites)', unit: 'percent' },
    y: { title: 'WAN bytes in', unit: 'bytes' },
    datasets: [
      ...ran.map((s) => ({
        label: s.name,
        color: s.color,
        data: sortedDistribution(s.report.siteWanBytes),
      })),
      levelLine(PATCH_SIZE, report.patchSize),
    ],
  }
}

/** How many sites were complete (every node done) over simulated time, per strategy. */
export function sitesCompleteChart(
  report: SimulationReport,
  ran: readonly RanStrategy[],
): ChartSpec {
  return {
    id: SIMULATION_CHARTS.sitesComplete,
    type: 'line',
    x: { title: 'simulated time', unit: 'seconds' },
    y: { title: 'sites complete', unit: 'count' },
    datasets: [
      ...ran.map((s) => ({
        label: s.name,
        color: s.color,
        data: countOverTime(s.report.siteCompleteSeconds),
        stepped: true,
      })),
      levelLine(`all ${formatCount(report.sites)} sites`, report.sites),
    ],
  }
}
