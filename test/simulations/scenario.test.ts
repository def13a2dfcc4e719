import assert from 'node:assert/strict'
import { describe, it } from 'node:test'

import { loadScenario, parseScenario } from '../../simulations/scenario.ts'

const VALID = `
seed: 7
patch: { size: 1GiB, chunkSize: 1MiB }
origin: { upMbit: 10000 }
siteGroups:
  - { name: branch, count: 500, nodesPerSite: 20, wanDownMbit: 100, wanUpMbit: 20, lanMbit: 1000, nodeMbit: 1000 }
strategies: [patchmesh, naive, swarm, site-cache]
`

function failure(text: string): Error & { key?: string; source?: string } {
  try {
    parseScenario(text, 'scenarios/broken.yaml')
  } catch (err) {
    return err as Error
  }
  assert.fail('the scenario was accepted')
}

describe('scenario files', () => {
  it("accepts the issue's example with sizes in units", () => {
    const s = parseScenario(VALID, 'scenarios/example.yaml')

    assert.equal(s.name, 'example')
    assert.equal(s.patch.size, 1024 ** 3)
    assert.equal(s.patch.chunkSize, 1024 ** 2)
    assert.equal(s.siteGroups[0].count, 500)
    assert.deepEqual(s.strategies, ['patchmesh', 'naive', 'swarm', 'site-cache'])
  })

  it('names the unknown key and the file', () => {
    const err = failure(VALID.replace('wanUpMbit: 20', 'wanUpMbits: 20'))

    assert.equal(err.name, 'UnknownScenarioKeyError')
    assert.equal(err.key, 'siteGroups[0].wanUpMbits')
    assert.match(err.message, /scenarios\/broken\.yaml/)
  })

  it('names the key with a bad unit', () => {
    const err = failure(VALID.replace('size: 1GiB', 'size: 1Gb'))

    assert.equal(err.name, 'ScenarioValueError')
    assert.equal(err.key, 'patch.size')
    assert.match(err.message, /^scenarios\/broken\.yaml: patch\.size /)
  })

  it('names the key with a negative count', () => {
    const err = failure(VALID.replace('count: 500', 'count: -3'))

    assert.equal(err.name, 'ScenarioValueError')
    assert.equal(err.key, 'siteGroups[0].count')
  })

  it('names the event key at fault', () => {
    const err = failure(`${VALID}events: [{ kind: wan-outage, sites: 1, from: 10, to: 5 }]`)

    assert.equal(err.key, 'events[0].to')
  })

  it('refuses a WAN outage of more sites than the scenario (or its group) has', () => {
    const err = failure(`${VALID}events: [{ kind: wan-outage, sites: 501, from: 5, to: 10 }]`)

    assert.equal(err.key, 'events[0].sites')
    assert.match(err.message, /501, more than the 500 sites/)
  })

  const refused = [
    {
      why: 'a chunk size below 16 KiB',
      edit: ['chunkSize: 1MiB', 'chunkSize: 1KiB'],
      key: 'patch.chunkSize',
    },
    {
      why: 'a chunk size above 16 MiB',
      edit: ['chunkSize: 1MiB', 'chunkSize: 32MiB'],
      key: 'patch.chunkSize',
    },
    {
      why: 'more chunks than a manifest holds',
      edit: ['size: 1GiB', 'size: 32TiB'],
      key: 'patch.size',
    },
    {
      why: 'more nodes than a run simulates',
      edit: ['count: 500', 'count: 1000000000'],
      key: 'siteGroups',
    },
  ]
  for (const { why, edit, key } of refused) {
    it(`refuses ${why}, naming ${key}`, () => {
      const err = failure(VALID.replace(edit[0], edit[1]))

      assert.equal(err.name, 'ScenarioValueError')
      assert.equal(err.key, key)
    })
  }

  it('refuses maxSeconds of 0, which would end every run before it starts', () => {
    assert.equal(failure(`${VALID}maxSeconds: 0`).key, 'maxSeconds')
  })

  it('names the path when the scenario is a directory', async () => {
    await assert.rejects(loadScenario('simulations'), {
      name: 'ScenarioFileError',
      message: 'cannot read scenario simulations: it is a directory',
    })
  })

  it('reports a YAML syntax error with the file', () => {
    const err = failure('seed: [1, 2')

    assert.equal(err.name, 'ScenarioSyntaxError')
    assert.match(err.message, /broken\.yaml/)
  })
})
