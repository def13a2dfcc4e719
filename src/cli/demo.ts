import type { Command } from 'commander'
import cliProgress from 'cli-progress'
import { runDemo } from '../demo/fleet.ts'
import type { DemoSummary, NodeProgress } from '../demo/fleet.ts'
import { formatBytes } from '../util/units.ts'
import { emit, fail } from './output.ts'
import { countOption, sizeOption } from './options.ts'

interface DemoFlags {
  file?: string
  sites: number
  nodesPerSite: number
  wanMbit: number
  chunkSize: number
  size: number
  json?: boolean
  keep?: boolean
}

export function registerDemo(program: Command): void {
  program
    .command('demo')
    .description(
      'run a local fleet (authority and sites of nodes, as processes) that distributes a file',
    )
    .option('--file <path>', 'the file to distribute (default: a generated one)')
    .option('--size <size>', 'size of the generated file', sizeOption, 64 * 1024 * 1024)
    .option('--sites <n>', 'number of sites', countOption, 2)
    .option('--nodes-per-site <n>', 'nodes at each site', countOption, 3)
    .option('--wan-mbit <n>', "each site's WAN download limit, Mbit/s", Number, 100)
    .option('--chunk-size <size>', 'chunk size', sizeOption, 1024 * 1024)
    .option('--json', 'print the summary as one JSON document')
    .option('--keep', 'keep the working directory (keys, data, events) for a look')
    .action(async (flags: DemoFlags) => {
      const json = flags.json === true
      const display = progressDisplay(json)
      try {
        const summary = await runDemo(
          {
            file: flags.file,
            generatedSize: flags.size,
            sites: flags.sites,
            nodesPerSite: flags.nodesPerSite,
            wanMbit: flags.wanMbit,
            chunkSize: flags.chunkSize,
            keep: flags.keep === true,
          },
          {
            stage: display.stage,
            progress: display.progress,
            onAbortable: (abort) => process.once('SIGINT', abort),
          },
        )
        display.stop()
        emit(json, summary, describe)
        process.exitCode = summary.ok ? 0 : 1
      } catch (err) {
        display.stop()
        fail(err, json)
      }
    })
}

/** Bars per site on a terminal; a line per site every few seconds otherwise; nothing for --json. */
function progressDisplay(json: boolean) {
  const tty = process.stderr.isTTY === true && !json
  const multi = tty
    ? new cliProgress.MultiBar(
        {
          format: '{site} [{bar}] {percentage}% {value}/{total} chunks',
          hideCursor: true,
          stream: process.stderr,
        },
        cliProgress.Presets.shades_classic,
      )
    : undefined
  const bars = new Map<string, cliProgress.SingleBar>()
  let lastLine = 0

  return {
    stage: (message: string) => {
      if (!json) (multi ?? console).log(message)
    },
    progress: (nodes: NodeProgress[]) => {
      const sites = new Map<string, { held: number; total: number }>()
      for (const n of nodes) {
        const s = sites.get(n.site) ?? { held: 0, total: 0 }
        s.held += n.held
        s.total += n.chunkCount
        sites.set(n.site, s)
      }
      if (multi !== undefined) {
        for (const [site, s] of sites) {
          let bar = bars.get(site)
          if (bar === undefined) bars.set(site, (bar = multi.create(s.total, 0, { site })))
          bar.update(s.held, { site })
        }
      } else if (!json && Date.now() - lastLine > 2000) {
        lastLine = Date.now()
        const parts = [...sites].map(
          ([site, s]) => `${site} ${Math.floor((100 * s.held) / s.total)}%`,
        )
        console.error(`progress: ${parts.join(', ')}`)
      }
    },
    stop: () => multi?.stop(),
  }
}

function describe(s: DemoSummary): string {
  const lines = [
    `${s.ok ? 'OK' : 'FAILED'}: ${s.patch.name} ${s.patch.version} (${formatBytes(s.patch.size)}, ` +
      `sha256 ${s.patch.sha256.slice(0, 16)}...) reached ${s.nodes.filter((n) => n.state === 'complete').length}` +
      ` of ${s.nodes.length} nodes in ${s.seconds} s`,
    '',
    'node                 state      sha256 ok   own site    other sites  origin',
  ]
  for (const n of s.nodes) {
    lines.push(
      `${n.name.padEnd(20)} ${n.state.padEnd(10)} ${String(n.sha256 === s.patch.sha256).padEnd(12)}` +
        `${formatBytes(n.bytes.ownSite).padEnd(12)}${formatBytes(n.bytes.otherSites).padEnd(13)}` +
        formatBytes(n.bytes.origin),
    )
  }
  lines.push('', 'site        nodes  WAN in        WAN out')
  for (const site of s.sites) {
    lines.push(
      `${site.name.padEnd(12)}${String(site.nodes).padEnd(7)}${formatBytes(site.wanBytesIn).padEnd(14)}` +
        formatBytes(site.wanBytesOut),
    )
  }
  const wanTotal = s.sites.reduce((sum, site) => sum + site.wanBytesIn, 0)
  lines.push(
    '',
    `origin sent ${formatBytes(s.originBytesOut)}; all sites pulled ${formatBytes(wanTotal)} over their ` +
      `WAN links, where a naive fleet (every node from the origin) pulls ${formatBytes(s.naiveWanBytes)} ` +
      `(${(s.naiveWanBytes / Math.max(wanTotal, 1)).toFixed(1)}x more)`,
  )
  if (s.workDir !== null) lines.push(`kept ${s.workDir}`)

  return lines.join('\n')
}
