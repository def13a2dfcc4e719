/**
 * In-process meshes for end-to-end tests: a published patch, its authority, nodes on loopback,
 * and waits on node events with generous overall time-outs (the test machine is shared).
 */
import { createHash, randomBytes } from 'node:crypto'
import type { EventEmitter } from 'node:events'
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { startAuthority } from '../../../src/authority/authority.ts'
import type { Authority } from '../../../src/authority/authority.ts'
import { bundlePaths } from '../../../src/authority/bundle.ts'
import { initKeys } from '../../../src/authority/keys-dir.ts'
import type { KeysDir } from '../../../src/authority/keys-dir.ts'
import { publish } from '../../../src/authority/publish.ts'
import { createLogger } from '../../../src/log.ts'
import type { Logger } from '../../../src/log.ts'
import { PatchNode } from '../../../src/node/node.ts'
import type { PatchNodeOptions } from '../../../src/node/node.ts'
import type { NodeEventMap, NodeEventName, NodeEvents } from '../../../src/node/events.ts'

export const LOOPBACK = ['/ip4/127.0.0.1/tcp/0']

export const silent: Logger = createLogger({ level: 'silent' })

/** A logger that keeps every line at `level` and above, parsed, for assertions on logs. */
export function captureLog(level: 'debug' | 'trace' = 'debug'): {
  log: Logger
  lines: Array<Record<string, any>>
} {
  const lines: Array<Record<string, any>> = []
  const log = createLogger({
    level,
    destination: { write: (line: string) => lines.push(JSON.parse(line)) },
  })

  return { log, lines }
}

/** A scratch directory; `remove` deletes it and everything in it. */
export async function scratch(
  prefix: string,
): Promise<{ dir: string; remove: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), `patchmesh-${prefix}-`))

  return { dir, remove: () => rm(dir, { recursive: true, force: true }) }
}

export interface PublishedPatch {
  keys: KeysDir
  keysDir: string
  bundleDir: string
  /** The bundle's data file: the bytes every node must end up with. */
  dataPath: string
  data: Buffer
  sha256: string
  patchId: string
  chunkSize: number
  chunkCount: number
}

/** Makes keys in `work/keys` and publishes `size` random bytes as a bundle in `work/bundle`. */
export async function publishRandomPatch(
  work: string,
  size: number,
  chunkSize: number,
): Promise<PublishedPatch> {
  const keysDir = join(work, 'keys')
  const bundleDir = join(work, 'bundle')
  const keys = await initKeys(keysDir)
  const data = randomBytes(size)
  await mkdir(work, { recursive: true })
  await writeFile(join(work, 'patch.bin'), data)
  const { summary } = await publish({
    file: join(work, 'patch.bin'),
    keysDir,
    out: bundleDir,
    name: 'e2e-patch',
    version: '1.0.0',
    chunkSize,
  })

  return {
    keys,
    keysDir,
    bundleDir,
    dataPath: bundlePaths(bundleDir).data,
    data,
    sha256: createHash('sha256').update(data).digest('hex'),
    patchId: summary.patchId,
    chunkSize,
    chunkCount: summary.chunks,
  }
}

/** The authority on loopback, seeding the patch's bundle. */
export async function startTestAuthority(
  work: string,
  patch: PublishedPatch,
  log: Logger = silent,
): Promise<Authority> {
  return startAuthority({
    keysDir: patch.keysDir,
    bundles: [patch.bundleDir],
    dataDir: join(work, 'authority'),
    listen: LOOPBACK,
    log,
  })
}

/** A started node on loopback, enrolled with the patch's root. */
export async function startTestNode(
  patch: PublishedPatch,
  opts: Partial<PatchNodeOptions> & { dataDir: string; site: string },
): Promise<PatchNode> {
  const node = new PatchNode({
    root: patch.keys.root.bytes,
    listen: LOOPBACK,
    // The mesh tests exercise fetching alone: fetch on announcement, without approvals.
    prefetch: true,
    log: silent,
    ...opts,
  })
  await node.start()

  return node
}

/**
 * Resolves with the first `event` of `events` whose detail passes `accept`; rejects after
 * `timeoutMs` with a message naming `what`. Listen before causing the event.
 */
export function nextEvent<K extends NodeEventName>(
  events: NodeEvents,
  event: K,
  what: string,
  accept: (detail: NodeEventMap[K]) => boolean = () => true,
  timeoutMs = 120_000,
): Promise<NodeEventMap[K]> {
  const target = events as unknown as EventEmitter
  return new Promise((resolve, reject) => {
    const listener = (detail: NodeEventMap[K]) => {
      if (!accept(detail)) return
      clearTimeout(timer)
      target.off(event, listener)
      resolve(detail)
    }
    const timer = setTimeout(() => {
      target.off(event, listener)
      reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}`))
    }, timeoutMs)
    target.on(event, listener)
  })
}

/** Polls `check` until it returns true; rejects after `timeoutMs` with a message naming `what`. */
export async function until(
  check: () => boolean | Promise<boolean>,
  what: string,
  timeoutMs = 60_000,
  everyMs = 50,
): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!(await check())) {
    if (Date.now() > deadline)
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`)
    await new Promise((resolve) => setTimeout(resolve, everyMs))
  }
}

/** The SHA-256 of a file, hex. */
export async function sha256File(path: string): Promise<string> {
  return createHash('sha256')
    .update(await readFile(path))
    .digest('hex')
}
