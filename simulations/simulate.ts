/**
 * Runs a scenario: each strategy in turn over the same fleet, and what each did, against the lower
 * bound. Asynchronous only to let a terminal redraw its progress now and then; the result depends
 * on the scenario alone (its seed included), never on timing.
 */
import { lowerBound } from './bound.ts'
import { Run } from './engine.ts'
import type { Strategy } from './engine.ts'
import { Fleet } from './fleet.ts'
import { NaiveStrategy } from './strategies/naive.ts'
import { SchedulerStrategy } from './strategies/scheduler.ts'
import { SiteCacheStrategy } from './strategies/site-cache.ts'
import type {
  Percentiles,
  Scenario,
  SimulationReport,
  StrategyName,
  StrategyReport,
} from './types.ts'

export interface SimulationProgress {
  strategy: string
  simSeconds: number
  completed: number
  nodes: number
}

export interface SimulationOptions {
  /** Strategies to run; default the scenario's. */
  strategies?: StrategyName[]
  onProgress?: (p: SimulationProgress) => void
}

export async function runSimulation(
  scenario: Scenario,
  opts: SimulationOptions = {},
): Promise<SimulationReport> {
  const started = performance.now()
  const fleet = new Fleet(scenario)
  const bound = lowerBound(fleet)
  const strategies: SimulationReport['strategies'] = {}
  let events = 0

  for (const name of opts.strategies ?? scenario.strategies) {
    const report = await runStrategy(fleet, name, bound.seconds, opts.onProgress)
    strategies[name] = report
    events += report.events
  }

  return {
    scenario,
    nodes: fleet.nodes,
    sites: fleet.sites,
    patchSize: scenario.patch.size,
    wallSeconds: (performance.now() - started) / 1000,
    events,
    peakRssBytes: process.resourceUsage().maxRSS * 1024,
    bound: bound.terms,
    strategies,
  }
}

async function runStrategy(
  fleet: Fleet,
  name: StrategyName,
  bound: number,
  onProgress: SimulationOptions['onProgress'],
): Promise<StrategyReport> {
  const started = performance.now()
  const run = new Run(fleet)
  const strategy = makeStrategy(run, name)
  const complete = await run.run(strategy, {
    onProgress: onProgress === undefined ? undefined : (p) => onProgress({ strategy: name, ...p }),
  })

  return summarise(run, fleet, bound, complete, (performance.now() - started) / 1000)
}

function makeStrategy(run: Run, name: StrategyName): Strategy {
  switch (name) {
    case 'patchmesh':
      return new SchedulerStrategy(run, { name, siteAware: true, peers: run.fleet.wanPeers })
    case 'swarm':
      return new SchedulerStrategy(run, { name, siteAware: false, peers: run.fleet.swarmPeers })
    case 'naive':
      return new NaiveStrategy(run)
    case 'site-cache':
      return new SiteCacheStrategy(run)
  }
}

function summarise(
  run: Run,
  fleet: Fleet,
  bound: number,
  complete: boolean,
  wallSeconds: number,
): StrategyReport {
  const times = Array.from(run.completedAt).filter((t) => !Number.isNaN(t))
  const cdf = Float64Array.from(times).sort()
  const byRing: Record<string, number[]> = {}
  for (let i = 0; i < fleet.nodes; i++) {
    const t = run.completedAt[i]
    if (Number.isNaN(t)) continue
    ;(byRing[fleet.ringNames[fleet.ringOfNode[i]]] ??= []).push(t)
  }
  const siteComplete: number[] = []
  for (let s = 0; s < fleet.sites; s++) {
    let last = 0
    for (let i = fleet.siteFirst[s]; i < fleet.siteFirst[s + 1]; i++) {
      const t = run.completedAt[i]
      last = Number.isNaN(t) ? Infinity : Math.max(last, t)
    }
    siteComplete.push(last)
  }
  const wan = Array.from(run.siteWanBytes)
  const completion = percentiles(cdf)

  return {
    completionSeconds: completion,
    completionByRing: Object.fromEntries(
      Object.entries(byRing).map(([ring, t]) => [ring, percentiles(Float64Array.from(t).sort())]),
    ),
    completed: run.completed,
    nodes: fleet.nodes,
    wanBytesPerSite: {
      mean: wan.reduce((a, b) => a + b, 0) / Math.max(1, wan.length),
      max: Math.max(0, ...wan),
    },
    originBytes: run.originBytes,
    duplicateBytes: run.duplicateBytes,
    badBytes: run.badBytes,
    lowerBoundSeconds: bound,
    boundRatio: completion.p50 / bound,
    maxBoundRatio: completion.max / bound,
    completionCdf: Array.from(cdf),
    siteWanBytes: wan,
    siteCompleteSeconds: siteComplete,
    events: run.events,
    wallSeconds,
    transfers: run.transfers,
    bans: run.bans,
    timedOut: !complete,
  }
}

/** Nearest-rank percentiles of sorted times; NaN when there are none. */
export function percentiles(sorted: Float64Array): Percentiles {
  const at = (q: number) =>
    sorted.length === 0 ? Number.NaN : sorted[Math.max(0, Math.ceil(q * sorted.length) - 1)]

  return { p50: at(0.5), p90: at(0.9), p99: at(0.99), max: at(1) }
}
