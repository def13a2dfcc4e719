/**
 * The local demo fleet: an authority and sites of nodes, each a separate process on loopback,
 * distributing one real file. Every site's nodes share the site's WAN limit (each node gets
 * an equal part of it), so the saving over a naive fleet shows in the byte counts.
 */
import { createHash, randomBytes } from 'node:crypto'
import { createReadStream } from 'node:fs'
import { mkdtemp, open, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pipeline } from 'node:stream/promises'
import { initKeys } from '../authority/keys-dir.ts'
import { publish } from '../authority/publish.ts'
import type { BundleSummary } from '../authority/bundle.ts'
import { readEvents, startDaemon, stopDaemon } from './processes.ts'
import type { Daemon, NodeEvent } from './processes.ts'

export interface DemoOptions {
  /** The file to distribute. Default: a generated file of `generatedSize` random bytes. */
  file?: string
  /** Default 64 MiB. */
  generatedSize?: number
  sites: number
  nodesPerSite: number
  /** Each site's WAN download limit, Mbit/s, shared by its nodes. */
  wanMbit: number
  chunkSize: number
  /** Keep the working directory (keys, data, events) afterwards. */
  keep: boolean
  /** Give up after this long, ms. Default 10 minutes. */
  timeoutMs?: number
}

export interface NodeProgress {
  name: string
  site: string
  held: number
  chunkCount: number
  done: boolean
}

export interface DemoSummary {
  ok: boolean
  workDir: string | null
  patch: { name: string; version: string; id: string; size: number; sha256: string }
  nodes: Array<{
    name: string
    peerId: string
    site: string
    state: string
    sha256: string | null
    bytes: { ownSite: number; otherSites: number; origin: number }
  }>
  sites: Array<{ name: string; nodes: number; wanBytesIn: number; wanBytesOut: number }>
  originBytesOut: number
  naiveWanBytes: number
  seconds: number
}

const LOOPBACK = '/ip4/127.0.0.1/tcp/0'

export interface DemoHooks {
  stage?: (message: string) => void
  progress?: (nodes: NodeProgress[]) => void
  /** Set by the demo: call it to stop early (Ctrl-C); every process is stopped. */
  onAbortable?: (abort: () => void) => void
}

export async function runDemo(opts: DemoOptions, hooks: DemoHooks = {}): Promise<DemoSummary> {
  const work = await mkdtemp(join(tmpdir(), 'patchmesh-demo-'))
  const daemons: Daemon[] = []
  const stage = hooks.stage ?? (() => undefined)
  const abort = new AbortController()
  hooks.onAbortable?.(() => abort.abort(new Error('demo interrupted')))

  try {
    const file = opts.file ?? (await generateFile(join(work, 'patch.bin'), opts.generatedSize))
    stage(`creating keys and publishing ${file}`)
    await initKeys(join(work, 'keys'))
    const published = await publish({
      file,
      keysDir: join(work, 'keys'),
      out: join(work, 'bundle'),
      name: 'demo-patch',
      version: '1.0.0',
      chunkSize: opts.chunkSize,
    })

    stage('starting the authority')
    const authority = await startDaemon(
      'authority',
      [
        ...['authority', 'start', '--keys', join(work, 'keys'), '--data', join(work, 'authority')],
        ...['--bundle', published.dir, '--listen', LOOPBACK, '--log-level', 'warn'],
      ],
      join(work, 'authority.events'),
    )
    daemons.push(authority)

    const started = performance.now()
    const perNodeMbit = opts.wanMbit / opts.nodesPerSite
    stage(
      `starting ${opts.sites} site(s) of ${opts.nodesPerSite} node(s), each site behind a ` +
        `${opts.wanMbit} Mbit/s WAN link`,
    )
    const nodes = await Promise.all(
      Array.from({ length: opts.sites * opts.nodesPerSite }, (_, i) => {
        const site = `site-${Math.floor(i / opts.nodesPerSite) + 1}`
        const name = `${site}-node-${(i % opts.nodesPerSite) + 1}`
        const args = ['node', 'start', '--site', site, '--data', join(work, name), '--prefetch']
        args.push('--root', join(work, 'keys/root.signed'), '--listen', LOOPBACK)
        args.push('--wan-down-mbit', String(perNodeMbit), '--log-level', 'warn')
        for (const address of authority.addresses) args.push('--bootstrap', address)
        return startDaemon(name, args, join(work, `${name}.events`)).then((d) => {
          daemons.push(d)
          return d
        })
      }),
    )

    const chunkCount = published.summary.chunks
    const deadline = Date.now() + (opts.timeoutMs ?? 600_000)
    for (;;) {
      const progress = await Promise.all(nodes.map((n) => progressOf(n, chunkCount)))
      hooks.progress?.(progress)
      if (progress.every((p) => p.done)) break
      if (abort.signal.aborted) throw abort.signal.reason as Error
      const dead = nodes.find((n) => n.child.exitCode !== null)
      if (dead !== undefined)
        throw new Error(`${dead.name} exited: ${dead.stderr.slice(-5).join('\n')}`)
      if (Date.now() > deadline) throw new Error('the fleet did not finish in time')
      await new Promise((resolve) => setTimeout(resolve, 250))
    }
    const seconds = (performance.now() - started) / 1000

    stage('checking every node and stopping the fleet')
    const summary = await summarise(published.summary, authority, nodes, seconds, opts)
    summary.workDir = opts.keep ? work : null

    return summary
  } finally {
    await Promise.all(daemons.map((d) => stopDaemon(d)))
    if (!opts.keep) await rm(work, { recursive: true, force: true })
  }
}

async function progressOf(node: Daemon, chunkCount: number): Promise<NodeProgress> {
  const events = await readEvents(node.eventsFile)
  const held = events.filter((e) => e.event === 'chunk_received').length
  const done = events.some((e) => e.event === 'patch_complete')
  const site = node.name.replace(/-node-\d+$/, '')

  return { name: node.name, site, held: done ? chunkCount : held, chunkCount, done }
}

async function summarise(
  patch: BundleSummary,
  authority: Daemon,
  nodes: Daemon[],
  seconds: number,
  opts: DemoOptions,
): Promise<DemoSummary> {
  const rows: DemoSummary['nodes'] = []
  const sites = new Map<string, DemoSummary['sites'][number]>()
  for (const node of nodes) {
    const events = await readEvents(node.eventsFile)
    const done = events.find((e) => e.event === 'patch_complete')
    const site = node.name.replace(/-node-\d+$/, '')
    const sha256 = done === undefined ? null : await hashFile(done.path as string)
    const bytes = done?.bytes as Record<string, number> | undefined
    rows.push({
      name: node.name,
      peerId: node.peerId,
      site,
      state: done !== undefined && sha256 === patch.sha256 ? 'complete' : 'failed',
      sha256,
      bytes: { ownSite: bytes?.site ?? 0, otherSites: bytes?.wan ?? 0, origin: bytes?.origin ?? 0 },
    })

    const entry = sites.get(site) ?? { name: site, nodes: 0, wanBytesIn: 0, wanBytesOut: 0 }
    entry.nodes++
    entry.wanBytesIn += (bytes?.wan ?? 0) + (bytes?.origin ?? 0)
    entry.wanBytesOut += sentToOtherSites(events)
    sites.set(site, entry)
  }

  return {
    ok: rows.every((r) => r.state === 'complete'),
    workDir: null,
    patch: {
      name: patch.name,
      version: patch.version,
      id: patch.patchId,
      size: patch.size,
      sha256: patch.sha256,
    },
    nodes: rows,
    sites: [...sites.values()],
    originBytesOut: sentToOtherSites(await readEvents(authority.eventsFile)),
    naiveWanBytes: patch.size * opts.sites * opts.nodesPerSite,
    seconds: Math.round(seconds * 100) / 100,
  }
}

function sentToOtherSites(events: NodeEvent[]): number {
  return events
    .filter((e) => e.event === 'chunk_served' && e.sameSite !== true)
    .reduce((sum, e) => sum + (e.bytes as number), 0)
}

async function hashFile(path: string): Promise<string> {
  const hash = createHash('sha256')
  await pipeline(createReadStream(path), hash)
  return hash.digest('hex')
}

async function generateFile(path: string, size = 64 * 1024 * 1024): Promise<string> {
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
