/**
 * Reading a scenario: YAML in, a {@link Scenario} out with every default filled in and every size
 * in bytes. Unknown keys are refused, so a misspelt key fails loudly instead of being ignored.
 *
 * Sizes are a number of bytes or a size with a unit (`1GiB`, `512KiB`, see src/util/units.ts);
 * speeds are Mbit/s; times are seconds, or a duration with a unit (`90s`, `5m`).
 */
import { readFile } from 'node:fs/promises'
import { MAX_CHUNK_SIZE, MAX_CHUNKS, MIN_CHUNK_SIZE } from '../src/wire/limits.ts'
import { basename, extname } from 'node:path'
import { parse as parseYaml } from 'yaml'
import { parseDuration, parseSize } from '../src/util/units.ts'
import {
  ScenarioFileError,
  ScenarioSyntaxError,
  ScenarioValueError,
  UnknownScenarioKeyError,
} from './errors.ts'
import type { Scenario, ScenarioEvent, SiteGroup, StrategyName } from './types.ts'

export const STRATEGIES: readonly StrategyName[] = ['patchmesh', 'naive', 'swarm', 'site-cache']

/**
 * Nodes a scenario may hold in all. Memory grows with nodes x chunks (a scheduler and bitfields
 * per node): 100,000 nodes of a 1 GiB patch is about what this bound allows on a large machine.
 */
export const MAX_SIMULATED_NODES = 200_000

/** Default of `maxSeconds`: one simulated day. */
export const DEFAULT_MAX_SECONDS = 86_400
export const DEFAULT_WAN_PEERS = 8

const TOP_KEYS = [
  'name',
  'description',
  'seed',
  'patch',
  'origin',
  'siteGroups',
  'events',
  'strategies',
  'maxSeconds',
  'mesh',
]
const GROUP_KEYS = [
  'name',
  'count',
  'nodesPerSite',
  'wanDownMbit',
  'wanUpMbit',
  'lanMbit',
  'nodeMbit',
  'rings',
  'nodeWanDownMbit',
]
const EVENT_KEYS: Record<ScenarioEvent['kind'], string[]> = {
  churn: ['kind', 'share', 'at', 'downFor', 'group'],
  'late-join': ['kind', 'share', 'at', 'group'],
  'wan-outage': ['kind', 'sites', 'from', 'to', 'group'],
  'bad-peers': ['kind', 'share', 'group'],
}

/** Reads and checks the scenario file at `path`. */
export async function loadScenario(path: string): Promise<Scenario> {
  let text: string
  try {
    text = await readFile(path, 'utf8')
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code
    const reason =
      code === 'EISDIR'
        ? 'it is a directory'
        : code === 'ENOENT'
          ? 'no such file'
          : (err as Error).message
    throw new ScenarioFileError(path, reason, { cause: err })
  }

  return parseScenario(text, path)
}

/**
 * Parses and checks a scenario; `source` names it in errors (a file path). Throws
 * {@link ScenarioSyntaxError}, {@link UnknownScenarioKeyError} or {@link ScenarioValueError}.
 */
export function parseScenario(text: string, source: string): Scenario {
  let doc: unknown
  try {
    doc = parseYaml(text)
  } catch (err) {
    throw new ScenarioSyntaxError(source, (err as Error).message.split('\n')[0])
  }

  const r = new Reader(source)
  const top = r.object(doc, '(scenario)', TOP_KEYS)
  const groups = r.list(top.siteGroups, 'siteGroups').map((g, k) => readGroup(r, g, k))
  if (groups.length === 0) throw new ScenarioValueError(source, 'siteGroups', 'is empty')
  const names = new Set<string>()
  for (const [k, g] of groups.entries()) {
    if (names.has(g.name)) r.fail(`siteGroups[${k}].name`, `repeats the name "${g.name}"`)
    names.add(g.name)
  }

  const patchDoc = r.object(top.patch, 'patch', ['size', 'chunkSize'])
  const patch = {
    size: r.size(patchDoc.size, 'patch.size'),
    chunkSize: r.size(patchDoc.chunkSize ?? '1MiB', 'patch.chunkSize'),
  }
  if (patch.chunkSize > patch.size) r.fail('patch.chunkSize', 'is larger than patch.size')
  // The same bounds a real publish enforces: a simulation of what patchmesh cannot publish
  // would predict nothing.
  if (patch.chunkSize < MIN_CHUNK_SIZE || patch.chunkSize > MAX_CHUNK_SIZE) {
    r.fail('patch.chunkSize', `must be ${MIN_CHUNK_SIZE} to ${MAX_CHUNK_SIZE} bytes`)
  }
  if (Math.ceil(patch.size / patch.chunkSize) > MAX_CHUNKS) {
    r.fail('patch.size', `needs more than ${MAX_CHUNKS} chunks of patch.chunkSize`)
  }
  const nodes = groups.reduce((sum, g) => sum + g.count * g.nodesPerSite, 0)
  if (nodes > MAX_SIMULATED_NODES) {
    r.fail(
      'siteGroups',
      `hold ${nodes} nodes in all; a run simulates at most ${MAX_SIMULATED_NODES}`,
    )
  }
  const originDoc = r.object(top.origin, 'origin', ['upMbit'])
  const mesh = r.object(top.mesh ?? {}, 'mesh', ['wanPeers'])
  const events = top.events === undefined ? [] : r.list(top.events, 'events')
  const strategies =
    top.strategies === undefined
      ? [...STRATEGIES]
      : r.list(top.strategies, 'strategies').map((s, k) => r.strategy(s, `strategies[${k}]`))

  return {
    name: top.name === undefined ? basename(source, extname(source)) : r.text(top.name, 'name'),
    seed: r.integer(top.seed ?? 1, 'seed', 0),
    patch,
    origin: { upMbit: r.speed(originDoc.upMbit, 'origin.upMbit') },
    siteGroups: groups,
    events: events.map((e, k) => readEvent(r, e, `events[${k}]`, groups)),
    strategies: [...new Set(strategies)],
    maxSeconds:
      top.maxSeconds === undefined
        ? DEFAULT_MAX_SECONDS
        : positive(r, top.maxSeconds, 'maxSeconds'),
    mesh: {
      wanPeers:
        mesh.wanPeers === undefined
          ? DEFAULT_WAN_PEERS
          : r.integer(mesh.wanPeers, 'mesh.wanPeers', 0),
    },
  }
}

function positive(r: Reader, value: unknown, at: string): number {
  const seconds = r.seconds(value, at)
  if (seconds <= 0) r.fail(at, 'must be more than 0 seconds')

  return seconds
}

function readGroup(r: Reader, doc: unknown, k: number): SiteGroup {
  const at = `siteGroups[${k}]`
  const g = r.object(doc, at, GROUP_KEYS)
  const group: SiteGroup = {
    name: g.name === undefined ? `group-${k + 1}` : r.text(g.name, `${at}.name`),
    count: r.integer(g.count, `${at}.count`, 1),
    nodesPerSite: r.integer(g.nodesPerSite, `${at}.nodesPerSite`, 1),
    wanDownMbit: r.speed(g.wanDownMbit, `${at}.wanDownMbit`),
    wanUpMbit: r.speed(g.wanUpMbit, `${at}.wanUpMbit`),
    lanMbit: r.speed(g.lanMbit ?? 1000, `${at}.lanMbit`),
    nodeMbit: r.speed(g.nodeMbit ?? 1000, `${at}.nodeMbit`),
  }
  // A deployment gives each node its share of the site's WAN link (README: --wan-down-mbit).
  group.nodeWanDownMbit =
    g.nodeWanDownMbit === undefined
      ? group.wanDownMbit / group.nodesPerSite
      : r.speed(g.nodeWanDownMbit, `${at}.nodeWanDownMbit`)
  if (g.rings !== undefined) group.rings = readRings(r, g.rings, `${at}.rings`)

  return group
}

function readRings(r: Reader, doc: unknown, at: string): Record<string, number> {
  if (doc === null || typeof doc !== 'object' || Array.isArray(doc)) {
    r.fail(at, 'must be a mapping of ring name to share, e.g. { canary: 0.05, broad: 0.95 }')
  }
  const rings: Record<string, number> = {}
  let sum = 0
  for (const [name, share] of Object.entries(doc as Record<string, unknown>)) {
    rings[name] = r.share(share, `${at}.${name}`)
    sum += rings[name]
  }
  if (Object.keys(rings).length === 0) r.fail(at, 'names no ring')
  if (Math.abs(sum - 1) > 1e-6) r.fail(at, `shares add up to ${sum}, not 1`)

  return rings
}

function readEvent(
  r: Reader,
  doc: unknown,
  at: string,
  groups: ReadonlyArray<{ name: string; count: number }>,
): ScenarioEvent {
  const kind = (doc as { kind?: unknown } | null)?.kind
  if (typeof kind !== 'string' || !(kind in EVENT_KEYS)) {
    r.fail(`${at}.kind`, `must be one of ${Object.keys(EVENT_KEYS).join(', ')}`)
  }
  const e = r.object(doc, at, EVENT_KEYS[kind as ScenarioEvent['kind']])
  let group: string | undefined
  if (e.group !== undefined) {
    group = r.text(e.group, `${at}.group`)
    if (!groups.some((g) => g.name === group)) {
      r.fail(`${at}.group`, `names no site group ("${group}")`)
    }
  }
  const g = group === undefined ? {} : { group }

  switch (kind as ScenarioEvent['kind']) {
    case 'churn':
      return {
        kind: 'churn',
        share: r.share(e.share, `${at}.share`),
        at: r.seconds(e.at, `${at}.at`),
        downFor: r.seconds(e.downFor, `${at}.downFor`),
        ...g,
      }
    case 'late-join':
      return {
        kind: 'late-join',
        share: r.share(e.share, `${at}.share`),
        at: r.seconds(e.at, `${at}.at`),
        ...g,
      }
    case 'wan-outage': {
      const from = r.seconds(e.from, `${at}.from`)
      const to = r.seconds(e.to, `${at}.to`)
      if (to <= from) r.fail(`${at}.to`, `must be after from (${from} s)`)
      const sites = r.integer(e.sites ?? 1, `${at}.sites`, 1)
      const available = groups
        .filter((one) => group === undefined || one.name === group)
        .reduce((sum, one) => sum + one.count, 0)
      if (sites > available) {
        r.fail(`${at}.sites`, `is ${sites}, more than the ${available} sites it may pick from`)
      }
      return {
        kind: 'wan-outage',
        sites,
        from,
        to,
        ...g,
      }
    }
    case 'bad-peers':
      return { kind: 'bad-peers', share: r.share(e.share, `${at}.share`), ...g }
  }
}

/** Typed reads that name the key at fault. */
class Reader {
  readonly #source: string

  constructor(source: string) {
    this.#source = source
  }

  fail(key: string, reason: string): never {
    throw new ScenarioValueError(this.#source, key, reason)
  }

  object(value: unknown, at: string, known: readonly string[]): Record<string, unknown> {
    if (value === undefined || value === null) this.fail(at, 'is missing')
    if (typeof value !== 'object' || Array.isArray(value)) this.fail(at, 'must be a mapping')
    for (const key of Object.keys(value)) {
      if (!known.includes(key)) {
        const path = at === '(scenario)' ? key : `${at}.${key}`
        throw new UnknownScenarioKeyError(this.#source, path, known)
      }
    }

    return value as Record<string, unknown>
  }

  list(value: unknown, at: string): unknown[] {
    if (value === undefined || value === null) this.fail(at, 'is missing')
    if (!Array.isArray(value)) this.fail(at, 'must be a list')

    return value
  }

  text(value: unknown, at: string): string {
    if (typeof value !== 'string' || value === '') this.fail(at, 'must be a non-empty string')

    return value
  }

  number(value: unknown, at: string): number {
    if (value === undefined || value === null) this.fail(at, 'is missing')
    if (typeof value !== 'number' || !Number.isFinite(value)) this.fail(at, 'must be a number')

    return value
  }

  integer(value: unknown, at: string, min: number): number {
    const n = this.number(value, at)
    if (!Number.isSafeInteger(n)) this.fail(at, `must be a whole number, got ${n}`)
    if (n < min) this.fail(at, `must be at least ${min}, got ${n}`)

    return n
  }

  speed(value: unknown, at: string): number {
    if (typeof value === 'string') this.fail(at, 'must be a number of Mbit/s, without a unit')
    const n = this.number(value, at)
    if (n <= 0) this.fail(at, `must be a positive number of Mbit/s, got ${n}`)

    return n
  }

  share(value: unknown, at: string): number {
    const n = this.number(value, at)
    if (n < 0 || n > 1) this.fail(at, `must be a share between 0 and 1, got ${n}`)

    return n
  }

  size(value: unknown, at: string): number {
    if (value === undefined || value === null) this.fail(at, 'is missing')
    if (typeof value !== 'number' && typeof value !== 'string') this.fail(at, 'must be a size')
    let bytes: number
    try {
      bytes = parseSize(value)
    } catch (err) {
      this.fail(at, (err as Error).message)
    }
    if (bytes <= 0) this.fail(at, 'must be more than 0 bytes')

    return bytes
  }

  seconds(value: unknown, at: string): number {
    if (typeof value === 'string') {
      try {
        return parseDuration(value) / 1000
      } catch (err) {
        this.fail(at, (err as Error).message)
      }
    }
    const n = this.number(value, at)
    if (n < 0) this.fail(at, `must be 0 or more seconds, got ${n}`)

    return n
  }

  strategy(value: unknown, at: string): StrategyName {
    if (!STRATEGIES.includes(value as StrategyName)) {
      this.fail(at, `must be one of ${STRATEGIES.join(', ')}, got ${JSON.stringify(value)}`)
    }

    return value as StrategyName
  }
}
