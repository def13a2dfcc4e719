/**
 * Chunk transfer between two processes on loopback: patchmesh (an authority and a node started
 * with the CLI, the node fetching a 1 GiB patch of random bytes) against a bare libp2p stream on
 * the same host set-up (src/mesh/host.ts) and against plain TCP, each moving 1 GiB from one
 * process to another. Goals: patchmesh at 0.8x the bare stream's throughput or better, and the
 * fetching node's peak RSS under 250 MiB, the same for a 256 MiB patch as for 1 GiB.
 *
 * patchmesh is timed from the node's first chunk_received event to its patch_complete event, so
 * start-up, discovery and the manifest are left out but every chunk's verification, write and
 * fdatasync and the whole-file check at the end are in. The two baselines are timed from the
 * first byte to the last. CPU time per GiB of both processes is reported beside throughput: on
 * a busy machine it shows where the difference comes from better than wall time does.
 *
 * Known shortcoming: the 0.8 goal is missed; on this project's 2-core CI machine patchmesh gets
 * 0.34 to 0.44 of the bare stream (run to run, with the VM's cost of fresh page-cache pages).
 * With both processes on 2 cores the bare stream alone keeps them about 80 % busy, so the goal
 * leaves patchmesh about 2.6 s of CPU per GiB more than the bare stream; its own work costs more:
 * SHA-256 of every chunk at the receiver, again over the whole file at the end and on the first
 * serve of each chunk (0.54 s per GiB each), page-cache writes (0.2 to 1.5 s per GiB), and V8's
 * major collections, set off by the external memory of libp2p's buffers (3 to 40 per GiB).
 */
import { join } from 'node:path'

import type { BenchResult } from './run.ts'
import { fetchWithMesh, meshFixture } from './transfer-mesh.ts'
import type { MeshRun } from './transfer-mesh.ts'
import { cpuMs, withChildren } from './transfer-processes.ts'
import type { TransferReport } from './transfer-report.ts'

export const name = 'transfer'

const MIB = 1024 * 1024
const GIB = 1024 * MIB
const SMALL = 256 * MIB
const RUNS = 2
const RATIO_GOAL = 0.8
const RSS_GOAL_MIB = 250
/**
 * "Not growing with the patch size", as a figure: four times the patch may cost the node no more
 * than a tenth of its memory budget. Peak RSS varies by up to 15 MiB between runs of one size.
 */
const RSS_GROWTH_GOAL_MIB = 25
const TCP_CHILD = join(import.meta.dirname, 'transfer-tcp.ts')
const LIBP2P_CHILD = join(import.meta.dirname, 'transfer-libp2p.ts')
const TRANSFER_MS = 10 * 60_000

/** A serving child's ready line: a port (TCP) or multiaddrs (libp2p). */
interface Ready {
  event?: string
  port?: number
  addresses?: string[]
}

/** One raw transfer: the fetching child's report and the serving child's CPU time. */
interface RawRun extends TransferReport {
  serverCpuMs: number
}

export async function run(): Promise<BenchResult[]> {
  const big = await meshFixture(GIB)
  const small = await meshFixture(SMALL)

  // Interleaved, so that load from elsewhere on the machine falls on all three alike.
  const tcp: RawRun[] = []
  const bare: RawRun[] = []
  const mesh: MeshRun[] = []
  for (let i = 0; i < RUNS; i++) {
    tcp.push(log('plain TCP', await fetchRaw(TCP_CHILD, GIB, (r) => String(r.port))))
    bare.push(log('bare libp2p', await fetchRaw(LIBP2P_CHILD, GIB, (r) => r.addresses![0])))
    mesh.push(logMesh('patchmesh 1 GiB', await fetchWithMesh(big)))
  }
  const meshSmall = logMesh('patchmesh 256 MiB', await fetchWithMesh(small))

  const tcpMbps = Math.max(...tcp.map((r) => mbps(GIB, r.ms)))
  const bareMbps = Math.max(...bare.map((r) => mbps(GIB, r.ms)))
  const meshMbps = Math.max(...mesh.map((r) => mbps(GIB, r.ms)))
  const ratio = meshMbps / bareMbps
  const rssMiB = Math.max(...mesh.map((r) => r.peakRssKiB)) / 1024
  const smallRssMiB = meshSmall.peakRssKiB / 1024
  const best = `best of ${RUNS}`

  return [
    { name: `plain TCP, 1 GiB, ${best}`, value: tcpMbps, unit: 'MB/s' },
    { name: `bare libp2p stream, 1 GiB, ${best}`, value: bareMbps, unit: 'MB/s' },
    { name: `patchmesh, 1 GiB patch, ${best}`, value: meshMbps, unit: 'MB/s' },
    {
      name: 'patchmesh / bare libp2p stream',
      value: ratio,
      unit: 'x',
      goal: `>= ${RATIO_GOAL}`,
      pass: ratio >= RATIO_GOAL,
    },
    { name: 'patchmesh / plain TCP', value: meshMbps / tcpMbps, unit: 'x' },
    {
      name: 'patchmesh node peak RSS, 1 GiB patch',
      value: rssMiB,
      unit: 'MiB',
      goal: `< ${RSS_GOAL_MIB}`,
      pass: rssMiB < RSS_GOAL_MIB,
    },
    {
      name: 'patchmesh node peak RSS, 256 MiB patch',
      value: smallRssMiB,
      unit: 'MiB',
      goal: `< ${RSS_GOAL_MIB}`,
      pass: smallRssMiB < RSS_GOAL_MIB,
    },
    {
      name: 'patchmesh node peak RSS, 1 GiB minus 256 MiB patch',
      value: rssMiB - smallRssMiB,
      unit: 'MiB',
      goal: `< ${RSS_GROWTH_GOAL_MIB}`,
      pass: rssMiB - smallRssMiB < RSS_GROWTH_GOAL_MIB,
    },
    {
      name: `patchmesh, 1 GiB, chunks only (first to last chunk), ${best}`,
      value: Math.max(...mesh.map((r) => mbps(GIB, r.chunksMs))),
      unit: 'MB/s',
    },
    {
      name: `patchmesh, 1 GiB, from node start, ${best}`,
      value: Math.max(...mesh.map((r) => mbps(GIB, r.fromStartMs))),
      unit: 'MB/s',
    },
    {
      name: 'patchmesh, 256 MiB patch',
      value: mbps(SMALL, meshSmall.ms),
      unit: 'MB/s',
    },
    { name: 'CPU per GiB, both ends, plain TCP', value: cpuPerGiB(tcp), unit: 's' },
    { name: 'CPU per GiB, both ends, bare libp2p stream', value: cpuPerGiB(bare), unit: 's' },
    {
      name: 'CPU per GiB, both ends, patchmesh',
      value: Math.min(...mesh.map((r) => r.nodeCpuMs + r.authorityCpuMs)) / 1000,
      unit: 's',
    },
    {
      name: 'CPU per GiB, patchmesh node alone',
      value: Math.min(...mesh.map((r) => r.nodeCpuMs)) / 1000,
      unit: 's',
    },
    {
      name: 'bare libp2p reader peak RSS, 1 GiB',
      value: Math.max(...bare.map((r) => r.maxRssKiB)) / 1024,
      unit: 'MiB',
    },
  ]
}

/**
 * Starts `child` serving `bytes`, then a second `child` fetching them from the address the first
 * printed; returns the fetching child's report.
 */
async function fetchRaw(
  child: string,
  bytes: number,
  address: (ready: Ready) => string,
): Promise<RawRun> {
  return withChildren(async (start) => {
    const server = start('server', [child, 'serve', String(bytes)])
    const ready = await server.json<Ready>((v) => v.event === 'ready', 60_000)
    const serverCpuAtStart = await cpuMs(server.pid)

    const fetcher = start('fetcher', [child, 'fetch', address(ready)])
    const report = await fetcher.json<TransferReport>((v) => v.bytes !== undefined, TRANSFER_MS)
    if (report.bytes !== bytes) throw new Error(`fetched ${report.bytes} bytes, not ${bytes}`)

    return { ...report, serverCpuMs: (await cpuMs(server.pid)) - serverCpuAtStart }
  })
}

function mbps(bytes: number, ms: number): number {
  return bytes / 1e6 / (ms / 1000)
}

/** The least CPU time, in seconds, both ends of a raw transfer of 1 GiB took in any run. */
function cpuPerGiB(runs: RawRun[]): number {
  return Math.min(...runs.map((r) => r.cpuMs + r.serverCpuMs)) / 1000
}

function log(what: string, r: RawRun): RawRun {
  console.log(
    `  ${what}: ${mbps(r.bytes, r.ms).toFixed(1)} MB/s, CPU ${(r.cpuMs / 1000).toFixed(2)} s ` +
      `reader + ${(r.serverCpuMs / 1000).toFixed(2)} s writer, reader peak RSS ` +
      `${(r.maxRssKiB / 1024).toFixed(0)} MiB`,
  )

  return r
}

function logMesh(what: string, r: MeshRun): MeshRun {
  console.log(
    `  ${what}: ${(r.ms / 1000).toFixed(2)} s first chunk to patch_complete, ` +
      `${(r.chunksMs / 1000).toFixed(2)} s to the last chunk, ${(r.fromStartMs / 1000).toFixed(2)} s ` +
      `from node start; CPU ${(r.nodeCpuMs / 1000).toFixed(2)} s node + ` +
      `${(r.authorityCpuMs / 1000).toFixed(2)} s authority; node peak RSS ` +
      `${(r.peakRssKiB / 1024).toFixed(0)} MiB`,
  )

  return r
}
