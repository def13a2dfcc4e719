import { readFile } from 'node:fs/promises'
import type { Command } from 'commander'
import type { InstallAction } from '../install/index.ts'
import { PatchNode } from '../node/node.ts'
import { addDaemonOptions, daemonLogger, printReady, stopOnSignals } from './daemon.ts'
import {
  durationOption,
  mbitOption,
  multiaddrOption,
  multiaddrsOption,
  timeZoneOption,
  collect,
} from './options.ts'
import { fail } from './output.ts'

interface NodeFlags {
  root?: string
  site: string
  data: string
  bootstrap: string[]
  listen: string[]
  wanDownMbit?: number
  wanUpMbit?: number
  prefetch: boolean
  mdns?: boolean
  coordinator?: string
  ring?: string
  group: string[]
  timeZone?: string
  installCommand?: string
  installArg: string[]
  installTimeout?: number
  stageDir?: string
  logLevel: string
  events?: string
  json?: boolean
}

export function registerNode(program: Command): void {
  const node = program.command('node').description('a managed machine: fetches, verifies, shares')

  addDaemonOptions(
    node
      .command('start')
      .description(
        'run a node: join the mesh, fetch approved patches (own site first), install them',
      )
      .requiredOption('--site <name>', 'the site (LAN) this machine is at')
      .requiredOption('--data <dir>', 'where the node keeps its state and patch data')
      .option('--root <file>', 'root.signed to enrol with (needed on first start)')
      .option('--bootstrap <multiaddr>', 'a peer to join through; repeatable', multiaddrsOption, [])
      .option('--listen <multiaddr>', 'address to listen on; repeatable', multiaddrsOption, [])
      .option(
        '--wan-down-mbit <n>',
        'download limit from other sites, Mbit/s (0: none)',
        mbitOption,
      )
      .option('--wan-up-mbit <n>', 'upload limit towards other sites, Mbit/s (0: none)', mbitOption)
      .option(
        '--coordinator <multiaddr>',
        'the coordinator to report to (with /p2p/<peer id>)',
        multiaddrOption,
      )
      .option('--prefetch', 'fetch patches when they are announced, before any approval', false)
      .option('--ring <ring>', 'rollout ring this machine belongs to (e.g. canary, pilot, broad)')
      .option('--group <group>', 'group this machine belongs to; repeatable', collect, [])
      .option(
        '--time-zone <iana>',
        'time zone maintenance windows are read in (default: system)',
        timeZoneOption,
      )
      .option(
        '--install-command <cmd>',
        'install by running CMD [ARGS] <patch file>; exit 0 is success',
      )
      .option('--install-arg <arg>', 'an argument before the patch file; repeatable', collect, [])
      .option(
        '--install-timeout <duration>',
        'kill the install command after this (default 10m)',
        durationOption,
      )
      .option('--stage-dir <dir>', 'install by copying the patch into DIR (default: DATA/staged)')
      .option('--mdns', 'also discover peers on the LAN by multicast DNS'),
  ).action(async (flags: NodeFlags) => {
    try {
      const log = daemonLogger(flags.logLevel)
      const root =
        flags.root === undefined
          ? undefined
          : new Uint8Array(
              await readFile(flags.root).catch((err: Error) => {
                throw new Error(`cannot read --root ${flags.root}: ${err.message}`)
              }),
            )
      const running = new PatchNode({
        dataDir: flags.data,
        root,
        site: flags.site,
        coordinator: flags.coordinator,
        ring: flags.ring,
        groups: flags.group,
        timeZone: flags.timeZone,
        install: installAction(flags),
        listen: flags.listen.length > 0 ? flags.listen : undefined,
        bootstrap: flags.bootstrap,
        wanDownMbit: flags.wanDownMbit,
        wanUpMbit: flags.wanUpMbit,
        prefetch: flags.prefetch,
        mdns: flags.mdns,
        eventsFile: flags.events,
        log,
      })
      await running.start()
      printReady(flags.json === true, 'node', running.peerId.toString(), running.addresses())
      stopOnSignals(log, () => running.stop())
    } catch (err) {
      fail(err, flags.json === true)
    }
  })
}

/** The install action the flags describe; a command and a staging directory exclude each other. */
function installAction(flags: NodeFlags): InstallAction | undefined {
  if (flags.installCommand !== undefined && flags.stageDir !== undefined) {
    throw new Error('give --install-command or --stage-dir, not both')
  }
  if (flags.installCommand === undefined) {
    if (flags.installArg.length > 0 || flags.installTimeout !== undefined) {
      throw new Error('--install-arg and --install-timeout need --install-command')
    }
    return flags.stageDir === undefined ? undefined : { kind: 'stage', directory: flags.stageDir }
  }

  return {
    kind: 'command',
    command: flags.installCommand,
    args: flags.installArg,
    ...(flags.installTimeout === undefined ? {} : { timeoutMs: flags.installTimeout }),
  }
}
