/** Small hand-made reports for the HTML report tests, and readers of what a page embeds. */
import type { NetlabChartInput } from '../../../simulations/report/index.ts'
import type { Scenario, SimulationReport, StrategyReport } from '../../../simulations/types.ts'

export const MiB = 1024 * 1024

/** Three sites (one head office, two branches) of two nodes each. */
export function scenario(overrides: Partial<Scenario> = {}): Scenario {
  return {
    name: 'two-branches',
    seed: 7,
    patch: { size: 64 * MiB, chunkSize: MiB },
    origin: { upMbit: 1000 },
    siteGroups: [
      {
        name: 'hq',
        count: 1,
        nodesPerSite: 2,
        wanDownMbit: 1000,
        wanUpMbit: 1000,
        lanMbit: 1000,
        nodeMbit: 1000,
      },
      {
        name: 'branch',
        count: 2,
        nodesPerSite: 2,
        wanDownMbit: 20,
        wanUpMbit: 10,
        lanMbit: 1000,
        nodeMbit: 1000,
        rings: { canary: 0.5, broad: 0.5 },
      },
    ],
    events: [],
    strategies: ['patchmesh', 'naive'],
    maxSeconds: 3600,
    ...overrides,
  }
}

/** A strategy over the six nodes; each call gets its own arrays. */
export function strategy(overrides: Partial<StrategyReport> = {}): StrategyReport {
  return {
    completionSeconds: { p50: 30, p90: 41, p99: 42, max: 42 },
    completionByRing: {
      canary: { p50: 25, p90: 28, p99: 28, max: 28 },
      broad: { p50: 35, p90: 42, p99: 42, max: 42 },
    },
    completed: 6,
    nodes: 6,
    wanBytesPerSite: { mean: 65 * MiB, max: 66 * MiB },
    originBytes: 130 * MiB,
    duplicateBytes: 2 * MiB,
    badBytes: 0,
    lowerBoundSeconds: 26.8,
    boundRatio: 1.12,
    completionCdf: [5, 20, 28, 30, 41, 42],
    siteWanBytes: [64 * MiB, 65 * MiB, 66 * MiB],
    siteCompleteSeconds: [20, 30, 42],
    events: 1234,
    wallSeconds: 0.4,
    ...overrides,
  }
}

/** patchmesh and naive in the scenario above. */
export function simulationReport(overrides: Partial<SimulationReport> = {}): SimulationReport {
  return {
    scenario: scenario(),
    nodes: 6,
    sites: 3,
    patchSize: 64 * MiB,
    wallSeconds: 1.25,
    events: 5678,
    peakRssBytes: 180 * MiB,
    strategies: {
      patchmesh: strategy(),
      naive: strategy({
        completionSeconds: { p50: 200, p90: 380, p99: 390, max: 390 },
        completionCdf: [100, 150, 200, 300, 380, 390],
        siteWanBytes: [64 * MiB, 128 * MiB, 128 * MiB],
        siteCompleteSeconds: [100, 300, 390],
        wanBytesPerSite: { mean: (320 * MiB) / 3, max: 128 * MiB },
      }),
    },
    ...overrides,
  }
}

/** The chart specs a page embeds, parsed from its JSON data element. */
export function embeddedData(html: string): { charts: any[] } {
  const match = /<script type="application\/json" id="report-data">([^<]*)<\/script>/.exec(html)
  if (match === null) throw new Error('the page has no data element')

  return JSON.parse(match[1])
}

/** The chart with this canvas id, from a page's data. */
export function chart(html: string, id: string): any {
  const found = embeddedData(html).charts.find((c) => c.id === id)
  if (found === undefined) throw new Error(`the page has no chart ${id}`)

  return found
}

/** A hostile name: closes the script element it lands in and opens one of its own. */
export const HOSTILE = '</script><script>alert(1)</script><img src=x onerror=alert(2)>&amp;'

/**
 * Fails when the page could load anything from elsewhere: any src or href attribute, a link
 * element, or a script other than the inline data, library and drawing script.
 */
export function assertSelfContained(html: string): void {
  const problems: string[] = []
  if (/<(script|img|iframe|link|source|embed|object)\b[^>]*\s(src|href|data)\s*=/i.test(html)) {
    problems.push('an element loads a resource')
  }
  if (/<link\b/i.test(html)) problems.push('a link element')
  if (/\burl\(\s*['"]?https?:/i.test(html)) problems.push('a CSS url() to the network')
  if (!html.includes("default-src 'none'") && !html.includes('default-src &#39;none&#39;')) {
    problems.push('no Content-Security-Policy that forbids loading')
  }
  if (problems.length > 0) throw new Error(`the page is not self-contained: ${problems.join(', ')}`)
}

/** The opening tags of every script element in a page. */
export function scriptTags(html: string): string[] {
  return html.match(/<script\b[^>]*>/gi) ?? []
}

/** A netlab result of two sites. */
export function netlabResult(overrides: Partial<NetlabChartInput> = {}): NetlabChartInput {
  return {
    scenarioName: 'two-sites',
    patchSize: 64 * MiB,
    seconds: 50,
    predictedSeconds: 45,
    allInstalled: true,
    sites: [
      {
        name: 'hq',
        kernelWanBytesIn: 67 * MiB,
        productWanBytesIn: 64 * MiB,
        predictedWanBytesIn: 64 * MiB,
      },
      {
        name: 'leeds',
        kernelWanBytesIn: 68 * MiB,
        productWanBytesIn: 65 * MiB,
        predictedWanBytesIn: 64 * MiB,
      },
    ],
    ...overrides,
  }
}
