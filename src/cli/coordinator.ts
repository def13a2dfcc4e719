import type { Command } from 'commander'
import { startCoordinator } from '../coordinator/coordinator.ts'
import { DEFAULT_HTTP_HOST, DEFAULT_HTTP_PORT } from '../coordinator/http/index.ts'
import { addDaemonOptions, daemonLogger, stopOnSignals } from './daemon.ts'
import { fail } from './output.ts'
import { multiaddrsOption } from './options.ts'

interface CoordinatorFlags {
  keys: string
  data: string
  http: string
  listen: string[]
  bootstrap: string[]
  site: string
  rings: string
  autoPromote: boolean
  autoHalt: boolean
  tokenForReads: boolean
  mdns?: boolean
  logLevel: string
  events?: string
  json?: boolean
}

export function registerCoordinator(program: Command): void {
  const coordinator = program
    .command('coordinator')
    .description('approval state, rollouts and fleet status, with an HTTP API and dashboard')

  addDaemonOptions(
    coordinator
      .command('start')
      .description('run the coordinator: join the mesh, sign approvals, collect node reports')
      .option('--keys <dir>', 'keys directory with coordinator keys and the operator token', 'keys')
      .option('--data <dir>', 'where the coordinator keeps its state', 'coordinator-data')
      .option(
        '--http <host:port>',
        'where the HTTP API and dashboard listen (loopback by default)',
        `${DEFAULT_HTTP_HOST}:${DEFAULT_HTTP_PORT}`,
      )
      .option('--listen <multiaddr>', 'mesh address to listen on; repeatable', multiaddrsOption, [])
      .option(
        '--bootstrap <multiaddr>',
        'a peer to join through (the authority); repeatable',
        multiaddrsOption,
        [],
      )
      .option('--site <name>', 'site name of the head office', 'head-office')
      .option('--rings <list>', 'rollout rings, in order, comma-separated', 'canary,pilot,broad')
      .option('--auto-promote', 'approve the next ring once a ring is done and soaked', false)
      .option('--no-auto-halt', 'do not halt a rollout whose failures pass the threshold')
      .option('--token-for-reads', 'ask for the operator token on reads too', false)
      .option('--mdns', 'also discover peers on the LAN by multicast DNS'),
  ).action(async (flags: CoordinatorFlags) => {
    const json = flags.json === true
    try {
      const log = daemonLogger(flags.logLevel)
      const { host, port } = hostPort(flags.http)
      const running = await startCoordinator({
        keysDir: flags.keys,
        dataDir: flags.data,
        site: flags.site,
        listen: flags.listen.length > 0 ? flags.listen : ['/ip4/0.0.0.0/tcp/4002'],
        bootstrap: flags.bootstrap,
        mdns: flags.mdns,
        eventsFile: flags.events,
        rings: flags.rings.split(',').map((r) => r.trim()),
        autoPromote: flags.autoPromote,
        autoHalt: flags.autoHalt,
        tokenForReads: flags.tokenForReads,
        httpHost: host,
        httpPort: port,
        log,
      })
      const ready = {
        event: 'ready',
        role: 'coordinator',
        peerId: running.node.peerId.toString(),
        addresses: running.node.addresses(),
        urls: running.urls,
        tokenFile: running.tokenPath,
      }
      if (json) process.stdout.write(JSON.stringify(ready) + '\n')
      else {
        process.stdout.write(
          `coordinator ${ready.peerId} ready; nodes report to (--coordinator):\n`,
        )
        for (const address of ready.addresses) process.stdout.write(`  ${address}\n`)
        process.stdout.write(`dashboard and API:\n`)
        for (const url of ready.urls) process.stdout.write(`  ${url}\n`)
        process.stdout.write(`operator token: ${ready.tokenFile}\n`)
      }
      stopOnSignals(log, () => running.stop())
    } catch (err) {
      fail(err, json)
    }
  })
}

/** "127.0.0.1:7341", "[::1]:7341" or ":7341" (loopback). */
function hostPort(value: string): { host: string; port: number } {
  const match = /^(?:\[([^\]]+)\]|([^:]*)):(\d{1,5})$/.exec(value)
  const port = Number(match?.[3])
  if (match === null || port > 65535) {
    throw new Error(`--http must be HOST:PORT, e.g. 127.0.0.1:${DEFAULT_HTTP_PORT}; got ${value}`)
  }

  return { host: match[1] ?? (match[2] || DEFAULT_HTTP_HOST), port }
}
