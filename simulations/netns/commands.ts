/**
 * The `ip` and `tc` commands that build a fleet's network, as argument lists (no I/O): one list
 * per command, run in order. Kept pure so that tests can read exactly what would be run.
 */
import type { FleetPlan, LinkPlan } from './plan.ts'
import { namespacesOf } from './plan.ts'

/** A command: the program and its arguments. */
export type CommandLine = [program: 'ip' | 'tc', ...args: string[]]

/**
 * The shortest token bucket tbf accepts without dropping: 64 KiB, so that a full-size segment
 * off a veth (GSO up to 64 KiB) fits; at higher rates, 20 ms of traffic.
 */
export function tbfBurstBytes(mbit: number): number {
  return Math.max(64 * 1024, Math.ceil((mbit * 1e6) / 8 / 50))
}

/**
 * Shapes the egress of `dev` in `namespace` to `mbit` with a token bucket filter. Packets wait
 * up to 100 ms in its queue before they are dropped, so TCP sees the link's rate, not loss.
 */
export function tbfCommand(namespace: string, dev: string, mbit: number): CommandLine {
  return [
    'tc',
    '-n',
    namespace,
    'qdisc',
    'replace',
    'dev',
    dev,
    'root',
    'tbf',
    'rate',
    `${mbit}mbit`,
    'burst',
    String(tbfBurstBytes(mbit)),
    'latency',
    '100ms',
  ]
}

/** Commands that make one link: the veth pair, its addresses, routes and shaping. */
export function linkCommands(router: string, link: LinkPlan): CommandLine[] {
  const { namespace: ns, routerIf, endIf } = link
  const commands: CommandLine[] = [
    // Both ends are made inside their namespaces: nothing of the run ever sits in the root one.
    [
      'ip',
      'link',
      'add',
      routerIf,
      'netns',
      router,
      'type',
      'veth',
      'peer',
      'name',
      endIf,
      'netns',
      ns,
    ],
    ['ip', '-n', router, 'addr', 'add', `${link.routerAddress}/24`, 'dev', routerIf],
    ['ip', '-n', ns, 'addr', 'add', `${link.address}/24`, 'dev', endIf],
    ['ip', '-n', router, 'link', 'set', routerIf, 'up'],
    ['ip', '-n', ns, 'link', 'set', endIf, 'up'],
    ['ip', '-n', ns, 'route', 'add', 'default', 'via', link.routerAddress],
  ]
  if (link.downMbit !== undefined) commands.push(tbfCommand(router, routerIf, link.downMbit))
  if (link.upMbit !== undefined) commands.push(tbfCommand(ns, endIf, link.upMbit))

  return commands
}

/** Every command that builds the plan's network, in order. */
export function setupCommands(plan: FleetPlan): CommandLine[] {
  const commands: CommandLine[] = []
  for (const ns of namespacesOf(plan).reverse()) {
    commands.push(['ip', 'netns', 'add', ns], ['ip', '-n', ns, 'link', 'set', 'lo', 'up'])
  }
  commands.push(['ip', 'netns', 'exec', plan.router, 'sysctl', '-qw', 'net.ipv4.ip_forward=1'])
  for (const link of [plan.headOffice, ...plan.sites.map((s) => s.link)]) {
    commands.push(...linkCommands(plan.router, link))
  }

  return commands
}

/** The command that reads one interface's counters as JSON. */
export function countersCommand(namespace: string, dev: string): CommandLine {
  return ['ip', '-n', namespace, '-s', '-j', 'link', 'show', 'dev', dev]
}

/** Bytes in and out of one interface, from the output of {@link countersCommand}. */
export function parseCounters(json: string): { rxBytes: number; txBytes: number } {
  const [link] = JSON.parse(json) as Array<{
    stats64?: { rx?: { bytes?: number }; tx?: { bytes?: number } }
  }>
  const rx = link?.stats64?.rx?.bytes
  const tx = link?.stats64?.tx?.bytes
  if (typeof rx !== 'number' || typeof tx !== 'number') {
    throw new TypeError('no stats64 rx and tx bytes in the output of `ip -s -j link`')
  }

  return { rxBytes: rx, txBytes: tx }
}
