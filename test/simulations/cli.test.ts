import assert from 'node:assert/strict'
import { execFile } from 'node:child_process'
import { resolve } from 'node:path'
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
})
