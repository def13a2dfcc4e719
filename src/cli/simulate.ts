import type { Command } from 'commander'
import { InvalidArgumentError } from 'commander'
import cliProgress from 'cli-progress'
import Table from 'cli-table3'
import { loadScenario, STRATEGIES } from '../../simulations/scenario.ts'
import { runSimulation } from '../../simulations/simulate.ts'
import type { SimulationProgress } from '../../simulations/simulate.ts'
import type { SimulationReport, StrategyName } from '../../simulations/types.ts'
import { formatBytes } from '../util/units.ts'
import { emit, fail } from './output.ts'

interface SimulateFlags {
  json?: boolean
  report?: string
  strategy?: StrategyName[]
}

export function registerSimulate(program: Command): void {
  program
    .command('simulate')
    .description(
      'run a fleet scenario (YAML) in simulated time with the node scheduler and compare strategies',
    )
    .argument('<scenario>', 'the scenario file, e.g. simulations/scenarios/enterprise.yaml')
    .option('--json', 'print the report as one JSON document')
    .option('--report <dir>', 'also write a self-contained HTML report into this folder')
    .option(
      '--strategy <name>',
      `run only this strategy (repeatable): ${STRATEGIES.join(', ')}`,
      strategyOption,
    )
    .action(async (path: string, flags: SimulateFlags) => {
      const json = flags.json === true
      const progress = progressDisplay()
      try {
        const scenario = await loadScenario(path)
        const reports =
          flags.report === undefined ? undefined : await import('../../simulations/report/index.ts')
        // Before the run, which may take minutes: a report that cannot be written fails now.
        if (flags.report !== undefined) await reports?.prepareReportDir(flags.report)
        const report = await runSimulation(scenario, {
          strategies: flags.strategy,
          onProgress: (p) => progress.update(p),
        })
        progress.stop()
        // The figures first: a report that fails to write after all loses nothing of them.
        emit(json, report, describe)
        if (flags.report !== undefined && reports !== undefined) {
          const file = await reports.writeReport(report, flags.report)
          console.error(`report written to ${file}`)
        }
      } catch (err) {
        progress.stop()
        fail(err, json)
      }
    })
}

function strategyOption(value: string, previous: StrategyName[] = []): StrategyName[] {
  if (!STRATEGIES.includes(value as StrategyName)) {
    throw new InvalidArgumentError(`expected one of ${STRATEGIES.join(', ')}, got "${value}"`)
  }

  return [...previous, value as StrategyName]
}

/** A bar per strategy on a terminal; a line every 5 s otherwise; always on standard error. */
function progressDisplay() {
  const tty = process.stderr.isTTY === true
  let bar: cliProgress.SingleBar | undefined
  let current = ''
  let lastLine = 0

  return {
    update(p: SimulationProgress): void {
      if (tty) {
        if (p.strategy !== current) {
          bar?.stop()
          current = p.strategy
          bar = new cliProgress.SingleBar(
            {
              format: `${p.strategy.padEnd(10)} [{bar}] {value}/{total} nodes complete, t={sim} s`,
              stream: process.stderr,
              hideCursor: true,
            },
            cliProgress.Presets.shades_classic,
          )
          bar.start(p.nodes, 0, { sim: 0 })
        }
        bar?.update(p.completed, { sim: Math.round(p.simSeconds) })
        return
      }

      const now = performance.now()
      if (p.strategy === current && now - lastLine < 5000) return
      current = p.strategy
      lastLine = now
      console.error(
        `${p.strategy}: ${p.completed}/${p.nodes} nodes complete at ${p.simSeconds.toFixed(1)} s`,
      )
    },
    stop(): void {
      bar?.stop()
    },
  }
}

function describe(report: SimulationReport): string {
  const { scenario } = report
  const lines = [
    `${scenario.name}: ${report.nodes} nodes at ${report.sites} sites, ` +
      `patch ${formatBytes(report.patchSize)} in ${formatBytes(scenario.patch.chunkSize)} chunks`,
  ]
  const table = new Table({
    style: { head: [], border: [] },
    head: [
      'strategy',
      'complete',
      'p50 s',
      'p90 s',
      'p99 s',
      'max s',
      'bound s',
      'p50/bound',
      'WAN/site mean',
      'WAN/site max',
      'origin',
      'twice',
    ],
  })
  for (const [name, s] of Object.entries(report.strategies)) {
    if (s === undefined) continue
    const c = s.completionSeconds
    table.push([
      name,
      `${s.completed}/${s.nodes}`,
      seconds(c.p50),
      seconds(c.p90),
      seconds(c.p99),
      seconds(c.max),
      seconds(s.lowerBoundSeconds),
      s.boundRatio.toFixed(2),
      formatBytes(s.wanBytesPerSite.mean),
      formatBytes(s.wanBytesPerSite.max),
      formatBytes(s.originBytes),
      formatBytes(s.duplicateBytes),
    ])
  }
  lines.push(table.toString())
  lines.push(
    `${report.events} events in ${report.wallSeconds.toFixed(1)} s, ` +
      `peak memory ${formatBytes(report.peakRssBytes)}`,
  )

  return lines.join('\n')
}

function seconds(t: number): string {
  return Number.isFinite(t) ? t.toFixed(1) : '-'
}
