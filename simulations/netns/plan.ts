/**
 * The fleet's network plan, derived from a scenario alone (no I/O): the names of its namespaces
 * and veth pairs, their addresses, each WAN link's rates, and the nodes at each site.
 *
 * Topology: one router namespace; a head-office namespace (authority and coordinator) and a
 * namespace per site, each joined to the router by one veth pair, link i on 10.77.i.0/24 with
 * the router at .1 and the far end at .2 (link 0 is the head office). Every name starts with
 * the run's prefix, `pm<pid>`, so parallel runs never collide and leftovers of a dead run are
 * recognised by it. Namespaces isolate addresses, so every run may use the same ones.
 */
import type { Scenario } from '../types.ts'
import { NetlabScenarioError } from './errors.ts'

/** More nodes than this do not fit one machine's cores and memory: 40. */
export const MAX_NODES = 40

/** More sites than this are refused: 40 (a namespace and a veth pair each). */
export const MAX_SITES = 40

/** The largest patch a namespace fleet distributes: 1 GiB. */
export const MAX_PATCH_BYTES = 1024 ** 3

/** Every node keeps a copy: the fleet's disk use, patch size times processes, at most 8 GiB. */
export const MAX_FLEET_BYTES = 8 * 1024 ** 3

/** Linux limits interface names to 15 characters (IFNAMSIZ less the terminating zero). */
export const MAX_IFNAME = 15

/** Run prefixes: `pm` and a process id. */
export const PREFIX_PATTERN = /^pm(\d{1,7})(?=-|[rhs]\d)/

/** Where the head office's daemons listen, inside the head-office namespace. */
export const AUTHORITY_PORT = 4001
export const COORDINATOR_PORT = 4002
export const COORDINATOR_HTTP_PORT = 7341

export interface LinkPlan {
  /** The namespace at the far end of the link from the router. */
  namespace: string
  /** The veth end in the router namespace, and the one in `namespace`. */
  routerIf: string
  endIf: string
  routerAddress: string
  address: string
  /** Rate towards `namespace` (router side egress), Mbit/s; undefined: not shaped. */
  downMbit: number | undefined
  /** Rate away from `namespace` (its own egress), Mbit/s; undefined: not shaped. */
  upMbit: number | undefined
}

export interface NodePlan {
  /** `<site>-node-<k>`, k from 1. */
  name: string
  ring: string
}

export interface SitePlan {
  /** `<group>-<n>`, n from 1, in scenario order. */
  name: string
  group: string
  link: LinkPlan
  nodes: NodePlan[]
}

export interface FleetPlan {
  prefix: string
  router: string
  headOffice: LinkPlan
  sites: SitePlan[]
  /** Rings used by the fleet, in rollout order. */
  rings: string[]
}

/** The prefix of the run with process id `pid`. */
export function runPrefix(pid: number): string {
  if (!Number.isSafeInteger(pid) || pid < 1 || pid > 9_999_999) {
    throw new RangeError(`process id out of range: ${pid}`)
  }

  return `pm${pid}`
}

/** Checks that the scenario fits one machine; throws {@link NetlabScenarioError} if not. */
export function checkScenarioFits(scenario: Scenario): void {
  const refuse = (reason: string) => new NetlabScenarioError(scenario.name, reason)
  const sites = scenario.siteGroups.reduce((sum, g) => sum + g.count, 0)
  const nodes = scenario.siteGroups.reduce((sum, g) => sum + g.count * g.nodesPerSite, 0)

  if (sites === 0 || nodes === 0) throw refuse('it has no sites or no nodes')
  if (nodes > MAX_NODES) {
    throw refuse(
      `${nodes} nodes are too many for one machine (at most ${MAX_NODES}, a process each); ` +
        'use the simulator for fleets this size, or fewer sites or nodes per site',
    )
  }
  if (sites > MAX_SITES) {
    throw refuse(`${sites} sites are too many for one machine (at most ${MAX_SITES})`)
  }
  if (scenario.patch.size > MAX_PATCH_BYTES) {
    throw refuse(`a patch of ${scenario.patch.size} bytes is over ${MAX_PATCH_BYTES}`)
  }
  if (scenario.patch.size * (nodes + 1) > MAX_FLEET_BYTES) {
    throw refuse(
      `${nodes} copies of a ${scenario.patch.size}-byte patch need more than ` +
        `${MAX_FLEET_BYTES} bytes of disk; use a smaller patch`,
    )
  }
  if (scenario.events.length > 0) {
    const kinds = [...new Set(scenario.events.map((e) => e.kind))].join(', ')
    throw refuse(
      `the namespace fleet does not reproduce scenario events (${kinds}); ` +
        'remove them to compare a real fleet with the prediction',
    )
  }
  for (const group of scenario.siteGroups) {
    for (const [field, value] of [
      ['wanDownMbit', group.wanDownMbit],
      ['wanUpMbit', group.wanUpMbit],
    ] as const) {
      if (!(value > 0)) throw refuse(`site group ${group.name}: ${field} must be above 0`)
    }
  }
}

/** The plan of the fleet for `scenario` in the run with prefix `prefix`. */
export function planFleet(scenario: Scenario, prefix: string): FleetPlan {
  checkScenarioFits(scenario)

  const link = (i: number, namespace: string, end: string): LinkPlan => ({
    namespace,
    routerIf: `${prefix}r${i}`,
    endIf: `${prefix}${end}${i}`,
    routerAddress: `10.77.${i}.1`,
    address: `10.77.${i}.2`,
    downMbit: undefined,
    upMbit: undefined,
  })
  const headOffice = { ...link(0, `${prefix}-hq`, 'h'), upMbit: scenario.origin.upMbit }

  const sites: SitePlan[] = []
  for (const group of scenario.siteGroups) {
    const rings = siteRings(group.nodesPerSite, group.rings)
    for (let n = 1; n <= group.count; n++) {
      const i = sites.length + 1
      const name = `${group.name}-${n}`
      sites.push({
        name,
        group: group.name,
        link: {
          ...link(i, `${prefix}-s${i}`, 's'),
          downMbit: group.wanDownMbit,
          upMbit: group.wanUpMbit,
        },
        nodes: rings.map((ring, k) => ({ name: `${name}-node-${k + 1}`, ring })),
      })
    }
  }
  const longest = [headOffice.routerIf, ...sites.map((s) => s.link.routerIf)].sort(
    (a, b) => b.length - a.length,
  )[0]
  if (longest.length > MAX_IFNAME) {
    throw new RangeError(`interface name ${longest} is over ${MAX_IFNAME} characters`)
  }

  return { prefix, router: `${prefix}-rt`, headOffice, sites, rings: ringOrder(scenario) }
}

/**
 * The ring of each of a site's `count` nodes for ring shares `shares` (default: all `broad`):
 * each ring gets its share of the nodes, rounded by largest remainder, in the shares' order.
 */
export function siteRings(count: number, shares?: Record<string, number>): string[] {
  const entries = Object.entries(shares ?? {}).filter(([, share]) => share > 0)
  if (entries.length === 0) return Array.from({ length: count }, () => 'broad')

  const total = entries.reduce((sum, [, share]) => sum + share, 0)
  const exact = entries.map(([ring, share]) => ({ ring, exact: (share / total) * count }))
  const counts = exact.map((e) => Math.floor(e.exact))
  let left = count - counts.reduce((a, b) => a + b, 0)
  const byRemainder = exact
    .map((e, i) => ({ i, remainder: e.exact - Math.floor(e.exact) }))
    .sort((a, b) => b.remainder - a.remainder || a.i - b.i)
  for (const { i } of byRemainder) {
    if (left-- <= 0) break
    counts[i]++
  }

  return entries.flatMap(([ring], i) => Array.from({ length: counts[i] }, () => ring))
}

/** The rings of a scenario in rollout order: first seen first, over its groups. */
export function ringOrder(scenario: Scenario): string[] {
  const rings = new Set<string>()
  for (const group of scenario.siteGroups) {
    for (const ring of siteRings(group.nodesPerSite, group.rings)) rings.add(ring)
  }

  return [...rings]
}

/** Every namespace of a plan, router last (so the links go with the far ends first). */
export function namespacesOf(plan: FleetPlan): string[] {
  return [plan.headOffice.namespace, ...plan.sites.map((s) => s.link.namespace), plan.router]
}

/**
 * The runs whose leftovers `names` (namespaces or interfaces) hold and whose process is gone:
 * their prefixes, for clean-up. `alive` says whether a process id is running; `self` is kept.
 */
export function staleRuns(
  names: string[],
  alive: (pid: number) => boolean,
  self: number,
): string[] {
  const stale = new Set<string>()
  for (const name of names) {
    const match = PREFIX_PATTERN.exec(name)
    if (match === null) continue
    const pid = Number(match[1])
    if (pid !== self && !alive(pid)) stale.add(`pm${pid}`)
  }

  return [...stale].sort()
}
