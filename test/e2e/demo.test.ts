/**
 * `patchmesh demo` as a newcomer runs it: a child process that starts an authority, a
 * coordinator and two sites of nodes, rolls a file out ring by ring and prints its summary. Each
 * run gets a TMPDIR of its own, so that its working directory, and every process started with a
 * path in it, can be looked for afterwards.
 */
import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { createHash, randomBytes } from 'node:crypto'
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import type { DemoSummary } from '../../src/demo/summary.ts'
import { scratch } from './support/in-process.ts'

const SIZE = 5 * 1024 * 1024 + 999
const bin = join(import.meta.dirname, '../../bin/patchmesh.js')

interface Run {
  code: number | null
  stdout: string
  stderr: string
  /** The run's TMPDIR. */
  tmp: string
}

/** Processes whose command line mentions `path`: those a demo under it started. */
async function processesUnder(path: string): Promise<string[]> {
  const found: string[] = []
  for (const pid of await readdir('/proc')) {
    if (!/^\d+$/.test(pid) || Number(pid) === process.pid) continue
    const cmdline = await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '')
    if (cmdline.includes(path)) found.push(`${pid}: ${cmdline.replaceAll('\0', ' ').slice(0, 120)}`)
  }

  return found
}

describe('patchmesh demo', () => {
  let work: string
  let remove: () => Promise<void>
  let file: string
  let sha256: string
  let runs = 0

  /** Runs the demo; `whileRunning` may act on it (send a signal) before it exits. */
  const demo = async (
    args: string[],
    whileRunning?: (child: ReturnType<typeof spawn>, run: Run) => Promise<void>,
  ): Promise<Run> => {
    const tmp = join(work, `tmp-${++runs}`)
    await mkdir(tmp)
    const child = spawn(process.execPath, [bin, 'demo', ...args], {
      env: { ...process.env, TMPDIR: tmp },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    const run: Run = { code: null, stdout: '', stderr: '', tmp }
    child.stdout.on('data', (data: Buffer) => (run.stdout += data.toString()))
    child.stderr.on('data', (data: Buffer) => (run.stderr += data.toString()))
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve))
    const timer = setTimeout(() => child.kill('SIGKILL'), 240_000)
    await whileRunning?.(child, run)
    run.code = await exited
    clearTimeout(timer)

    return run
  }
  const assertAllGone = async (run: Run) => {
    assert.deepEqual(await processesUnder(run.tmp), [], 'processes left running')
    assert.deepEqual(await readdir(run.tmp), [], 'the working directory was left behind')
  }
  const twoSites = ['--sites', '2', '--nodes-per-site', '3', '--chunk-size', '256KiB']

  before(async () => {
    ;({ dir: work, remove } = await scratch('demo'))
    const data = randomBytes(SIZE)
    sha256 = createHash('sha256').update(data).digest('hex')
    file = join(work, 'tool_2.1-1_amd64.deb')
    await writeFile(file, data)
  })

  after(() => remove())

  it('rolls a file out ring by ring to two sites, each pulling it over its WAN about once', async (t) => {
    const run = await demo(['--json', '--file', file, ...twoSites, '--wan-mbit', '200'])
    assert.equal(run.code, 0, run.stderr)
    const s = JSON.parse(run.stdout) as DemoSummary

    assert.equal(s.ok, true)
    assert.deepEqual(s.patch, {
      name: 'tool',
      version: '2.1-1',
      id: s.patch.id,
      size: SIZE,
      sha256,
    })
    assert.equal(s.nodes.length, 6)
    for (const node of s.nodes) {
      assert.equal(node.state, 'installed', `${node.name} is ${node.state}`)
      assert.equal(node.sha256, sha256, `${node.name} installed other bytes`)
      assert.match(node.peerId, /^12D3Koo/)
      const { ownSite, otherSites, origin } = node.bytes
      assert.ok(ownSite + otherSites + origin >= SIZE, `${node.name} counted too few bytes`)
    }
    for (const site of ['site-1', 'site-2']) {
      const rings = s.nodes.filter((n) => n.site === site).map((n) => n.ring)
      assert.deepEqual(rings, ['canary', 'pilot', 'broad'], `rings at ${site}`)
    }

    assert.deepEqual(
      s.sites.map((site) => [site.name, site.nodes]),
      [
        ['site-1', 3],
        ['site-2', 3],
      ],
    )
    for (const site of s.sites) {
      t.diagnostic(`${site.name}: ${(site.wanBytesIn / SIZE).toFixed(3)} x the file over the WAN`)
      assert.ok(site.wanBytesIn >= SIZE, `${site.name} cannot have pulled less than the file`)
      assert.ok(site.wanBytesIn <= 1.2 * SIZE, `${site.name} pulled ${site.wanBytesIn} bytes`)
    }
    assert.equal(s.naiveWanBytes, 6 * SIZE)
    assert.ok(s.originBytesOut > 0 && s.originBytesOut <= 2 * 1.2 * SIZE)
    assert.ok(s.seconds > 0)

    const [canary, pilot, broad] = s.rings
    assert.deepEqual(
      s.rings.map((r) => [r.name, r.nodes, r.installed]),
      [
        ['canary', 2, 2],
        ['pilot', 2, 2],
        ['broad', 2, 2],
      ],
    )
    assert.ok(canary.doneAtSeconds! <= pilot.approvedAtSeconds!, 'pilot approved before canaries')
    assert.ok(canary.doneAtSeconds! <= broad.approvedAtSeconds!, 'broad approved before canaries')
    assert.match(run.stderr, /dashboard and API: http:\/\/127\.0\.0\.1:\d+/)
    await assertAllGone(run)
  })

  it('exits 1 when the canaries fail to install, halts the rollout and stops everything', async () => {
    const run = await demo(['--json', ...twoSites, '--size', '1MiB', '--install-command', 'false'])
    assert.equal(run.code, 1, run.stderr)
    const s = JSON.parse(run.stdout) as DemoSummary

    assert.equal(s.ok, false)
    assert.match(s.problem ?? '', /canary .* failed/)
    for (const node of s.nodes) {
      const expected = node.ring === 'canary' ? 'failed' : 'waiting-approval'
      assert.equal(node.state, expected, `${node.name} (${node.ring})`)
    }
    assert.deepEqual(
      s.rings.map((r) => r.approvedAtSeconds === null),
      [false, true, true],
      'only the canary ring was approved',
    )
    await assertAllGone(run)
  })

  for (const [signal, code] of [
    ['SIGINT', 130],
    ['SIGTERM', 143],
  ] as const) {
    it(`stops every process it started on ${signal} and exits ${code}`, async () => {
      const run = await demo(
        [...twoSites, '--size', '16MiB', '--wan-mbit', '2'],
        async (child, running) => {
          // Once the canaries fetch, every process is up.
          for (let i = 0; i < 1200 && !running.stderr.includes('approving ring canary'); i++) {
            await new Promise((resolve) => setTimeout(resolve, 100))
          }
          assert.ok((await processesUnder(running.tmp)).length >= 8, 'the fleet is not up')
          child.kill(signal)
        },
      )

      assert.equal(run.code, code, run.stderr)
      assert.match(run.stderr, /interrupted/)
      await assertAllGone(run)
    })
  }

  it('refuses a fleet too large for one machine before starting anything', async () => {
    const run = await demo(['--sites', '11', '--nodes-per-site', '6'])

    assert.equal(run.code, 1)
    assert.match(run.stderr, /66 node processes; the demo runs at most 60/)
    await assertAllGone(run)
  })
})
