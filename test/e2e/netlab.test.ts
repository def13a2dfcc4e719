/**
 * The namespace fleet, for real: `patchmesh netlab` builds namespaces and shaped veth links,
 * runs the small scenario's fleet of processes in them, and the kernel's counters show each
 * site pulled the patch across its WAN link about once. Then: nothing of a run is left behind,
 * whether it finished, was interrupted with Ctrl-C, or was killed, in a later run.
 *
 * Needs root, `ip` and `tc` (it builds network namespaces); skipped otherwise.
 */
import assert from 'node:assert/strict'
import { execFileSync, spawn } from 'node:child_process'
import type { ChildProcess } from 'node:child_process'
import { access, mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createInterface } from 'node:readline'
import { after, before, describe, it } from 'node:test'
import { missingPrerequisites } from '../../simulations/netns/host.ts'

const ROOT = join(import.meta.dirname, '../..')
const BIN = join(ROOT, 'bin/patchmesh.js')
const SCENARIO = join(ROOT, 'simulations/scenarios/netlab-small.yaml')
const missing = missingPrerequisites(process.getuid?.() ?? -1, process.env.PATH)
const skip = missing.length > 0 ? `the namespace fleet needs ${missing.join(' and ')}` : undefined

interface Run {
  child: ChildProcess
  stdout: Promise<string>
  stderr: string[]
  exit: Promise<number | null>
}

function netlab(args: string[]): Run {
  const child = spawn(process.execPath, [BIN, 'netlab', ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  const stderr: string[] = []
  createInterface({ input: child.stderr }).on('line', (line) => stderr.push(line))
  const stdout = new Promise<string>((resolve) => {
    let text = ''
    child.stdout.on('data', (data: Buffer) => (text += data.toString()))
    child.stdout.on('end', () => resolve(text))
  })
  const exit = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)))

  return { child, stdout, stderr, exit }
}

const namespaces = () =>
  execFileSync('ip', ['netns', 'list'], { encoding: 'utf8' })
    .split('\n')
    .map((line) => line.split(' ')[0])
    .filter((name) => name !== '')

const ofRun = (pid: number | undefined) => namespaces().filter((ns) => ns.startsWith(`pm${pid}-`))

/** Processes of a run: every daemon has its working directory in its arguments. */
const daemonsOf = (work: RegExp) =>
  execFileSync('ps', ['-eo', 'pid=,args='], { encoding: 'utf8' })
    .split('\n')
    .filter((line) => work.test(line) && line.includes('patchmesh.js'))

async function until(check: () => boolean, what: string, timeoutMs = 120_000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 200))
  }
}

describe('the namespace fleet', { skip, timeout: 600_000 }, () => {
  let reportDir: string

  before(async () => {
    reportDir = await mkdtemp(join(tmpdir(), 'netlab-report-'))
  })

  after(() => rm(reportDir, { recursive: true, force: true }))

  it('installs the patch on every node, each site pulling it across its WAN link about once', async () => {
    // A leftover of a killed run: a namespace named after a process that is gone.
    const dead = spawn('true')
    await new Promise((resolve) => dead.once('exit', resolve))
    execFileSync('ip', ['netns', 'add', `pm${dead.pid}-hq`])

    const run = netlab([SCENARIO, '--json', '--report', reportDir])
    const code = await run.exit
    const result = JSON.parse(await run.stdout)

    assert.equal(code, 0, run.stderr.join('\n'))
    assert.equal(result.allInstalled, true)
    assert.equal(result.sites.length, 3)
    for (const site of result.sites) {
      assert.equal(site.installed, 3, `${site.name}: every node installed`)
      assert.ok(
        site.kernelWanBytesIn <= 1.3 * result.patchSize,
        `${site.name}: the kernel counted ${site.kernelWanBytesIn} bytes in, over 1.3 times ` +
          `the ${result.patchSize}-byte patch`,
      )
      // The kernel sees all the node's traffic: at least the chunks the nodes counted.
      assert.ok(site.kernelWanBytesIn >= site.productWanBytesIn, site.name)
      assert.ok(site.productWanBytesIn >= result.patchSize, `${site.name}: got every chunk`)
      assert.ok(site.predictedWanBytesIn > 0, `${site.name}: the simulator predicted it`)
    }
    assert.ok(result.seconds > 0 && result.predictedSeconds > 0)
    await access(result.report)

    assert.deepEqual(ofRun(run.child.pid), [], 'every namespace of the run is gone')
    assert.deepEqual(daemonsOf(/patchmesh-netlab-/), [], 'every process of the run is gone')
    assert.ok(!namespaces().includes(`pm${dead.pid}-hq`), 'the dead run’s leftover is gone')
  })

  for (const [signal, phase] of [
    ['SIGTERM', 'building'],
    ['SIGINT', 'approving'],
  ] as const) {
    it(`removes everything when stopped with ${signal} while ${phase}`, async () => {
      const run = netlab([SCENARIO])
      await until(
        () => run.stderr.some((line) => line.includes(`netlab: ${phase}`)),
        `the run to start ${phase}`,
      )
      // Once approving, every daemon of the fleet runs; while building, namespaces exist.
      if (phase === 'approving') assert.ok(daemonsOf(/patchmesh-netlab-/).length >= 11)
      else await until(() => ofRun(run.child.pid).length > 0, 'a namespace of the run')
      run.child.kill(signal)
      const code = await run.exit

      assert.equal(code, 1)
      assert.match(run.stderr.join('\n'), new RegExp(`interrupted by ${signal}`))
      assert.deepEqual(ofRun(run.child.pid), [])
      assert.deepEqual(daemonsOf(/patchmesh-netlab-/), [])
    })
  }
})
