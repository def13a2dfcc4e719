/**
 * The local demo: an authority, a coordinator and sites of nodes, each a separate process on
 * loopback, roll one real file out the way an organisation would. The file is published, the
 * coordinator records its announcement, the canary ring (one node per site) is approved, and
 * once every canary has installed it the pilot and broad rings are approved. Each site's nodes
 * share the site's WAN limit, so the saving over a naive fleet shows in the byte counts.
 *
 * Waiting and progress come from the coordinator's API, the product's own view of the fleet;
 * the summary's hashes are read from the installed files themselves.
 */
import { randomBytes } from 'node:crypto'
import { mkdtemp, open, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { initKeys } from '../authority/keys-dir.ts'
import { readOperatorToken } from '../authority/operator-token.ts'
import { publish } from '../authority/publish.ts'
import { DemoOperator } from './operator.ts'
import type { FleetView } from './operator.ts'
import { DEMO_RINGS, patchNaming, planFleet } from './plan.ts'
import type { PlannedNode } from './plan.ts'
import { DaemonGroup, readEvents } from './processes.ts'
import type { Daemon } from './processes.ts'
import { rollOut, Watch } from './rollout.ts'
import type { FleetNode } from './rollout.ts'
import { summarise } from './summary.ts'
import type { DemoSummary } from './summary.ts'

export type { DemoSummary } from './summary.ts'

/** Size of the generated file: 64 MiB, a sizeable package or a small cumulative update. */
export const DEFAULT_GENERATED_SIZE = 64 * 1024 * 1024

export interface DemoOptions {
  /** The file to distribute. Default: a generated file of `generatedSize` random bytes. */
  file?: string
  /** Default {@link DEFAULT_GENERATED_SIZE}. */
  generatedSize?: number
  sites: number
  nodesPerSite: number
  /** Each site's WAN link, Mbit/s, shared by its nodes; cycled when shorter than the sites. */
  wanMbit: number[]
  chunkSize: number
  /** Nodes fetch on announcement, before approval. */
  prefetch: boolean
  /** Install by running this command on the patch file. Default: stage a copy in the data dir. */
  installCommand?: string
  /** Keep the working directory (keys, data, events) afterwards. */
  keep: boolean
  /** Give up after this long, ms. Default 10 minutes. */
  timeoutMs?: number
}

export interface SiteProgress {
  name: string
  nodes: number
  /** Bytes of the patch the site's nodes hold, summed, and what they will hold once done. */
  fetchedBytes: number
  totalBytes: number
  installed: number
  failed: number
  /** Bytes the site's nodes got over the WAN so far. */
  wanBytesIn: number
}

export interface DemoHooks {
  stage?: (message: string) => void
  /** The coordinator's dashboard, once it listens. */
  dashboard?: (url: string) => void
  progress?: (sites: SiteProgress[]) => void
  /** Set by the demo: call it to stop early (Ctrl-C); every process is stopped. */
  onAbortable?: (abort: () => void) => void
}

const LOOPBACK = '/ip4/127.0.0.1/tcp/0'

export async function runDemo(opts: DemoOptions, hooks: DemoHooks = {}): Promise<DemoSummary> {
  const work = await mkdtemp(join(tmpdir(), 'patchmesh-demo-'))
  const group = new DaemonGroup()
  const stage = hooks.stage ?? (() => undefined)
  const abort = new AbortController()
  hooks.onAbortable?.(() => abort.abort(new DemoInterruptedError()))
  const { signal } = abort
  const deadline = Date.now() + (opts.timeoutMs ?? 600_000)
  const begun = performance.now()

  try {
    const file = opts.file ?? (await generateFile(join(work, 'patch.bin'), opts.generatedSize))
    const naming = patchNaming(opts.file)
    const keysDir = join(work, 'keys')
    stage(`publishing ${file} as ${naming.name} ${naming.version}`)
    await initKeys(keysDir)
    const published = await publish({
      file,
      keysDir,
      out: join(work, 'bundle'),
      ...naming,
      chunkSize: opts.chunkSize,
    })
    const patch = published.summary
    signal.throwIfAborted()

    stage('starting the authority (head office): it seeds the patch and gossips its announcement')
    const authority = await group.start(
      'authority',
      [
        ...['authority', 'start', '--keys', keysDir, '--data', join(work, 'authority')],
        ...['--bundle', published.dir, '--listen', LOOPBACK, '--log-level', 'warn'],
      ],
      join(work, 'authority.events'),
      signal,
    )

    stage('starting the coordinator (head office): approvals, rollout and fleet status')
    const coordinator = await group.start(
      'coordinator',
      [
        ...['coordinator', 'start', '--keys', keysDir, '--data', join(work, 'coordinator')],
        ...['--http', '127.0.0.1:0', '--listen', LOOPBACK, '--log-level', 'warn'],
        ...authority.addresses.flatMap((a) => ['--bootstrap', a]),
      ],
      join(work, 'coordinator.events'),
      signal,
    )
    const dashboard = (coordinator.ready.urls as string[])[0]
    hooks.dashboard?.(dashboard)
    const token = await readOperatorToken(coordinator.ready.tokenFile as string)
    const operator = new DemoOperator(dashboard, token, patch.patchId)
    const fleet: FleetNode[] = []
    const watch = new Watch([authority, coordinator], fleet, signal, deadline)
    await watch.until('the coordinator to record the announcement', () => operator.knowsPatch())

    const plan = planFleet(opts.sites, opts.nodesPerSite, opts.wanMbit)
    const links = [...new Set(plan.map((s) => s.wanMbit))].join('/')
    stage(
      `starting ${opts.sites} site(s) of ${opts.nodesPerSite} node(s), each site behind a ` +
        `${links} Mbit/s WAN link; rings per site: ${ringsOf(plan[0].nodes)}; ` +
        (opts.prefetch
          ? 'nodes prefetch on announcement, before approval'
          : 'nodes fetch only once approved (no prefetch)'),
    )
    const args = nodeArgs(opts, keysDir, authority, coordinator)
    await Promise.all(
      plan
        .flatMap((s) => s.nodes)
        .map(async (node) => {
          const dataDir = join(work, node.name)
          const daemon = await group.start(
            node.name,
            args(node, dataDir),
            join(work, `${node.name}.events`),
            signal,
          )
          fleet.push({ ...node, daemon, dataDir })
        }),
    )
    fleet.sort((a, b) => a.name.localeCompare(b.name, 'en', { numeric: true }))
    await watch.until('every node to report to the coordinator', async () => {
      const { states } = await operator.view()
      return fleet.every((n) => (states.get(n.daemon.peerId) ?? '') !== '')
    })

    const started = performance.now()
    const { view, rings, problem, seconds } = await rollOut({
      operator,
      fleet,
      watch,
      stage,
      progress: (v) => hooks.progress?.(siteProgress(v, plan, patch.size, fleet)),
      patchId: patch.patchId,
    })

    stage('checking the file every node installed, then stopping the fleet')
    const summary = await summarise({
      patch,
      plan,
      nodes: await Promise.all(
        fleet.map(async (n) => {
          const events = await readEvents(n.daemon.eventsFile)
          return {
            name: n.name,
            peerId: n.daemon.peerId,
            site: n.site,
            ring: n.ring,
            events,
            installedFile: installedFile(opts, n, patch, events),
          }
        }),
      ),
      authorityEvents: await readEvents(authority.eventsFile),
      states: view.states,
      rings,
      dashboard,
      prefetch: opts.prefetch,
      seconds,
      startupSeconds: (started - begun) / 1000,
      problem,
    })
    summary.workDir = opts.keep ? work : null

    return summary
  } finally {
    await group.stopAll()
    if (!opts.keep) await rm(work, { recursive: true, force: true })
  }
}

/** Ctrl-C: the demo stopped every process it started. */
export class DemoInterruptedError extends Error {
  override readonly name = 'DemoInterruptedError'

  constructor() {
    super('interrupted: every process the demo started was stopped')
  }
}

/** The arguments of `patchmesh node start` for a planned node. */
function nodeArgs(opts: DemoOptions, keysDir: string, authority: Daemon, coordinator: Daemon) {
  return (node: PlannedNode, dataDir: string): string[] => {
    const args = ['node', 'start', '--site', node.site, '--ring', node.ring, '--data', dataDir]
    args.push('--root', join(keysDir, 'root.signed'), '--listen', LOOPBACK)
    args.push('--wan-down-mbit', String(node.wanMbit), '--wan-up-mbit', String(node.wanMbit))
    for (const address of authority.addresses) args.push('--bootstrap', address)
    args.push('--coordinator', coordinator.addresses[0], '--log-level', 'warn')
    if (opts.prefetch) args.push('--prefetch')
    if (opts.installCommand !== undefined) args.push('--install-command', opts.installCommand)
    else args.push('--stage-dir', join(dataDir, 'installed'))

    return args
  }
}

/**
 * The file whose hash the summary checks: the staged copy, or for an install command the
 * verified patch file the command was given.
 */
function installedFile(
  opts: DemoOptions,
  node: FleetNode,
  patch: { name: string; version: string },
  events: Array<Record<string, unknown>>,
): string | undefined {
  if (opts.installCommand === undefined) {
    return join(node.dataDir, 'installed', `${patch.name}-${patch.version}`)
  }
  const complete = events.find((e) => e.event === 'patch_complete')

  return complete === undefined ? undefined : (complete.path as string)
}

function ringsOf(nodes: PlannedNode[]): string {
  return DEMO_RINGS.map((ring) => `${nodes.filter((n) => n.ring === ring).length} ${ring}`)
    .filter((text) => !text.startsWith('0 '))
    .join(', ')
}

function siteProgress(
  view: FleetView,
  plan: ReturnType<typeof planFleet>,
  size: number,
  fleet: FleetNode[],
): SiteProgress[] {
  return plan.map((site) => {
    const members = fleet.filter((n) => n.site === site.name)
    const states = members.map((n) => view.states.get(n.daemon.peerId))
    const reported = view.sites.find((s) => s.site === site.name)
    const bytes = reported?.bytes
    const totalBytes = size * members.length
    const fetched = bytes === undefined ? 0 : bytes.ownSite + bytes.otherSites + bytes.origin

    return {
      name: site.name,
      nodes: members.length,
      fetchedBytes: Math.min(fetched, totalBytes),
      totalBytes,
      installed: states.filter((s) => s === 'installed').length,
      failed: states.filter((s) => s === 'failed').length,
      wanBytesIn: bytes?.wan ?? 0,
    }
  })
}

async function generateFile(path: string, size = DEFAULT_GENERATED_SIZE): Promise<string> {
  const handle = await open(path, 'w')
  try {
    for (let written = 0; written < size; written += 4 * 1024 * 1024) {
      await handle.write(randomBytes(Math.min(4 * 1024 * 1024, size - written)))
    }
  } finally {
    await handle.close()
  }
  return path
}
