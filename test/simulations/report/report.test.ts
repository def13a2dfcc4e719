import assert from 'node:assert/strict'
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { Script } from 'node:vm'

import { writeReport } from '../../../simulations/report/index.ts'
import { MAX_SITE_BARS, SIMULATION_CHARTS } from '../../../simulations/report/simulation-charts.ts'
import {
  assertSelfContained,
  chart,
  embeddedData,
  HOSTILE,
  MiB,
  scenario,
  scriptTags,
  simulationReport,
  strategy,
} from './fixtures.ts'

describe('writeReport', () => {
  let dir: string
  let html: string
  const report = simulationReport()

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'patchmesh-report-'))
    html = await readFile(await writeReport(report, join(dir, 'sim')), 'utf8')
  })
  after(() => rm(dir, { recursive: true, force: true }))

  const write = async (r: typeof report, name: string) =>
    readFile(await writeReport(r, join(dir, name)), 'utf8')

  it('creates the directory and returns the path of its index.html', async () => {
    const path = await writeReport(report, join(dir, 'a', 'b'))

    assert.equal(path, join(dir, 'a', 'b', 'index.html'))
    assert.ok((await stat(path)).size > 0)
  })

  it('is self-contained: Chart.js inlined, nothing loaded from anywhere', () => {
    assertSelfContained(html)
    assert.match(html, /Chart\.js v4/)
    assert.deepEqual(scriptTags(html), [
      '<script type="application/json" id="report-data">',
      '<script>',
      '<script>',
    ])
  })

  it('inlines a drawing script that is plain JavaScript, not TypeScript', () => {
    const scripts = [...html.matchAll(/<script>([\s\S]*?)<\/script>/g)].map((m) => m[1])

    assert.equal(scripts.length, 2)
    for (const source of scripts) assert.doesNotThrow(() => new Script(source))
    assert.match(scripts[1], /^\(function drawReport\(dataElementId\s*\)/)
  })

  it('embeds the completion CDF of every strategy as the share of all nodes done', () => {
    const { datasets } = chart(html, SIMULATION_CHARTS.completion)

    assert.deepEqual(
      datasets.map((d: any) => d.label),
      ['patchmesh', 'naive'],
    )
    for (const d of datasets) {
      const cdf = report.strategies[d.label as 'patchmesh' | 'naive']!.completionCdf
      assert.deepEqual(d.data, [{ x: 0, y: 0 }, ...cdf.map((x, i) => ({ x, y: (i + 1) / 6 }))])
    }
  })

  it('embeds every site’s WAN bytes per strategy, one bar per site, and the patch size', () => {
    const spec = chart(html, SIMULATION_CHARTS.siteWan)

    assert.equal(spec.type, 'bar')
    assert.deepEqual(spec.labels, ['hq', 'branch-1', 'branch-2'])
    assert.deepEqual(spec.datasets[0].data, report.strategies.patchmesh!.siteWanBytes)
    assert.deepEqual(spec.datasets[1].data, report.strategies.naive!.siteWanBytes)
    assert.equal(spec.datasets[2].level, 64 * MiB)
  })

  it('draws the WAN bytes of hundreds of sites as a sorted distribution, not bars', async () => {
    const sites = 500
    const bytes = Array.from({ length: sites }, (_, i) => (64 + (i % 7)) * MiB)
    const many = simulationReport({
      sites,
      strategies: { patchmesh: strategy({ siteWanBytes: bytes }) },
    })

    const spec = chart(await write(many, 'many'), SIMULATION_CHARTS.siteWan)
    const points = spec.datasets[0].data

    assert.ok(sites > MAX_SITE_BARS)
    assert.equal(spec.type, 'line')
    assert.deepEqual(points[0], { x: 0, y: 70 * MiB })
    assert.deepEqual(points.at(-1), { x: 100, y: 64 * MiB })
    assert.ok(points.every((p: any, i: number) => i === 0 || p.y <= points[i - 1].y))
    assert.equal(spec.datasets[1].level, 64 * MiB)
  })

  it('embeds how many sites were complete over time for every strategy', () => {
    const { datasets } = chart(html, SIMULATION_CHARTS.sitesComplete)

    assert.deepEqual(datasets[0].data, [
      { x: 0, y: 0 },
      { x: 20, y: 1 },
      { x: 30, y: 2 },
      { x: 42, y: 3 },
    ])
    assert.deepEqual(
      datasets[1].data.map((p: any) => p.x),
      [0, 100, 300, 390],
    )
    assert.equal(datasets[2].level, 3)
  })

  it('tables each strategy’s percentiles, rings, bytes and multiples of the patch size', () => {
    const row = (cells: string[]) => `<tr>${cells.map((c) => `<td>${c}</td>`).join('')}</tr>`

    assert.ok(
      html.includes(
        row(['patchmesh', '6 of 6', '30.0 s', '41.0 s', '42.0 s', '42.0 s', '26.8 s', '1.12']),
      ),
    )
    assert.ok(
      html.includes(
        row(['naive', '6 of 6', '3m 20s', '6m 20s', '6m 30s', '6m 30s', '26.8 s', '1.12']),
      ),
    )
    assert.ok(html.includes(row(['patchmesh', 'canary', '25.0 s', '28.0 s', '28.0 s', '28.0 s'])))
    assert.ok(html.includes(row(['naive', 'broad', '35.0 s', '42.0 s', '42.0 s', '42.0 s'])))
    assert.ok(
      html.includes(
        row([
          'naive',
          '107 MiB',
          '1.67×',
          '128 MiB',
          '2.00×',
          '130 MiB',
          '2.03×',
          '2.00 MiB',
          '0 B',
        ]),
      ),
    )
  })

  it('shows the run’s wall time, events and peak memory, and the scenario as YAML', () => {
    assert.ok(html.includes('<dt>wall time</dt><dd>1.3 s</dd>'))
    assert.ok(html.includes('<dt>events</dt><dd>5,678</dd>'))
    assert.ok(html.includes('<dt>peak memory</dt><dd>180 MiB</dd>'))
    assert.match(html, /<pre>name: two-branches\nseed: 7\n[\s\S]*maxSeconds: 3600\n<\/pre>/)
  })

  it('escapes a hostile scenario or site group name everywhere it appears', async () => {
    const hostile = simulationReport({
      scenario: scenario({
        name: HOSTILE,
        siteGroups: [{ ...scenario().siteGroups[0], name: HOSTILE, count: 3 }],
      }),
    })

    const page = await write(hostile, 'hostile')

    assert.ok(!page.includes(HOSTILE))
    assert.ok(!page.includes('<img'))
    assert.equal(scriptTags(page).length, 3)
    assert.ok(page.includes('<title>patchmesh simulation: &lt;/script&gt;&lt;script&gt;'))
    assert.deepEqual(chart(page, SIMULATION_CHARTS.siteWan).labels, [
      `${HOSTILE}-1`,
      `${HOSTILE}-2`,
      `${HOSTILE}-3`,
    ])
  })

  it('leaves nodes and sites that never completed (Infinity) out of the charts and says so', async () => {
    const stuck = simulationReport({
      strategies: {
        swarm: strategy({
          completed: 2,
          completionSeconds: { p50: Infinity, p90: Infinity, p99: Infinity, max: Infinity },
          completionCdf: [10, 20],
          siteCompleteSeconds: [20, Infinity, Infinity],
          siteWanBytes: [64 * MiB, Infinity, 3 * MiB],
          boundRatio: NaN,
        }),
      },
    })

    const page = await write(stuck, 'stuck')
    const cdf = chart(page, SIMULATION_CHARTS.completion).datasets[0].data
    const sites = chart(page, SIMULATION_CHARTS.sitesComplete).datasets[0].data

    assert.deepEqual(cdf, [
      { x: 0, y: 0 },
      { x: 10, y: 1 / 6 },
      { x: 20, y: 2 / 6 },
    ])
    assert.deepEqual(sites, [
      { x: 0, y: 0 },
      { x: 20, y: 1 },
    ])
    assert.deepEqual(chart(page, SIMULATION_CHARTS.siteWan).datasets[0].data, [
      64 * MiB,
      null,
      3 * MiB,
    ])
    assert.ok(page.includes('swarm: 4 of 6 nodes never completed.'))
    assert.ok(page.includes('swarm: 2 of 3 sites never completed.'))
    assert.ok(page.includes('<td>swarm</td><td>2 of 6</td><td>never</td><td>never</td>'))
    assert.ok(page.includes('<td>26.8 s</td><td>–</td>'))
  })

  it('writes a page with no charts and says so when no strategy ran', async () => {
    const page = await write(simulationReport({ strategies: {} }), 'none')

    assertSelfContained(page)
    assert.deepEqual(embeddedData(page).charts, [])
    assert.ok(page.includes('No strategy ran'))
    assert.ok(!page.includes('<canvas'))
  })

  it('shows a strategy the scenario does not list after the listed ones', async () => {
    const extra = simulationReport({
      strategies: { 'site-cache': strategy(), patchmesh: strategy() },
    })

    const { datasets } = chart(await write(extra, 'extra'), SIMULATION_CHARTS.completion)

    assert.deepEqual(
      datasets.map((d: any) => d.label),
      ['patchmesh', 'site-cache'],
    )
  })
})
