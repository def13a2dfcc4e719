import { join } from 'node:path'
import type { Command } from 'commander'
import { startAuthority } from '../authority/authority.ts'
import { publish } from '../authority/publish.ts'
import { addDaemonOptions, daemonLogger, printReady, stopOnSignals } from './daemon.ts'
import { fail } from './output.ts'
import { multiaddrsOption, sizeOption, collect } from './options.ts'

interface AuthorityFlags {
  keys: string
  data: string
  bundle: string[]
  publish?: string
  name?: string
  version?: string
  chunkSize?: number
  listen: string[]
  site: string
  wanUpMbit?: number
  mdns?: boolean
  logLevel: string
  events?: string
  json?: boolean
}

export function registerAuthority(program: Command): void {
  const authority = program.command('authority').description("the publisher's node: seeds patches")

  addDaemonOptions(
    authority
      .command('start')
      .description('run the authority node: seed bundles and gossip their announcements')
      .option('--keys <dir>', 'keys directory made by `patchmesh keys init`', 'keys')
      .option('--data <dir>', 'where the node keeps its state and patch data', 'authority-data')
      .option('--bundle <dir>', 'a bundle made by `patchmesh publish`; repeatable', collect, [])
      .option('--publish <file>', 'publish this file at start (with --name and --version)')
      .option('--name <name>', 'patch name for --publish')
      .option('--version <version>', 'patch version for --publish')
      .option('--chunk-size <size>', 'chunk size for --publish (default 1MiB)', sizeOption)
      .option('--listen <multiaddr>', 'address to listen on; repeatable', multiaddrsOption, [])
      .option('--site <name>', 'site name of the head office', 'head-office')
      .option('--wan-up-mbit <n>', 'upload limit towards other sites, Mbit/s', Number)
      .option('--mdns', 'also discover peers on the LAN by multicast DNS'),
  ).action(async (flags: AuthorityFlags) => {
    try {
      const log = daemonLogger(flags.logLevel)
      const bundles = [...flags.bundle]
      if (flags.publish !== undefined) {
        if (flags.name === undefined || flags.version === undefined) {
          throw new Error('--publish needs --name and --version')
        }
        const out = join(flags.data, 'bundles', `${flags.name}-${flags.version}.bundle`)
        const published = await publish({
          file: flags.publish,
          keysDir: flags.keys,
          out,
          name: flags.name,
          version: flags.version,
          chunkSize: flags.chunkSize,
        })
        bundles.push(published.dir)
      }

      const running = await startAuthority({
        keysDir: flags.keys,
        dataDir: flags.data,
        bundles,
        site: flags.site,
        listen: flags.listen.length > 0 ? flags.listen : ['/ip4/0.0.0.0/tcp/4001'],
        wanUpMbit: flags.wanUpMbit,
        mdns: flags.mdns,
        eventsFile: flags.events,
        log,
      })
      const { node } = running
      printReady(flags.json === true, 'authority', node.peerId.toString(), node.addresses())
      stopOnSignals(log, () => running.stop())
      // Operators revoke with `patchmesh revoke`, then signal the authority to gossip it.
      process.on('SIGHUP', () => void running.reload())
    } catch (err) {
      fail(err, flags.json === true)
    }
  })
}
