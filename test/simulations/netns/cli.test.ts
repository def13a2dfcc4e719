/**
 * `patchmesh netlab` refuses, before it builds anything, what it cannot do: a machine without
 * `ip` and `tc`, and a scenario too big for one machine.
 */
import assert from 'node:assert/strict'
import { execFile } from 'node:child_process'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { promisify } from 'node:util'

const run = promisify(execFile)
const ROOT = join(import.meta.dirname, '../../..')
const BIN = join(ROOT, 'bin/patchmesh.js')
const SMALL = join(ROOT, 'simulations/scenarios/netlab-small.yaml')

async function netlab(args: string[], env: NodeJS.ProcessEnv = process.env) {
  try {
    const { stdout } = await run(process.execPath, [BIN, 'netlab', ...args, '--json'], { env })
    return { code: 0, answer: JSON.parse(stdout) }
  } catch (err) {
    const { code, stdout } = err as { code: number; stdout: string }
    return { code, answer: JSON.parse(stdout) }
  }
}

describe('patchmesh netlab refuses', () => {
  let dir: string

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'netlab-cli-'))
  })

  after(() => rm(dir, { recursive: true, force: true }))

  it('a machine without ip and tc on its PATH, saying what is missing', async () => {
    const { code, answer } = await netlab([SMALL], { ...process.env, PATH: dir })

    assert.equal(code, 1)
    assert.equal(answer.error.name, 'NetlabPrerequisiteError')
    assert.match(answer.error.message, /`ip` on PATH \(package iproute2\)/)
    assert.match(answer.error.message, /`tc` on PATH/)
  })

  it('a scenario with more nodes than one machine runs', async () => {
    const big = join(dir, 'big.yaml')
    await writeFile(
      big,
      [
        'name: too-big',
        'patch: { size: 4MiB }',
        'origin: { upMbit: 100 }',
        'siteGroups:',
        '  - { name: branch, count: 10, nodesPerSite: 5, wanDownMbit: 20, wanUpMbit: 10 }',
      ].join('\n'),
    )
    const { code, answer } = await netlab([big], { ...process.env, PATH: dir })

    assert.equal(code, 1)
    assert.equal(answer.error.name, 'NetlabScenarioError')
    assert.match(answer.error.message, /^scenario too-big: 50 nodes are too many for one machine/)
  })
})
