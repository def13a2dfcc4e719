import assert from 'node:assert/strict'
import { describe, it } from 'node:test'

import { parseScenario } from '../../simulations/scenario.ts'

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

  it('reports a YAML syntax error with the file', () => {
    const err = failure('seed: [1, 2')

    assert.equal(err.name, 'ScenarioSyntaxError')
    assert.match(err.message, /broken\.yaml/)
  })
})
