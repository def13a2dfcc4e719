import assert from 'node:assert/strict'
import { execFile, spawnSync } from 'node:child_process'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { describe, it } from 'node:test'
import { promisify } from 'node:util'

const BIN = resolve(import.meta.dirname, '../../bin/patchmesh.js')
const SCENARIO = resolve(import.meta.dirname, '../../simulations/scenarios/demo.yaml')

describe('patchmesh simulate', () => {
  it('prints one JSON document with the figures of every strategy', async () => {
    const { stdout } = await promisify(execFile)(process.execPath, [
      BIN,
      'simulate',
      SCENARIO,
      '--json',
    ])
    const report = JSON.parse(stdout) as Record<string, unknown> & {
      strategies: Record<string, Record<string, Record<string, number> | number>>
    }

    for (const key of ['nodes', 'sites', 'patchSize', 'wallSeconds', 'events']) {
      assert.equal(typeof report[key], 'number', key)
    }
    assert.deepEqual(Object.keys(report.strategies), ['patchmesh', 'naive', 'swarm', 'site-cache'])
    for (const s of Object.values(report.strategies)) {
      for (const p of ['p50', 'p90', 'p99', 'max']) {
        assert.equal(typeof (s.completionSeconds as Record<string, number>)[p], 'number')
      }
      assert.equal(typeof (s.wanBytesPerSite as Record<string, number>).mean, 'number')
      assert.equal(typeof (s.wanBytesPerSite as Record<string, number>).max, 'number')
      for (const k of ['originBytes', 'duplicateBytes', 'lowerBoundSeconds']) {
        assert.equal(typeof s[k], 'number', k)
      }
    }
  })

  it('refuses a --report it cannot write before running, naming the directory', async () => {
    const work = await mkdtemp(join(tmpdir(), 'patchmesh-simulate-'))
    try {
      const file = join(work, 'a-file')
      await writeFile(file, '')
      const r = spawnSync(process.execPath, [BIN, 'simulate', SCENARIO, '--report', file], {
        encoding: 'utf8',
      })

      assert.equal(r.status, 1)
      assert.match(r.stderr, /cannot write the report into .*a-file: .* is not a directory/)
      assert.equal(r.stdout, '', 'nothing was simulated')
    } finally {
      await rm(work, { recursive: true, force: true })
    }
  })

  it('writes the figures and the report, creating missing directories', async () => {
    const work = await mkdtemp(join(tmpdir(), 'patchmesh-simulate-'))
    try {
      const dir = join(work, 'a', 'b')
      const r = spawnSync(
        process.execPath,
        [BIN, 'simulate', SCENARIO, '--json', '--report', dir],
        {
          encoding: 'utf8',
        },
      )

      assert.equal(r.status, 0, r.stderr)
      assert.equal(typeof (JSON.parse(r.stdout) as { nodes: number }).nodes, 'number')
      assert.match(r.stderr, /report written to .*index\.html/)
    } finally {
      await rm(work, { recursive: true, force: true })
    }
  })
})
