/**
 * The fleet simulator at scale, patchmesh strategy: 10,000 nodes at 500 sites
 * (simulations/scenarios/enterprise.yaml, 1 GiB in 1 MiB chunks) and 100,000 nodes at 2,000 sites
 * (the same links and patch). Each run is `patchmesh simulate --json` in a child process, so its
 * peak memory is its own, killed at a wall-time cap: a run that misses its time goal by far
 * reports the cap instead of holding the bench for hours.
 */
import { spawnSync } from 'node:child_process'
import { mkdir, readFile, writeFile } from 'node:fs/promises'
import { join, resolve } from 'node:path'

import type { SimulationReport } from '../simulations/types.ts'
import type { BenchResult } from './run.ts'

export const name = 'simulate'

const ROOT = resolve(import.meta.dirname, '..')
const OUTPUT_DIR = join(ROOT, '.bench')
const BIN = join(ROOT, 'bin/patchmesh.js')
const ENTERPRISE = join(ROOT, 'simulations/scenarios/enterprise.yaml')
const GIB = 1024 ** 3
const WALL_GOAL_10K_S = 60
const WALL_GOAL_100K_S = 600
/** Wall-time caps of the child runs: far past the goals, so a slow run still gives its figures. */
const CAP_10K_S = 40 * 60
const CAP_100K_S = 20 * 60
const WAN_GOAL = 1.05
const BOUND_GOAL = 1.3

export async function run(): Promise<BenchResult[]> {
  await mkdir(OUTPUT_DIR, { recursive: true })
  const big = join(OUTPUT_DIR, 'fleet-100k.yaml')
  const enterprise = await readFile(ENTERPRISE, 'utf8')
  await writeFile(
    big,
    enterprise.replace('count: 500', 'count: 2000').replace('nodesPerSite: 20', 'nodesPerSite: 50'),
  )

  const results: BenchResult[] = []
  const tenK = simulate(ENTERPRISE, CAP_10K_S)
  results.push(...timing('10k nodes / 500 sites', tenK, WALL_GOAL_10K_S))
  if (tenK.report !== undefined) {
    const pm = tenK.report.strategies.patchmesh!
    const wanRatio = pm.wanBytesPerSite.max / tenK.report.patchSize
    results.push(
      {
        name: '10k: WAN bytes per site (max) / patch size',
        value: wanRatio,
        unit: 'x',
        goal: `<= ${WAN_GOAL}`,
        pass: wanRatio <= WAN_GOAL,
      },
      {
        name: '10k: p50 completion / lower bound',
        value: pm.boundRatio,
        unit: 'x',
        goal: `<= ${BOUND_GOAL}`,
        pass: pm.boundRatio <= BOUND_GOAL,
      },
      { name: '10k: events', value: tenK.report.events, unit: 'events' },
    )
  }
  results.push(...timing('100k nodes / 2,000 sites', simulate(big, CAP_100K_S), WALL_GOAL_100K_S))

  return results
}

interface Outcome {
  seconds: number
  report?: SimulationReport
}

function simulate(scenario: string, capSeconds: number): Outcome {
  const started = performance.now()
  const child = spawnSync(
    process.execPath,
    [BIN, 'simulate', scenario, '--json', '--strategy', 'patchmesh'],
    {
      encoding: 'utf8',
      timeout: capSeconds * 1000,
      maxBuffer: 1 << 30,
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  )
  const seconds = (performance.now() - started) / 1000
  if (child.status !== 0) return { seconds }

  return { seconds, report: JSON.parse(child.stdout) as SimulationReport }
}

function timing(label: string, outcome: Outcome, goal: number): BenchResult[] {
  const finished = outcome.report !== undefined
  const out: BenchResult[] = [
    {
      name: `${label}: wall time${finished ? '' : ' (killed at the cap, unfinished)'}`,
      value: outcome.seconds,
      unit: 's',
      goal: `<= ${goal}`,
      pass: finished && outcome.seconds <= goal,
    },
  ]
  if (outcome.report !== undefined) {
    out.push({ name: `${label}: peak RSS`, value: outcome.report.peakRssBytes / GIB, unit: 'GiB' })
  }

  return out
}
