/**
 * `patchmesh netlab SCENARIO`: runs a scenario as a fleet of real processes on real network
 * stacks (network namespaces, tc-shaped WAN links) and compares the kernel's WAN byte counts
 * with the nodes' own and the simulator's. Needs root, `ip` and `tc`.
 */
import type { Command } from 'commander'
import { NetlabInterruptedError } from '../../simulations/netns/errors.ts'
import type { NetlabResult } from '../../simulations/netns/result.ts'
import { formatBytes } from '../util/units.ts'
import { durationOption } from './options.ts'
import { emit, fail } from './output.ts'

interface NetlabFlags {
  json?: boolean
  report?: string
  keep?: boolean
  timeout?: number
}

export function registerNetlab(program: Command): void {
  program
    .command('netlab')
    .description(
      'run a scenario as a fleet in network namespaces with shaped WAN links (root, ip, tc)',
    )
    .argument('<scenario>', "a scenario file in the simulator's YAML format")
    .option('--json', 'print the result as one JSON document')
    .option('--report <dir>', 'also write a chart of kernel, product and predicted bytes to DIR')
    .option('--keep', 'keep the working directory (keys, data, event files) for a look')
    .option(
      '--timeout <duration>',
      'give up when not every node installed after this',
      durationOption,
    )
    .action(async (file: string, flags: NetlabFlags) => {
      const json = flags.json === true
      const abort = new AbortController()
      // Handlers stay for the whole run, so that a second Ctrl-C during teardown is ignored
      // instead of killing the process half way through removing namespaces.
      const onSignal = (signal: NodeJS.Signals) => {
        if (!abort.signal.aborted) abort.abort(new NetlabInterruptedError(signal))
      }
      process.on('SIGINT', onSignal)
      process.on('SIGTERM', onSignal)
      try {
        // Loaded here, not with the CLI: every daemon of every fleet starts this CLI.
        const { loadScenario } = await import('../../simulations/scenario.ts')
        const { checkScenarioFits } = await import('../../simulations/netns/plan.ts')
        const { checkPrerequisites } = await import('../../simulations/netns/host.ts')
        const { runNetlab } = await import('../../simulations/netns/fleet.ts')
        const { predict } = await import('../../simulations/netns/prediction.ts')
        const scenario = await loadScenario(file)
        checkScenarioFits(scenario)
        checkPrerequisites()
        if (flags.report !== undefined) {
          const { prepareReportDir } = await import('../../simulations/report/index.ts')
          await prepareReportDir(flags.report)
        }
        const result = await runNetlab(scenario, {
          signal: abort.signal,
          keep: flags.keep === true,
          timeoutMs: flags.timeout,
          predict,
          stage: json ? undefined : (message) => console.error(`netlab: ${message}`),
        })
        if (flags.report !== undefined) {
          const { writeNetlabReport } = await import('../../simulations/report/index.ts')
          result.report = await writeNetlabReport(
            {
              scenarioName: result.scenarioName,
              patchSize: result.patchSize,
              seconds: result.seconds,
              predictedSeconds: result.predictedSeconds,
              allInstalled: result.allInstalled,
              sites: result.sites,
            },
            flags.report,
          )
        }
        emit(json, result, describe)
        process.exitCode = result.allInstalled ? 0 : 1
      } catch (err) {
        fail(err, json)
      }
    })
}

function describe(r: NetlabResult): string {
  const ratio = (bytes: number) => `${(bytes / r.patchSize).toFixed(2)}x`
  const lines = [
    `${r.allInstalled ? 'OK' : 'FAILED'}: ${r.scenarioName}, a ${formatBytes(r.patchSize)} patch ` +
      `reached ${r.sites.reduce((n, s) => n + s.installed, 0)} of ${r.nodes} nodes in ` +
      `${r.seconds} s from approval to the last install; the transfer took ` +
      `${r.transferSeconds} s (predicted ${r.predictedSeconds} s)`,
    '',
    'WAN bytes in per site (x: times the patch size)',
    'site            nodes  kernel            product           predicted',
  ]
  for (const s of r.sites) {
    lines.push(
      `${s.name.padEnd(16)}${`${s.installed}/${s.nodes}`.padEnd(7)}` +
        `${`${formatBytes(s.kernelWanBytesIn)} ${ratio(s.kernelWanBytesIn)}`.padEnd(18)}` +
        `${`${formatBytes(s.productWanBytesIn)} ${ratio(s.productWanBytesIn)}`.padEnd(18)}` +
        `${formatBytes(s.predictedWanBytesIn)} ${ratio(s.predictedWanBytesIn)}`,
    )
  }
  lines.push(
    '',
    "kernel: the site's WAN interface as the kernel counts it (all traffic: TCP/IP, libp2p,",
    '  gossip, DHT); product: chunk bytes from other sites and the origin, by the nodes',
    `head office sent ${formatBytes(r.headOffice.kernelBytesOut)} (kernel), ` +
      `${formatBytes(r.headOffice.productBytesOut)} of chunks (product); a naive fleet pulls ` +
      `${formatBytes(r.naiveWanBytes)} over the WAN`,
    `LAN: ${r.lan}`,
  )
  if (r.report !== undefined) lines.push(`chart: ${r.report}`)

  return lines.join('\n')
}
