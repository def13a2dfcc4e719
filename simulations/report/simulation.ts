/** The page of a fleet simulation: run facts, three charts, the figures' tables and the scenario. */
import { stringify } from 'yaml'

import type { SimulationReport } from '../types.ts'
import { escapeHtml } from './escape.ts'
import { formatBytes, formatCount, formatSeconds } from './format.ts'
import { chartFigure, empty, facts, pre, section } from './html.ts'
import type { PageParts } from './page.ts'
import { countNotFinite } from './series.ts'
import {
  completionChart,
  MAX_SITE_BARS,
  SIMULATION_CHARTS,
  sitesCompleteChart,
  siteWanChart,
} from './simulation-charts.ts'
import { bytesTable, completionTable, costTable, ringTable } from './simulation-tables.ts'
import { ranStrategies } from './strategies.ts'
import type { RanStrategy } from './strategies.ts'

/** The title, body and chart data of a simulation report's page. */
export function simulationPage(report: SimulationReport): PageParts {
  const ran = ranStrategies(report)
  const { scenario } = report
  const title = `patchmesh simulation: ${scenario.name}`

  const body = [
    `<h1>${escapeHtml(title)}</h1>`,
    facts([
      ['nodes', formatCount(report.nodes)],
      ['sites', formatCount(report.sites)],
      [
        'patch',
        `${formatBytes(report.patchSize)} in chunks of ${formatBytes(scenario.patch.chunkSize)}`,
      ],
      ['strategies', ran.length > 0 ? ran.map((s) => s.name).join(', ') : 'none'],
      ['wall time', formatSeconds(report.wallSeconds)],
      ['events', formatCount(report.events)],
      ['peak memory', formatBytes(report.peakRssBytes)],
    ]),
    section('Completion', charts(ran, SIMULATION_CHARTS.completion, completionCaption(ran))),
    section('WAN bytes per site', charts(ran, SIMULATION_CHARTS.siteWan, wanCaption(report, ran))),
    section('Sites complete', charts(ran, SIMULATION_CHARTS.sitesComplete, siteCaption(ran))),
    section('Figures per strategy', [completionTable(ran), bytesTable(report, ran)].join('\n')),
    section('Completion by ring', ringTable(report, ran)),
    section('Simulation cost', costTable(ran)),
    section('Scenario', pre(stringify(scenario))),
  ].join('\n')

  const data = {
    charts:
      ran.length === 0
        ? []
        : [completionChart(ran), siteWanChart(report, ran), sitesCompleteChart(report, ran)],
  }

  return { title, body, data }
}

function charts(ran: readonly RanStrategy[], id: string, caption: string[]): string {
  return ran.length === 0
    ? empty('No strategy ran, so there is nothing to chart.')
    : chartFigure(id, caption)
}

function completionCaption(ran: readonly RanStrategy[]): string[] {
  const lines = ['Share of all nodes that hold the patch, against simulated time.']
  for (const { name, report: s } of ran) {
    if (s.completed < s.nodes) {
      lines.push(
        `${name}: ${formatCount(s.nodes - s.completed)} of ${formatCount(s.nodes)} nodes never completed.`,
      )
    }
  }

  return lines
}

function wanCaption(report: SimulationReport, ran: readonly RanStrategy[]): string[] {
  const many = ran.some((s) => s.report.siteWanBytes.length > MAX_SITE_BARS)
  const what = many
    ? "Each strategy's sites sorted from most to fewest bytes in over their WAN link"
    : "Bytes that crossed each site's WAN link inward"
  const level = `the dashed line is the patch size (${formatBytes(report.patchSize)}), one copy per site`

  return [`${what}; ${level}.`]
}

function siteCaption(ran: readonly RanStrategy[]): string[] {
  const lines = ['Sites whose every node holds the patch, against simulated time.']
  for (const { name, report: s } of ran) {
    const never = countNotFinite(s.siteCompleteSeconds)
    if (never > 0) {
      lines.push(
        `${name}: ${formatCount(never)} of ${formatCount(s.siteCompleteSeconds.length)} sites never completed.`,
      )
    }
  }

  return lines
}
