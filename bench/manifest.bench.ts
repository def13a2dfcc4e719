/**
 * buildManifest against `sha256sum` on the same 1 GiB file of random bytes, and buildManifest's
 * peak memory on 1 GiB and on a 4 GiB sparse file. buildManifest computes two SHA-256s per byte
 * (the chunk's and the whole file's) where sha256sum computes one; the goal is 0.8x its
 * throughput all the same, and memory that does not grow with the file.
 *
 * Each build runs in a child process so its peak RSS is its own. Both tools read from a warm page
 * cache, so this measures hashing and copying, not the disk.
 */
import { spawnSync } from 'node:child_process'
import { randomFill } from 'node:crypto'
import { mkdir, open, rename, stat } from 'node:fs/promises'
import { join, resolve } from 'node:path'
import { promisify } from 'node:util'

import type { ChildReport } from './manifest-child.ts'
import type { BenchResult } from './run.ts'

export const name = 'manifest'

/** Scratch files, kept out of git; the same folder run.ts writes results to. */
const OUTPUT_DIR = resolve(import.meta.dirname, '..', '.bench')
const MIB = 1024 * 1024
const GIB = 1024 * MIB
const RANDOM_FILE = join(OUTPUT_DIR, 'random-1gib.bin')
const SPARSE_FILE = join(OUTPUT_DIR, 'sparse-4gib.bin')
const CHILD = join(import.meta.dirname, 'manifest-child.ts')
const RUNS = 2
const RATIO_GOAL = 0.8
const RSS_GOAL_MIB = 100

export async function run(): Promise<BenchResult[]> {
  await ensureRandomFile(RANDOM_FILE, GIB)
  await ensureSparseFile(SPARSE_FILE, 4 * GIB)
  await readThrough(RANDOM_FILE)

  const sums = Array.from({ length: RUNS }, () => sha256sum(RANDOM_FILE))
  const builds = Array.from({ length: RUNS }, () => buildInChild(RANDOM_FILE))
  for (const b of builds) {
    if (b.sha256 !== sums[0].sha256) {
      throw new Error(`buildManifest sha256 ${b.sha256} differs from sha256sum ${sums[0].sha256}`)
    }
  }
  const sparse = buildInChild(SPARSE_FILE)
  const openssl = opensslMs(RANDOM_FILE)

  const sumMs = Math.min(...sums.map((s) => s.ms))
  const buildMs = Math.min(...builds.map((b) => b.ms))
  const ratio = sumMs / buildMs
  const rssMiB = Math.max(...builds.map((b) => b.maxRssKiB)) / 1024
  const sparseRssMiB = sparse.maxRssKiB / 1024
  const rssGoal = `< ${RSS_GOAL_MIB}`

  return [
    { name: 'sha256sum 1 GiB, best of 2', value: mbps(GIB, sumMs), unit: 'MB/s' },
    { name: 'buildManifest 1 GiB, best of 2', value: mbps(GIB, buildMs), unit: 'MB/s' },
    {
      name: 'buildManifest / sha256sum throughput',
      value: ratio,
      unit: 'x',
      goal: `>= ${RATIO_GOAL}`,
      pass: ratio >= RATIO_GOAL,
    },
    {
      name: 'buildManifest peak RSS, 1 GiB',
      value: rssMiB,
      unit: 'MiB',
      goal: rssGoal,
      pass: rssMiB < RSS_GOAL_MIB,
    },
    {
      name: 'buildManifest peak RSS, 4 GiB sparse',
      value: sparseRssMiB,
      unit: 'MiB',
      goal: rssGoal,
      pass: sparseRssMiB < RSS_GOAL_MIB,
    },
    { name: 'child RSS before building (floor)', value: builds[0].baseRssKiB / 1024, unit: 'MiB' },
    { name: 'buildManifest 4 GiB sparse', value: mbps(4 * GIB, sparse.ms), unit: 'MB/s' },
    ...(openssl === undefined
      ? []
      : [
          {
            name: 'openssl dgst -sha256 1 GiB, best of 2',
            value: mbps(GIB, openssl),
            unit: 'MB/s',
          },
        ]),
  ]
}

function mbps(bytes: number, ms: number): number {
  return bytes / 1e6 / (ms / 1000)
}

function sha256sum(path: string): { ms: number; sha256: string } {
  const { ms, stdout } = timeCommand('sha256sum', [path])

  return { ms, sha256: stdout.split(' ')[0] }
}

/**
 * Best time of `openssl dgst -sha256`, or undefined without openssl. Informational: OpenSSL uses
 * the CPU's SHA extensions where coreutils' own sha256sum may not, so it shows how much headroom
 * the 0.8x goal leaves on a machine whose sha256sum is fast.
 */
function opensslMs(path: string): number | undefined {
  if (spawnSync('openssl', ['version']).status !== 0) return undefined

  return Math.min(
    ...Array.from({ length: RUNS }, () => timeCommand('openssl', ['dgst', '-sha256', path]).ms),
  )
}

function timeCommand(command: string, args: string[]): { ms: number; stdout: string } {
  const start = performance.now()
  const out = spawnSync(command, args, { encoding: 'utf8' })
  const ms = performance.now() - start
  if (out.status !== 0) throw new Error(`${command} failed: ${out.stderr || String(out.error)}`)

  return { ms, stdout: out.stdout }
}

function buildInChild(path: string): ChildReport {
  const out = spawnSync(process.execPath, [CHILD, path], { encoding: 'utf8' })
  if (out.status !== 0) throw new Error(`manifest child failed: ${out.stderr || String(out.error)}`)

  return JSON.parse(out.stdout.trim().split('\n').at(-1) ?? '') as ChildReport
}

/** Writes `size` random bytes to `path` unless a file of that size is already there. */
async function ensureRandomFile(path: string, size: number): Promise<void> {
  if (await hasSize(path, size)) return

  console.log(`creating ${path} (${size / MIB} MiB of random bytes, once)`)
  await mkdir(OUTPUT_DIR, { recursive: true })
  const partial = `${path}.partial`
  const handle = await open(partial, 'w')
  const block = Buffer.allocUnsafe(8 * MIB)
  try {
    for (let done = 0; done < size; done += block.byteLength) {
      await promisify(randomFill)(block)
      await handle.write(block, 0, Math.min(block.byteLength, size - done))
    }
  } finally {
    await handle.close()
  }
  await rename(partial, path)
}

/** Creates a file of `size` bytes that is all hole, unless one of that size is already there. */
async function ensureSparseFile(path: string, size: number): Promise<void> {
  if (await hasSize(path, size)) return

  await mkdir(OUTPUT_DIR, { recursive: true })
  const handle = await open(path, 'w')
  try {
    await handle.truncate(size)
  } finally {
    await handle.close()
  }
}

async function hasSize(path: string, size: number): Promise<boolean> {
  try {
    return (await stat(path)).size === size
  } catch {
    return false
  }
}

/** Reads the whole file once so both tools find it in the page cache. */
async function readThrough(path: string): Promise<void> {
  const handle = await open(path, 'r')
  const block = Buffer.allocUnsafe(8 * MIB)
  try {
    while ((await handle.read(block, 0, block.byteLength)).bytesRead > 0);
  } finally {
    await handle.close()
  }
}
