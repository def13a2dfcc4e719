/**
 * The dashboard in a real browser (Debian's chromium, driven by playwright-core): what the page
 * shows equals what the API returns, and its approve and halt controls change the rollout.
 * scripts/ensure-chromium.sh installs chromium first when the machine has none.
 */
import assert from 'node:assert/strict'
import { execFileSync } from 'node:child_process'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { chromium } from 'playwright-core'
import type { Browser, Page } from 'playwright-core'

import { CURL, fleet, harness, HOUR, NOW, OPENSSL } from '../coordinator/http/fixtures.ts'
import type { Harness } from '../coordinator/http/fixtures.ts'

const CHROMIUM = '/usr/bin/chromium'
const ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
]

describe('the dashboard in a browser', { timeout: 120_000 }, () => {
  let h: Harness
  let browser: Browser
  let page: Page
  const pageErrors: string[] = []

  before(async () => {
    execFileSync('sh', [join(import.meta.dirname, '../../scripts/ensure-chromium.sh')], {
      stdio: ['ignore', 'inherit', 'inherit'],
    })
    h = await harness({ announcements: [OPENSSL, CURL], reports: fleet() })
    const [url] = await h.http.listen('127.0.0.1', 0)
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ARGS })
    page = await browser.newPage()
    page.on('pageerror', (err) => pageErrors.push(err.message))
    page.on('console', (msg) => {
      if (msg.type() === 'error') pageErrors.push(msg.text())
    })
    await page.goto(url)
    await page.getByTestId(`patch-${OPENSSL.patchId}-ring-canary`).waitFor()
  })
  after(async () => {
    await browser?.close()
    await h?.close()
  })

  const api = async (url: string) => (await h.http.app.inject(url)).json()
  const text = async (testId: string) =>
    ((await page.getByTestId(testId).textContent()) ?? '').trim()
  const value = async (testId: string) =>
    Number(await page.getByTestId(testId).getAttribute('data-value'))

  it('shows the patches in the order the API lists them', async () => {
    const { patches } = await api('/api/v1/patches')
    const shown = await page
      .locator('article.patch')
      .evaluateAll((cards) => cards.map((c) => (c as HTMLElementLike).dataset.testid))

    assert.deepEqual(
      shown,
      patches.map((p: any) => `patch-${p.patchId}`),
    )
    for (const p of patches) {
      assert.match(await text(`patch-${p.patchId}-title`), new RegExp(`^${p.name} ${p.version} `))
      assert.equal(await text(`patch-${p.patchId}-state`), 'active')
    }
  })

  it("shows each patch's rollout by ring as the API does", async () => {
    for (const patchId of [OPENSSL.patchId, CURL.patchId]) {
      const { rollout } = await api(`/api/v1/patches/${patchId}`)
      for (const ring of rollout.rings) {
        const id = `patch-${patchId}-ring-${ring.ring}`
        assert.equal(await text(`${id}-nodes`), String(ring.nodes), id)
        assert.equal(await text(`${id}-installed`), String(ring.byState.installed), id)
        assert.equal(await text(`${id}-failed`), String(ring.byState.failed), id)
        assert.equal(await value(`${id}-saved`), ring.bytes.savedWan, id)
        assert.equal(await value(`${id}-wan`), ring.bytes.wan, id)
        assert.equal(await text(`${id}-approval`), 'not approved')
      }
      assert.equal(await value(`patch-${patchId}-saved`), rollout.total.bytes.savedWan)
    }
  })

  it("shows each patch's rollout by site with the WAN bytes saved", async () => {
    const { rollout } = await api(`/api/v1/patches/${OPENSSL.patchId}`)

    assert.deepEqual(
      rollout.sites.map((s: any) => s.site),
      ['leeds', 'york'],
    )
    for (const site of rollout.sites) {
      const id = `patch-${OPENSSL.patchId}-site-${site.site}`
      assert.equal(await text(`${id}-nodes`), String(site.nodes), id)
      assert.equal(await text(`${id}-installed`), String(site.byState.installed), id)
      assert.equal(await value(`${id}-own`), site.bytes.ownSite, id)
      assert.equal(await value(`${id}-wan`), site.bytes.wan, id)
      assert.equal(await value(`${id}-saved`), site.bytes.savedWan, id)
      assert.equal(await value(`${id}-naive`), site.bytes.savedWan + site.bytes.wan, id)
    }
    // leeds: two nodes hold the patch and one fetched 1 KiB, and one copy crossed the WAN.
    assert.equal(await value(`patch-${OPENSSL.patchId}-site-leeds-saved`), OPENSSL.size + 1024)
  })

  it('shows the fleet by site and ring, and every node, as the API does', async () => {
    const { nodes } = (await api('/api/v1/nodes')) as {
      nodes: Array<{
        nodeId: string
        site: string
        ring: string
        patches: Record<string, string>
        reasons: Record<string, string>
      }>
    }
    assert.ok(
      nodes.some((n) => Object.keys(n.reasons).length > 0),
      'a node gives a reason',
    )
    const sites = [...new Set(nodes.map((n) => n.site))]

    for (const site of sites) {
      const members = nodes.filter((n) => n.site === site)
      assert.equal(await text(`fleet-${site}-nodes`), String(members.length))
      assert.equal(await text(`fleet-${site}-active`), String(members.length))
      for (const ring of ['canary', 'pilot', 'broad']) {
        const count = members.filter((n) => n.ring === ring).length
        assert.equal(await text(`fleet-${site}-ring-${ring}`), String(count), `${site} ${ring}`)
      }
    }
    for (const node of nodes) {
      assert.equal(await text(`node-${node.nodeId}-site`), node.site)
      assert.equal(await text(`node-${node.nodeId}-ring`), node.ring)
      for (const [patchId, state] of Object.entries(node.patches)) {
        assert.equal(await text(`node-${node.nodeId}-state-${patchId}`), state)
      }
      for (const [patchId, reason] of Object.entries(node.reasons)) {
        assert.equal(await text(`node-${node.nodeId}-reason-${patchId}`), reason)
      }
    }
  })

  it('refuses an approval before the operator gives the token, and says why', async () => {
    await page.getByTestId(`approve-${OPENSSL.patchId}`).click()

    await page.getByTestId('message').filter({ hasText: 'operator token' }).waitFor()
    assert.equal(h.published.length, 0)
    const { rollout } = await api(`/api/v1/patches/${OPENSSL.patchId}`)
    assert.equal(rollout.rings[0].approval, null)
  })

  it('approves the canary ring with a deadline and a window once the token is given', async () => {
    await page.getByTestId('token-input').fill(h.token)
    await page.getByTestId('token-save').click()
    await page.getByTestId('token-state').filter({ hasText: 'token set' }).waitFor()
    const patchId = OPENSSL.patchId
    await page.getByTestId(`approve-ring-${patchId}`).selectOption('canary')
    await page.getByTestId(`approve-deadline-${patchId}`).fill('+2h')
    await page.getByTestId(`approve-window-${patchId}`).fill('mon-fri 01:00-04:00')

    await page.getByTestId(`approve-${patchId}`).click()

    await page.getByTestId('message').filter({ hasText: 'approved canary' }).waitFor()
    const { rollout } = await api(`/api/v1/patches/${patchId}`)
    const canary = rollout.rings.find((r: any) => r.ring === 'canary')
    assert.equal(canary.approval.by, 'operator')
    assert.equal(canary.approval.deadlineMs, NOW + 2 * HOUR)
    assert.deepEqual(
      canary.approval.windows.map((w: any) => w.text),
      ['mon-fri 01:00-04:00'],
    )
    await page
      .getByTestId(`patch-${patchId}-ring-canary-approval`)
      .filter({ hasText: 'by operator' })
      .waitFor()
    assert.equal(await text(`patch-${patchId}-ring-pilot-approval`), 'not approved')
  })

  it('keeps the token for the tab across a reload', async () => {
    await page.reload()

    await page.getByTestId('token-state').filter({ hasText: 'token set' }).waitFor()
  })

  it('halts the rollout, after the operator confirms', async () => {
    const patchId = OPENSSL.patchId
    page.once('dialog', (dialog) => void dialog.accept())
    await page.getByTestId(`halt-reason-${patchId}`).fill('printing breaks at york')

    await page.getByTestId(`halt-${patchId}`).click()

    await page.getByTestId('message').filter({ hasText: 'halted' }).waitFor()
    const { patches } = await api('/api/v1/patches')
    const halted = patches.find((p: any) => p.patchId === patchId).halted
    assert.equal(halted.reason, 'printing breaks at york')
    assert.equal(halted.by, 'operator')
    await page.getByTestId(`patch-${patchId}-state`).filter({ hasText: 'halted' }).waitFor()
    assert.equal(await text(`patch-${CURL.patchId}-state`), 'active')
  })

  it('ran without a script error or a blocked resource', () => {
    // The one refusal is the approval sent without the token, on purpose, above.
    const unexpected = pageErrors.filter((e) => !e.includes('status of 401 (Unauthorized)'))

    assert.deepEqual(unexpected, [])
  })
})

/** What evaluateAll hands back for an element; the test's lib has no DOM types. */
interface HTMLElementLike {
  dataset: Record<string, string | undefined>
}
