/**
 * patchmesh itself for transfer.bench.ts: an authority and one node, both started with the real
 * CLI on loopback, the node fetching one patch from the authority. The keys, the bundle of random
 * bytes and the authority's seeded copy are made once and kept under .bench/transfer/.
 */
import { randomFill } from 'node:crypto'
import { mkdir, open, readFile, rm, stat } from 'node:fs/promises'
import { join, resolve } from 'node:path'
import { promisify } from 'node:util'
import { initKeys, rootPath } from '../src/authority/keys-dir.ts'
import { publish } from '../src/authority/publish.ts'
import { bundlePaths } from '../src/authority/bundle.ts'
import type { BundleSummary } from '../src/authority/bundle.ts'
import { cpuMs, peakRssKiB, withChildren } from './transfer-processes.ts'

const ROOT = resolve(import.meta.dirname, '..', '.bench', 'transfer')
const KEYS = join(ROOT, 'keys')
const BIN = resolve(import.meta.dirname, '..', 'bin', 'patchmesh.js')
const LOOPBACK = '/ip4/127.0.0.1/tcp/0'
const MIB = 1024 * 1024
/** Long enough that cached keys and bundles never expire between runs. */
const TEN_YEARS_MS = 10 * 365 * 86_400_000
/** Seeding a large bundle the first time copies and fsyncs every chunk. */
const AUTHORITY_READY_MS = 10 * 60_000
const DOWNLOAD_MS = 10 * 60_000

export interface MeshFixture {
  size: number
  bundle: string
  /**
   * The authority's data directory, kept between runs so the bundle is seeded only once (an
   * authority stopped halfway through seeding resumes where it stopped).
   */
  authorityData: string
  summary: BundleSummary
}

/** What one fetch measured. */
export interface MeshRun {
  /** From the node's first chunk_received event to its patch_complete event. */
  ms: number
  /** From the first to the last chunk_received: the transfer without the whole-file check. */
  chunksMs: number
  /** From the node's ready line to its patch_complete event. */
  fromStartMs: number
  /** The node's VmHWM just before it was stopped. */
  peakRssKiB: number
  /** CPU time of the node and of the authority from the node's ready line to patch_complete. */
  nodeCpuMs: number
  authorityCpuMs: number
}

interface NodeEvent {
  event: string
  time: string
  sha256?: string
}

/** Keys, a bundle of `size` random bytes and the authority's data directory, made once. */
export async function meshFixture(size: number): Promise<MeshFixture> {
  const name = `${size / MIB}mib`
  const bundle = join(ROOT, `bundle-${name}`)
  const authorityData = join(ROOT, `authority-${name}`)

  if (!(await exists(rootPath(KEYS)))) {
    // Bundles signed by keys that are gone are of no use: start the whole cache afresh.
    await rm(ROOT, { recursive: true, force: true })
    await initKeys(KEYS, { validForMs: TEN_YEARS_MS })
  }
  if (!(await exists(bundlePaths(bundle).announcement))) {
    console.log(`creating ${bundle} (${size / MIB} MiB of random bytes, once)`)
    const source = join(ROOT, `source-${name}.bin`)
    await writeRandomFile(source, size)
    await rm(bundle, { recursive: true, force: true })
    await rm(authorityData, { recursive: true, force: true })
    await publish({
      file: source,
      keysDir: KEYS,
      out: bundle,
      name: `bench-${name}`,
      version: '1',
      validForMs: TEN_YEARS_MS,
    })
    await rm(source)
  }
  const summary = JSON.parse(await readFile(bundlePaths(bundle).summary, 'utf8')) as BundleSummary

  return { size, bundle, authorityData, summary }
}

/** Starts the authority and a fresh node, and times the node's fetch of the whole patch. */
export async function fetchWithMesh(fixture: MeshFixture): Promise<MeshRun> {
  const work = join(ROOT, 'run')
  const events = join(work, 'node.events')
  await rm(work, { recursive: true, force: true })
  await mkdir(work, { recursive: true })

  try {
    return await withChildren(async (start) => {
      const authority = start('authority', [
        ...[BIN, 'authority', 'start', '--keys', KEYS, '--data', fixture.authorityData],
        ...['--bundle', fixture.bundle, '--listen', LOOPBACK, '--json', '--log-level', 'warn'],
      ])
      const { addresses } = await authority.json(ready, AUTHORITY_READY_MS)
      // A restarted authority checks the whole file it already holds after its ready line; let
      // that finish first, so the node is measured against an authority that only serves.
      await waitForIdle(authority.pid, AUTHORITY_READY_MS)

      const node = start('node', [
        ...[BIN, 'node', 'start', '--site', 's', '--data', join(work, 'node'), '--prefetch'],
        ...['--root', rootPath(KEYS), '--bootstrap', addresses[0], '--listen', LOOPBACK],
        ...['--events', events, '--json', '--log-level', 'warn'],
      ])
      await node.json(ready, 60_000)
      const startedAt = Date.now()
      const cpuAtStart = [await cpuMs(node.pid), await cpuMs(authority.pid)]

      const seen = await waitForEnd(events, () => node.exited, DOWNLOAD_MS)
      const peak = await peakRssKiB(node.pid)
      const cpu = [await cpuMs(node.pid), await cpuMs(authority.pid)]
      const end = seen.at(-1)!
      if (end.event !== 'patch_complete') throw new Error(`node reported ${JSON.stringify(end)}`)
      if (end.sha256 !== fixture.summary.sha256) throw new Error(`node holds other bytes`)

      const chunks = seen.filter((e) => e.event === 'chunk_received').map((e) => Date.parse(e.time))
      const doneAt = Date.parse(end.time)
      return {
        ms: doneAt - chunks[0],
        chunksMs: chunks.at(-1)! - chunks[0],
        fromStartMs: doneAt - startedAt,
        peakRssKiB: peak,
        nodeCpuMs: cpu[0] - cpuAtStart[0],
        authorityCpuMs: cpu[1] - cpuAtStart[1],
      }
    })
  } finally {
    await rm(work, { recursive: true, force: true })
  }
}

/** A daemon's ready line. */
interface Ready {
  event?: string
  addresses: string[]
}

const ready = (line: Ready) => line.event === 'ready'

/** Waits until process `pid` uses less than a tenth of a core over half a second. */
async function waitForIdle(pid: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs
  let before = await cpuMs(pid)
  while (Date.now() < deadline) {
    await new Promise((done) => setTimeout(done, 500))
    const now = await cpuMs(pid)
    if (now - before < 50) return
    before = now
  }
  throw new Error(`process ${pid} still busy after ${timeoutMs} ms`)
}

/** Polls the node's events file until patch_complete or patch_failed; returns every event so far. */
async function waitForEnd(
  file: string,
  exited: () => boolean,
  timeoutMs: number,
): Promise<NodeEvent[]> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const text = await readFile(file, 'utf8').catch(() => '')
    // Whole lines only: the node may be half-way through writing the last one.
    const seen = text
      .slice(0, text.lastIndexOf('\n') + 1)
      .split('\n')
      .filter((line) => line !== '')
      .map((line) => JSON.parse(line) as NodeEvent)
    const end = seen.findIndex((e) => e.event === 'patch_complete' || e.event === 'patch_failed')
    if (end >= 0) return seen.slice(0, end + 1)
    if (exited()) throw new Error('node exited before it completed the patch')
    if (Date.now() > deadline) throw new Error(`node did not complete in ${timeoutMs} ms`)
    await new Promise((done) => setTimeout(done, 500))
  }
}

async function writeRandomFile(path: string, size: number): Promise<void> {
  await mkdir(ROOT, { recursive: true })
  const handle = await open(path, 'w')
  const block = Buffer.allocUnsafe(8 * MIB)
  try {
    for (let done = 0; done < size; done += block.byteLength) {
      await promisify(randomFill)(block)
      await handle.write(block, 0, Math.min(block.byteLength, size - done))
    }
  } finally {
    await handle.close()
  }
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  )
}
