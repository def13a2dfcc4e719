/**
 * The namespace fleet: builds the plan's network (router, head office, one namespace per site,
 * shaped veth links), runs an authority and a coordinator in the head office and the nodes in
 * their sites' namespaces, approves a patch for every ring, waits for every node to install it,
 * and reports each site's WAN bytes as the kernel counted them next to the nodes' own counters
 * and the simulator's prediction.
 *
 * Nodes of a site share the site's namespace, so traffic between them goes over that
 * namespace's loopback: not shaped, and not on the WAN interface whose counters are read.
 *
 * Everything the run makes is removed at the end, on success, failure or abort; an exit handler
 * removes it too if the process exits without unwinding, and the next run removes what a
 * killed run (SIGKILL) left.
 */
import { execFile } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { mkdtemp, open, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { initKeys, rootPath } from '../../src/authority/keys-dir.ts'
import { publish } from '../../src/authority/publish.ts'
import type { Published } from '../../src/authority/publish.ts'
import { readEvents } from '../../src/demo/processes.ts'
import type { Scenario } from '../types.ts'
import { setupCommands } from './commands.ts'
import { NetlabFleetError, NetlabInterruptedError } from './errors.ts'
import {
  checkPrerequisites,
  readCounters,
  removeRunSync,
  removeStaleRuns,
  runCommand,
} from './host.ts'
import {
  AUTHORITY_PORT,
  COORDINATOR_HTTP_PORT,
  COORDINATOR_PORT,
  planFleet,
  runPrefix,
} from './plan.ts'
import type { FleetPlan } from './plan.ts'
import { killGroup, namespacedCommand, startInNamespace, stopInNamespace } from './processes.ts'
import type { NamespacedDaemon } from './processes.ts'
import { installFailure, nodeCounters, transferSeconds } from './result.ts'
import type { NetlabResult, NetlabSiteResult, NodeCounters } from './result.ts'

const execFileAsync = promisify(execFile)

/** The simulator's answer for a scenario: WAN bytes in per site (in site order) and seconds. */
export interface Prediction {
  siteWanBytes: number[]
  seconds: number
}

export interface NetlabOptions {
  /** Give up when the fleet has not installed after this long, ms. Default 15 minutes. */
  timeoutMs?: number
  /** Keep the working directory (keys, data, events) afterwards. Default false. */
  keep?: boolean
  /** Stops the run; everything is removed and the run rejects with NetlabInterruptedError. */
  signal?: AbortSignal
  /** The simulator, run for the same scenario. */
  predict: (scenario: Scenario) => Promise<Prediction>
  /** Progress lines for people. */
  stage?: (message: string) => void
}

interface Fleet {
  plan: FleetPlan
  work: string
  daemons: NamespacedDaemon[]
}

const LAN = 'loopback of the site namespace (its nodes share it): not shaped, not counted'

/** Runs `scenario` as a namespace fleet; see the file comment. Needs root, `ip` and `tc`. */
export async function runNetlab(scenario: Scenario, opts: NetlabOptions): Promise<NetlabResult> {
  checkPrerequisites()
  const plan = planFleet(scenario, runPrefix(process.pid))
  const stage = opts.stage ?? (() => undefined)
  const stale = removeStaleRuns()
  if (stale.length > 0) stage(`removed what earlier runs left behind: ${stale.join(', ')}`)

  const fleet: Fleet = {
    plan,
    work: await mkdtemp(join(tmpdir(), 'patchmesh-netlab-')),
    daemons: [],
  }
  // Last resort if the process exits without unwinding (an uncaught error, process.exit).
  const onExit = () => {
    for (const d of fleet.daemons) killGroup(d.child, 'SIGKILL')
    removeRunSync(plan.prefix)
  }
  process.on('exit', onExit)

  try {
    const prediction = opts.predict(scenario)
    // Awaited after the set-up; until then a failure must not count as unhandled.
    prediction.catch(() => undefined)
    const published = await publishPatch(fleet.work, scenario, opts.signal)
    stage(
      `building ${plan.sites.length + 2} namespaces: router, head office, ${plan.sites.length} site(s)`,
    )
    for (const command of setupCommands(plan)) {
      throwIfAborted(opts.signal)
      await runCommand(command)
    }

    return await distribute(fleet, scenario, published, await prediction, opts)
  } catch (err) {
    // Ctrl-C at a terminal also reaches the `ip` or `tc` running then: report the interruption.
    throw opts.signal?.aborted === true ? (opts.signal.reason as Error) : err
  } finally {
    stage('stopping every process and removing every namespace')
    await Promise.all(fleet.daemons.map((d) => stopInNamespace(d)))
    removeRunSync(plan.prefix)
    process.off('exit', onExit)
    if (opts.keep !== true) await rm(fleet.work, { recursive: true, force: true })
    else stage(`kept ${fleet.work}`)
  }
}

async function distribute(
  fleet: Fleet,
  scenario: Scenario,
  published: Published,
  prediction: Prediction,
  opts: NetlabOptions,
): Promise<NetlabResult> {
  const { plan, work } = fleet
  const stage = opts.stage ?? (() => undefined)
  const hq = plan.headOffice
  const keys = join(work, 'keys')

  stage('starting the authority and the coordinator in the head office')
  const authority = await track(
    fleet,
    startInNamespace(
      'authority',
      hq.namespace,
      [
        ...['authority', 'start', '--keys', keys, '--data', join(work, 'authority')],
        ...['--bundle', published.dir, '--listen', `/ip4/${hq.address}/tcp/${AUTHORITY_PORT}`],
        ...['--log-level', 'warn'],
      ],
      work,
      opts.signal,
    ),
  )
  const coordinator = await track(
    fleet,
    startInNamespace(
      'coordinator',
      hq.namespace,
      [
        ...['coordinator', 'start', '--keys', keys, '--data', join(work, 'coordinator')],
        ...['--listen', `/ip4/${hq.address}/tcp/${COORDINATOR_PORT}`],
        ...['--http', `127.0.0.1:${COORDINATOR_HTTP_PORT}`, '--rings', plan.rings.join(',')],
        ...authority.ready.addresses.flatMap((a) => ['--bootstrap', a]),
        ...['--log-level', 'warn'],
      ],
      work,
      opts.signal,
    ),
  )

  const before = await Promise.all(
    plan.sites.map((s) => readCounters(s.link.namespace, s.link.endIf)),
  )
  const hqBefore = await readCounters(hq.namespace, hq.endIf)

  const nodes = plan.sites.flatMap((site) => site.nodes.map((node) => ({ site, node })))
  stage(`starting ${nodes.length} node(s) in ${plan.sites.length} site namespace(s)`)
  const daemons = await allStarted(
    nodes.map(({ site, node }) =>
      track(
        fleet,
        startInNamespace(
          node.name,
          site.link.namespace,
          [
            ...['node', 'start', '--site', site.name, '--data', join(work, node.name)],
            ...['--root', rootPath(keys), '--ring', node.ring],
            ...['--listen', `/ip4/${site.link.address}/tcp/0`],
            ...authority.ready.addresses.flatMap((a) => ['--bootstrap', a]),
            ...['--coordinator', coordinator.ready.addresses[0], '--log-level', 'warn'],
            ...nodeLimit(scenario, site.group),
          ],
          work,
          opts.signal,
        ),
      ),
    ),
  )

  stage(
    `approving ${published.summary.name} ${published.summary.version} for ${plan.rings.join(', ')}`,
  )
  const started = performance.now()
  for (const ring of plan.rings) {
    await approve(hq.namespace, published.summary.patchId, ring, coordinator, opts.signal)
  }

  const deadline = Date.now() + (opts.timeoutMs ?? 15 * 60_000)
  let lastLine = 0
  for (;;) {
    throwIfAborted(opts.signal)
    const counters = await Promise.all(
      daemons.map(async (d) => ({ d, events: await readEvents(d.eventsFile) })),
    )
    const failed = counters.find(({ events }) => installFailure(events) !== undefined)
    if (failed !== undefined) {
      throw new NetlabFleetError(`${failed.d.name}: ${installFailure(failed.events)}`)
    }
    const done = counters.filter(({ events }) => nodeCounters(events).installed).length
    if (done === daemons.length) break
    const dead = daemons.find((d) => d.child.exitCode !== null || d.child.signalCode !== null)
    if (dead !== undefined) {
      throw new NetlabFleetError(`${dead.name} exited: ${dead.stderr.slice(-5).join(' | ')}`)
    }
    if (Date.now() > deadline) {
      throw new NetlabFleetError(`only ${done} of ${daemons.length} nodes installed in time`)
    }
    if (Date.now() - lastLine > 5000) {
      lastLine = Date.now()
      stage(`${done} of ${daemons.length} node(s) installed`)
    }
    await new Promise((resolve) => setTimeout(resolve, 250))
  }
  const seconds = (performance.now() - started) / 1000
  stage(`every node installed in ${seconds.toFixed(1)} s; reading counters`)

  const after = await Promise.all(
    plan.sites.map((s) => readCounters(s.link.namespace, s.link.endIf)),
  )
  const hqAfter = await readCounters(hq.namespace, hq.endIf)
  const sites: NetlabSiteResult[] = []
  const everyNode: NodeCounters[] = []
  for (const [i, site] of plan.sites.entries()) {
    const group = scenario.siteGroups.find((g) => g.name === site.group)!
    const own = daemons.filter((_, k) => nodes[k].site === site)
    const counters = await Promise.all(
      own.map(async (d) => nodeCounters(await readEvents(d.eventsFile))),
    )
    everyNode.push(...counters)
    sites.push({
      name: site.name,
      group: site.group,
      nodes: own.length,
      installed: counters.filter((c) => c.installed && c.sha256 === published.summary.sha256)
        .length,
      wanDownMbit: group.wanDownMbit,
      wanUpMbit: group.wanUpMbit,
      kernelWanBytesIn: after[i].rxBytes - before[i].rxBytes,
      kernelWanBytesOut: after[i].txBytes - before[i].txBytes,
      productWanBytesIn: counters.reduce((sum, c) => sum + c.wanBytesIn, 0),
      productWanBytesOut: counters.reduce((sum, c) => sum + c.wanBytesOut, 0),
      predictedWanBytesIn: prediction.siteWanBytes[i] ?? 0,
    })
  }
  const authorityCounters = nodeCounters(await readEvents(authority.eventsFile))

  return {
    scenarioName: scenario.name,
    allInstalled: sites.every((s) => s.installed === s.nodes),
    seconds: Math.round(seconds * 100) / 100,
    transferSeconds: Math.round(transferSeconds(everyNode) * 100) / 100,
    predictedSeconds: Math.round(prediction.seconds * 100) / 100,
    patchSize: published.summary.size,
    chunkSize: published.summary.chunkSize,
    nodes: nodes.length,
    lan: LAN,
    sites,
    headOffice: {
      kernelBytesOut: hqAfter.txBytes - hqBefore.txBytes,
      productBytesOut: authorityCounters.wanBytesOut,
      upMbit: scenario.origin.upMbit,
    },
    naiveWanBytes: published.summary.size * nodes.length,
  }
}

/** The node's own WAN limit, when the scenario sets one (as the demo does); else none. */
function nodeLimit(scenario: Scenario, group: string): string[] {
  const limit = scenario.siteGroups.find((g) => g.name === group)?.nodeWanDownMbit

  return limit === undefined ? [] : ['--wan-down-mbit', String(limit)]
}

/** Waits for every start to end, so that none is still starting at teardown; then the first error. */
async function allStarted(starts: Array<Promise<NamespacedDaemon>>): Promise<NamespacedDaemon[]> {
  const settled = await Promise.allSettled(starts)
  const failed = settled.find((s) => s.status === 'rejected')
  if (failed !== undefined) throw failed.reason

  return settled.map((s) => (s as PromiseFulfilledResult<NamespacedDaemon>).value)
}

/** Keeps every started daemon in the fleet, so that teardown stops it whatever happens next. */
async function track(fleet: Fleet, starting: Promise<NamespacedDaemon>): Promise<NamespacedDaemon> {
  const daemon = await starting
  fleet.daemons.push(daemon)

  return daemon
}

/** A random patch of the scenario's size and chunk size, published under fresh keys. */
async function publishPatch(
  work: string,
  scenario: Scenario,
  signal?: AbortSignal,
): Promise<Published> {
  const file = join(work, 'patch.bin')
  const handle = await open(file, 'w')
  try {
    const block = 4 * 1024 * 1024
    for (let written = 0; written < scenario.patch.size; written += block) {
      throwIfAborted(signal)
      await handle.write(randomBytes(Math.min(block, scenario.patch.size - written)))
    }
  } finally {
    await handle.close()
  }
  await initKeys(join(work, 'keys'))

  return publish({
    file,
    keysDir: join(work, 'keys'),
    out: join(work, 'bundle'),
    name: scenario.name.replace(/[^A-Za-z0-9._-]/g, '-'),
    version: '1.0.0',
    chunkSize: scenario.patch.chunkSize,
  })
}

/**
 * Approves the patch for one ring with `patchmesh approve`, run in the head office as an
 * operator would. The coordinator knows the patch only once the announcement reached it, so
 * an early refusal is retried for up to a minute.
 */
async function approve(
  namespace: string,
  patchId: string,
  ring: string,
  coordinator: NamespacedDaemon,
  signal?: AbortSignal,
): Promise<void> {
  const [program, ...args] = namespacedCommand(namespace, [
    ...['approve', patchId, '--ring', ring, '--json'],
    ...['--coordinator', `http://127.0.0.1:${COORDINATOR_HTTP_PORT}`],
    ...['--token-file', String(coordinator.ready.tokenFile)],
  ])
  const deadline = Date.now() + 60_000
  for (;;) {
    throwIfAborted(signal)
    try {
      await execFileAsync(program, args, { timeout: 20_000, signal })
      return
    } catch (err) {
      if (Date.now() > deadline) {
        const { stdout } = err as { stdout?: string }
        throw new NetlabFleetError(`approving ring ${ring} failed: ${stdout ?? String(err)}`)
      }
    }
    await new Promise((resolve) => setTimeout(resolve, 500))
  }
}

function throwIfAborted(signal?: AbortSignal): void {
  if (signal?.aborted === true) {
    const reason: unknown = signal.reason
    throw reason instanceof Error ? reason : new NetlabInterruptedError(String(reason))
  }
}
