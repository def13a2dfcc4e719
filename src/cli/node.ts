import { readFile } from 'node:fs/promises'
import type { Command } from 'commander'
import { PatchNode } from '../node/node.ts'
import { addDaemonOptions, daemonLogger, printReady, stopOnSignals } from './daemon.ts'
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
  ring?: string
  group: string[]
  logLevel: string
  events?: string
  json?: boolean
}

const collect = (value: string, previous: string[] = []) => [...previous, value]

export function registerNode(program: Command): void {
  const node = program.command('node').description('a managed machine: fetches, verifies, shares')

  addDaemonOptions(
    node
      .command('start')
      .description(
        'run a node: join the mesh, fetch announced patches (own site first), serve them',
      )
      .requiredOption('--site <name>', 'the site (LAN) this machine is at')
      .requiredOption('--data <dir>', 'where the node keeps its state and patch data')
      .option('--root <file>', 'root.signed to enrol with (needed on first start)')
      .option('--bootstrap <multiaddr>', 'a peer to join through; repeatable', collect, [])
      .option('--listen <multiaddr>', 'address to listen on; repeatable', collect, [])
      .option('--wan-down-mbit <n>', 'download limit from other sites, Mbit/s (0: none)', Number)
      .option('--wan-up-mbit <n>', 'upload limit towards other sites, Mbit/s (0: none)', Number)
      .option('--no-prefetch', 'do not fetch patches when they are announced')
      .option('--ring <ring>', 'rollout ring this machine belongs to')
      .option('--group <group>', 'group this machine belongs to; repeatable', collect, [])
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
        ring: flags.ring,
        groups: flags.group,
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
