/**
 * The page of a `patchmesh netlab` run: per site, the WAN bytes in as the kernel counted them,
 * as the product counted them and as the simulator predicted, beside the patch size.
 */
import { escapeHtml } from './escape.ts'
import { formatBytes, formatMultiple, formatSeconds } from './format.ts'
import { chartFigure, empty, facts, section, table } from './html.ts'
import { levelLine } from './chart-spec.ts'
import type { ChartSpec } from './chart-spec.ts'
import type { PageParts } from './page.ts'
import { finiteOrNull } from './series.ts'

/** What `patchmesh netlab` measured in a network-namespace fleet, and what was predicted. */
export interface NetlabChartInput {
  scenarioName: string
  /** Bytes. */
  patchSize: number
  /** Wall seconds until every node installed the patch, or until the run gave up. */
  seconds: number
  /** The simulator's completion time for the same scenario, seconds. */
  predictedSeconds?: number
  allInstalled: boolean
  /** Per site, bytes that came in over its WAN link. */
  sites: Array<{
    name: string
    /** Counted by the kernel on the site's WAN interface. */
    kernelWanBytesIn: number
    /** Counted by the patchmesh nodes themselves. */
    productWanBytesIn: number
    /** Predicted by the simulator. */
    predictedWanBytesIn: number
  }>
}

/** Canvas id of the netlab report's chart. */
export const NETLAB_CHART = 'chart-netlab-wan'

const SERIES = [
  { key: 'kernelWanBytesIn', label: 'kernel counted', color: '#0969da' },
  { key: 'productWanBytesIn', label: 'product counted', color: '#1a7f37' },
  { key: 'predictedWanBytesIn', label: 'simulator predicted', color: '#bc4c00' },
] as const

/** The title, body and chart data of a netlab report's page. */
export function netlabPage(result: NetlabChartInput): PageParts {
  const title = `patchmesh netlab: ${result.scenarioName}`
  const size = result.patchSize
  const predicted = result.predictedSeconds

  const body = [
    `<h1>${escapeHtml(title)}</h1>`,
    facts([
      [
        'result',
        result.allInstalled
          ? 'every node installed the patch'
          : 'not every node installed the patch',
      ],
      ['patch', formatBytes(size)],
      ['time', formatSeconds(result.seconds)],
      ['predicted time', predicted === undefined ? 'not predicted' : formatSeconds(predicted)],
      ['sites', String(result.sites.length)],
    ]),
    section(
      'WAN bytes in per site',
      result.sites.length === 0
        ? empty('The run reported no sites.')
        : chartFigure(NETLAB_CHART, [
            `Bytes into each site over its WAN link; the dashed line is the patch size (${formatBytes(size)}), one copy per site.`,
          ]),
    ),
    section('Figures per site', siteTable(result)),
  ].join('\n')

  const charts = result.sites.length === 0 ? [] : [wanChart(result)]

  return { title, body, data: { charts } }
}

function wanChart(result: NetlabChartInput): ChartSpec {
  const labels = result.sites.map((s) => s.name)

  return {
    id: NETLAB_CHART,
    type: 'bar',
    labels,
    x: { title: 'site', unit: 'category' },
    y: { title: 'WAN bytes in', unit: 'bytes' },
    datasets: [
      ...SERIES.map(({ key, label, color }) => ({
        label,
        color,
        data: finiteOrNull(result.sites.map((s) => s[key])),
      })),
      levelLine('patch size', result.patchSize),
    ],
  }
}

function siteTable(result: NetlabChartInput): string {
  if (result.sites.length === 0) return empty('The run reported no sites.')
  const size = result.patchSize

  return table(
    ['site', ...SERIES.flatMap((s) => [s.label, '× patch'])],
    result.sites.map((site) => [
      site.name,
      ...SERIES.flatMap(({ key }) => [formatBytes(site[key]), formatMultiple(site[key], size)]),
    ]),
  )
}
