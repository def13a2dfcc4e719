/**
 * The simulator's and netlab's HTML reports in a real browser (Debian's chromium, driven by
 * playwright-core), opened from disk as a person would: every chart draws, with the data the
 * page was written with, and nothing fails, loads from elsewhere or runs that should not.
 * scripts/ensure-chromium.sh installs chromium first when the machine has none.
 */
import assert from 'node:assert/strict'
import { execFileSync } from 'node:child_process'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { after, before, describe, it } from 'node:test'
import { chromium } from 'playwright-core'
import type { Browser, Page } from 'playwright-core'

import { writeNetlabReport, writeReport } from '../../simulations/report/index.ts'
import type { StrategyReport } from '../../simulations/types.ts'
import {
  embeddedData,
  HOSTILE,
  MiB,
  netlabResult,
  scenario,
  simulationReport,
  strategy,
} from '../simulations/report/fixtures.ts'

const CHROMIUM = '/usr/bin/chromium'
const ARGS = ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking']

/** A fleet of 2,000 sites of 10 nodes, a tenth of whose sites never complete under swarm. */
function bigFleet(): StrategyReport {
  const sites = 2000
  const nodes = sites * 10
  const completion = Array.from({ length: nodes }, (_, i) => 60 + (i % 997) * 3.7)
  const siteDone = Array.from({ length: sites }, (_, i) => (i % 10 === 0 ? Infinity : 900 + i))
  const siteBytes = Array.from({ length: sites }, (_, i) => (64 + (i % 13) / 4) * MiB)

  return strategy({
    nodes,
    completed: nodes - 2000,
    completionCdf: completion.slice(2000).sort((a, b) => a - b),
    siteCompleteSeconds: siteDone,
    siteWanBytes: siteBytes,
  })
}

describe('the HTML reports in a browser', { timeout: 120_000 }, () => {
  let dir: string
  let browser: Browser

  before(async () => {
    execFileSync('sh', [join(import.meta.dirname, '../../scripts/ensure-chromium.sh')], {
      stdio: ['ignore', 'inherit', 'inherit'],
    })
    dir = await mkdtemp(join(tmpdir(), 'patchmesh-report-e2e-'))
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ARGS })
  })
  after(async () => {
    await browser?.close()
    await rm(dir, { recursive: true, force: true })
  })

  /** Opens a report from disk, recording page errors, console errors, dialogs and requests. */
  const open = async (path: string) => {
    const problems: string[] = []
    const page = await browser.newPage()
    page.on('pageerror', (err) => problems.push(`page error: ${err.message}`))
    page.on('console', (msg) => {
      if (msg.type() === 'error' || msg.type() === 'warning') problems.push(msg.text())
    })
    page.on('dialog', (dialog) => {
      problems.push(`dialog: ${dialog.message()}`)
      void dialog.dismiss()
    })
    page.on('request', (request) => {
      if (request.url() !== pathToFileURL(path).href) problems.push(`request: ${request.url()}`)
    })
    await page.goto(pathToFileURL(path).href)
    await page.locator('body[data-charts-drawn]').waitFor()

    return { page, problems }
  }

  /** Per canvas: its dataset labels as Chart.js holds them, and how many pixels it painted. */
  const drawn = (page: Page) =>
    page.evaluate(() => {
      const g = globalThis as any
      const canvases = [...g.document.querySelectorAll('canvas')]

      return canvases.map((canvas: any) => {
        const { data } = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height)
        let painted = 0
        for (let i = 3; i < data.length; i += 4) if (data[i] !== 0) painted++
        const chart = g.Chart.getChart(canvas)

        return {
          id: canvas.id,
          labels: chart.data.datasets.map((d: any) => d.label),
          points: chart.data.datasets.map((d: any) => d.data.length),
          painted,
        }
      })
    })

  const expectDrawn = async (html: string, page: Page) => {
    const charts = embeddedData(html).charts
    const shown = await drawn(page)

    assert.deepEqual(
      shown.map((c) => c.id),
      charts.map((c) => c.id),
    )
    for (const [i, c] of charts.entries()) {
      assert.deepEqual(
        shown[i].labels,
        c.datasets.map((d: any) => d.label),
        c.id,
      )
      assert.deepEqual(
        shown[i].points,
        c.datasets.map((d: any) => d.data.length),
        c.id,
      )
      assert.ok(shown[i].painted > 5000, `${c.id} painted only ${shown[i].painted} pixels`)
    }
  }

  it('draws the three charts of a small simulation report without an error', async () => {
    const path = await writeReport(simulationReport(), join(dir, 'small'))
    const { page, problems } = await open(path)

    await expectDrawn(await readFile(path, 'utf8'), page)
    assert.deepEqual(problems, [])
    await page.close()
  })

  it('draws a fleet of 2,000 sites with sites that never completed, quickly', async () => {
    const report = simulationReport({
      nodes: 20_000,
      sites: 2000,
      scenario: scenario({ strategies: ['patchmesh', 'naive', 'swarm'] }),
      strategies: { patchmesh: bigFleet(), naive: bigFleet(), swarm: bigFleet() },
    })
    const path = await writeReport(report, join(dir, 'big'))
    const started = Date.now()
    const { page, problems } = await open(path)

    await expectDrawn(await readFile(path, 'utf8'), page)
    assert.deepEqual(problems, [])
    assert.ok(Date.now() - started < 10_000)
    await page.close()
  })

  it('shows a hostile scenario name as text and runs nothing it carries', async () => {
    const report = simulationReport({
      scenario: scenario({
        name: HOSTILE,
        siteGroups: [{ ...scenario().siteGroups[0], name: HOSTILE, count: 3 }],
      }),
    })
    const path = await writeReport(report, join(dir, 'hostile'))
    const { page, problems } = await open(path)

    assert.equal(await page.title(), `patchmesh simulation: ${HOSTILE}`)
    assert.equal(await page.locator('h1').textContent(), `patchmesh simulation: ${HOSTILE}`)
    assert.equal(await page.locator('script').count(), 3)
    assert.equal(await page.locator('img').count(), 0)
    await expectDrawn(await readFile(path, 'utf8'), page)
    assert.deepEqual(problems, [])
    await page.close()
  })

  it('draws the netlab report’s bars without an error', async () => {
    const path = await writeNetlabReport(netlabResult(), join(dir, 'netlab'))
    const { page, problems } = await open(path)

    await expectDrawn(await readFile(path, 'utf8'), page)
    assert.deepEqual(problems, [])
    await page.close()
  })
})
