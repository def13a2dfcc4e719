import assert from 'node:assert/strict'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'

import { writeNetlabReport } from '../../../simulations/report/index.ts'
import type { NetlabChartInput } from '../../../simulations/report/index.ts'
import { NETLAB_CHART } from '../../../simulations/report/netlab.ts'
import {
  assertSelfContained,
  chart,
  embeddedData,
  HOSTILE,
  MiB,
  netlabResult,
  scriptTags,
} from './fixtures.ts'

describe('writeNetlabReport', () => {
  let dir: string
  let html: string

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'patchmesh-netlab-report-'))
    html = await readFile(await writeNetlabReport(netlabResult(), join(dir, 'lab')), 'utf8')
  })
  after(() => rm(dir, { recursive: true, force: true }))

  const write = async (r: NetlabChartInput, name: string) =>
    readFile(await writeNetlabReport(r, join(dir, name)), 'utf8')

  it('writes dir/index.html, self-contained with Chart.js inlined', async () => {
    const path = await writeNetlabReport(netlabResult(), join(dir, 'new', 'dir'))

    assert.equal(path, join(dir, 'new', 'dir', 'index.html'))
    assertSelfContained(html)
    assert.match(html, /Chart\.js v4/)
    assert.equal(scriptTags(html).length, 3)
  })

  it('embeds kernel, product and predicted WAN bytes per site as bars, and the patch size', () => {
    const spec = chart(html, NETLAB_CHART)

    assert.equal(spec.type, 'bar')
    assert.deepEqual(spec.labels, ['hq', 'leeds'])
    assert.deepEqual(
      spec.datasets.map((d: any) => [d.label, d.data]),
      [
        ['kernel counted', [67 * MiB, 68 * MiB]],
        ['product counted', [64 * MiB, 65 * MiB]],
        ['simulator predicted', [64 * MiB, 64 * MiB]],
        ['patch size', []],
      ],
    )
    assert.equal(spec.datasets[3].level, 64 * MiB)
  })

  it('shows the measured and predicted times and whether every node installed', async () => {
    assert.ok(html.includes('<dt>time</dt><dd>50.0 s</dd>'))
    assert.ok(html.includes('<dt>predicted time</dt><dd>45.0 s</dd>'))
    assert.ok(html.includes('every node installed the patch'))

    const failed = await write(
      netlabResult({ allInstalled: false, predictedSeconds: undefined, seconds: Infinity }),
      'failed',
    )
    assert.ok(failed.includes('not every node installed the patch'))
    assert.ok(failed.includes('<dt>time</dt><dd>never</dd>'))
    assert.ok(failed.includes('<dt>predicted time</dt><dd>not predicted</dd>'))
  })

  it('tables each site’s bytes and their multiple of the patch size', () => {
    assert.ok(
      html.includes(
        '<tr><td>leeds</td><td>68.0 MiB</td><td>1.06×</td><td>65.0 MiB</td><td>1.02×</td><td>64.0 MiB</td><td>1.00×</td></tr>',
      ),
    )
  })

  it('escapes a hostile scenario and site name', async () => {
    const site = { ...netlabResult().sites[0], name: HOSTILE }
    const page = await write(netlabResult({ scenarioName: HOSTILE, sites: [site] }), 'hostile')

    assert.ok(!page.includes(HOSTILE))
    assert.ok(!page.includes('<img'))
    assert.equal(scriptTags(page).length, 3)
    assert.deepEqual(chart(page, NETLAB_CHART).labels, [HOSTILE])
  })

  it('draws a site whose bytes are not finite as a gap and tables them as never', async () => {
    const site = { ...netlabResult().sites[0], kernelWanBytesIn: Infinity }
    const page = await write(netlabResult({ sites: [site] }), 'infinite')

    assert.deepEqual(chart(page, NETLAB_CHART).datasets[0].data, [null])
    assert.ok(page.includes('<tr><td>hq</td><td>never</td><td>never</td>'))
  })

  it('writes a page with no chart and says so when the run reported no sites', async () => {
    const page = await write(netlabResult({ sites: [] }), 'empty')

    assertSelfContained(page)
    assert.deepEqual(embeddedData(page).charts, [])
    assert.ok(page.includes('The run reported no sites.'))
    assert.ok(!page.includes('<canvas'))
  })
})
