import { InvalidArgumentError } from 'commander'
import type { Command } from 'commander'
import { DEFAULT_GENERATED_SIZE, DemoInterruptedError, runDemo } from '../demo/fleet.ts'
import { describeSummary, progressDisplay } from './demo-view.ts'
import { describeError, emit, fail } from './output.ts'
import { countOption, durationOption, sizeOption } from './options.ts'

/** Node processes the demo starts at most: each is a libp2p host of its own on this machine. */
const MAX_DEMO_NODES = 60

interface DemoFlags {
  file?: string
  size: number
  sites: number
  nodesPerSite: number
  wanMbit: number[]
  chunkSize: number
  prefetch?: boolean
  installCommand?: string
  timeout: number
  json?: boolean
  keep?: boolean
}

const HELP = `
The demo publishes the file, approves it for the canary ring (the first node of each site),
waits until every canary installed it, then approves the pilot and broad rings and waits until
every node installed it or failed. Nodes install by staging a copy into their data directory
(or with --install-command). It exits 0 only when every node installed the file with its exact
SHA-256, and stops every process it started, also on failure and Ctrl-C.`

export function registerDemo(program: Command): void {
  program
    .command('demo')
    .description(
      'roll a file out to a local fleet: authority, coordinator and sites of nodes, as processes',
    )
    .option('--file <path>', 'the file to distribute (default: a generated one)')
    .option('--size <size>', 'size of the generated file', sizeOption, DEFAULT_GENERATED_SIZE)
    .option('--sites <n>', 'number of sites', countOption, 3)
    .option('--nodes-per-site <n>', 'nodes at each site', countOption, 3)
    .option(
      '--wan-mbit <list>',
      "each site's WAN link, Mbit/s, shared by its nodes; a list (100,20) gives sites their own",
      mbitList,
      [100],
    )
    .option('--chunk-size <size>', 'chunk size', sizeOption, 1024 * 1024)
    .option('--prefetch', 'nodes fetch on announcement, before approval (install still waits)')
    .option('--install-command <cmd>', 'install by running CMD <patch file> on each node')
    .option('--timeout <duration>', 'give up after this long', durationOption, 10 * 60_000)
    .option('--json', 'print the summary as one JSON document')
    .option('--keep', 'keep the working directory (keys, data, events) for a look')
    .addHelpText('after', HELP)
    .action(async (flags: DemoFlags) => {
      const json = flags.json === true
      const nodes = flags.sites * flags.nodesPerSite
      if (nodes > MAX_DEMO_NODES) {
        fail(
          new Error(
            `${flags.sites} sites of ${flags.nodesPerSite} nodes are ${nodes} node processes; ` +
              `the demo runs at most ${MAX_DEMO_NODES} on one machine (patchmesh simulate ` +
              `models larger fleets)`,
          ),
          json,
        )
      }
      const display = progressDisplay(json)
      // The conventional status of a process stopped by a signal: 128 + its number.
      let status = 130
      try {
        const summary = await runDemo(
          {
            file: flags.file,
            generatedSize: flags.size,
            sites: flags.sites,
            nodesPerSite: flags.nodesPerSite,
            wanMbit: flags.wanMbit,
            chunkSize: flags.chunkSize,
            prefetch: flags.prefetch === true,
            installCommand: flags.installCommand,
            keep: flags.keep === true,
            timeoutMs: flags.timeout,
          },
          {
            stage: display.stage,
            dashboard: display.dashboard,
            progress: display.progress,
            onAbortable: (abort) => {
              process.once('SIGINT', abort)
              process.once('SIGTERM', () => {
                status = 143
                abort()
              })
            },
          },
        )
        display.stop()
        emit(json, summary, describeSummary)
        process.exitCode = summary.ok ? 0 : 1
      } catch (err) {
        display.stop()
        if (!(err instanceof DemoInterruptedError)) fail(err, json)
        if (json)
          process.stdout.write(JSON.stringify({ ok: false, error: describeError(err) }) + '\n')
        else console.error(`patchmesh: ${err.message}`)
        process.exit(status)
      }
    })
}

function mbitList(value: string): number[] {
  const list = value.split(',').map((part) => Number(part.trim()))
  if (list.some((n) => !Number.isFinite(n) || n <= 0)) {
    throw new InvalidArgumentError(`expected Mbit/s above 0, or a list of them, got "${value}"`)
  }

  return list
}
