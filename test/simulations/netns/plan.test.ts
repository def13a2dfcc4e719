import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import {
  MAX_IFNAME,
  MAX_NODES,
  checkScenarioFits,
  namespacesOf,
  planFleet,
  runPrefix,
  siteRings,
  staleRuns,
} from '../../../simulations/netns/plan.ts'
import type { Scenario, SiteGroup } from '../../../simulations/types.ts'

const group = (name: string, fields: Partial<SiteGroup> = {}): SiteGroup => ({
  name,
  count: 2,
  nodesPerSite: 3,
  wanDownMbit: 40,
  wanUpMbit: 20,
  lanMbit: 1000,
  nodeMbit: 1000,
  ...fields,
})

const scenario = (fields: Partial<Scenario> = {}): Scenario => ({
  name: 'test',
  seed: 1,
  patch: { size: 4 * 1024 * 1024, chunkSize: 512 * 1024 },
  origin: { upMbit: 100 },
  siteGroups: [group('branch'), group('depot', { count: 1, nodesPerSite: 2, wanDownMbit: 10 })],
  events: [],
  strategies: ['patchmesh'],
  maxSeconds: 3600,
  ...fields,
})

describe('the namespace fleet plan', () => {
  it('names sites <group>-<n> in scenario order and nodes <site>-node-<k>', () => {
    const plan = planFleet(scenario(), 'pm42')

    assert.deepEqual(
      plan.sites.map((s) => s.name),
      ['branch-1', 'branch-2', 'depot-1'],
    )
    assert.deepEqual(
      plan.sites[2].nodes.map((n) => n.name),
      ['depot-1-node-1', 'depot-1-node-2'],
    )
  })

  it('gives link i the router at 10.77.i.1 and its far end at 10.77.i.2, the head office link 0', () => {
    const plan = planFleet(scenario(), 'pm42')

    assert.equal(plan.headOffice.routerAddress, '10.77.0.1')
    assert.equal(plan.headOffice.address, '10.77.0.2')
    assert.deepEqual(
      plan.sites.map((s) => [s.link.routerAddress, s.link.address]),
      [
        ['10.77.1.1', '10.77.1.2'],
        ['10.77.2.1', '10.77.2.2'],
        ['10.77.3.1', '10.77.3.2'],
      ],
    )
  })

  it('prefixes every namespace and interface with the run prefix, within 15 characters', () => {
    const many = scenario({ siteGroups: [group('b', { count: 40, nodesPerSite: 1 })] })
    const prefix = runPrefix(4_194_304)
    const plan = planFleet(many, prefix)
    const interfaces = [plan.headOffice, ...plan.sites.map((s) => s.link)].flatMap((l) => [
      l.routerIf,
      l.endIf,
    ])

    assert.equal(prefix, 'pm4194304')
    for (const name of [...namespacesOf(plan), ...interfaces]) {
      assert.ok(name.startsWith(prefix), name)
    }
    for (const name of interfaces) assert.ok(name.length <= MAX_IFNAME, name)
    assert.equal(new Set(interfaces).size, interfaces.length, 'no two interfaces share a name')
  })

  it('shapes each site link at its group rates and the head office upward at the origin rate', () => {
    const plan = planFleet(scenario(), 'pm42')

    assert.deepEqual(
      plan.sites.map((s) => [s.link.downMbit, s.link.upMbit]),
      [
        [40, 20],
        [40, 20],
        [10, 20],
      ],
    )
    assert.equal(plan.headOffice.upMbit, 100)
    assert.equal(plan.headOffice.downMbit, undefined)
  })

  it('splits a site into rings by share, largest remainder first; all broad by default', () => {
    assert.deepEqual(siteRings(3), ['broad', 'broad', 'broad'])
    assert.deepEqual(siteRings(4, { canary: 0.25, broad: 0.75 }), [
      'canary',
      'broad',
      'broad',
      'broad',
    ])
    assert.deepEqual(siteRings(3, { canary: 0.1, pilot: 0.2, broad: 0.7 }), [
      'pilot',
      'broad',
      'broad',
    ])
  })
})

describe('scenarios the namespace fleet refuses', () => {
  const refused = (s: Scenario, pattern: RegExp) =>
    assert.throws(() => checkScenarioFits(s), { name: 'NetlabScenarioError', message: pattern })

  it('refuses more nodes than one machine runs, naming the limit', () => {
    refused(
      scenario({ siteGroups: [group('b', { count: 9, nodesPerSite: 5 })] }),
      new RegExp(`45 nodes are too many for one machine \\(at most ${MAX_NODES}`),
    )
  })

  it('refuses a patch too large for every node to hold', () => {
    refused(scenario({ patch: { size: 2 * 1024 ** 3, chunkSize: 1024 ** 2 } }), /is over/)
    refused(
      scenario({
        siteGroups: [group('b', { count: 5, nodesPerSite: 5 })],
        patch: { size: 512 * 1024 ** 2, chunkSize: 1024 ** 2 },
      }),
      /bytes of disk/,
    )
  })

  it('refuses scenario events it cannot reproduce, naming them', () => {
    refused(
      scenario({ events: [{ kind: 'churn', share: 0.1, at: 5, downFor: 10 }] }),
      /does not reproduce scenario events \(churn\)/,
    )
  })

  it('accepts the small fleet', () => {
    assert.doesNotThrow(() => checkScenarioFits(scenario()))
  })
})

describe('leftovers of earlier runs', () => {
  it('finds the prefixes of runs whose process is gone, never its own or a living one', () => {
    const names = [
      'pm10-hq',
      'pm10-s1',
      'pm11-rt',
      'pm12-s3',
      'pm12r1',
      'other',
      'pmx-hq',
      'pm13s2',
    ]
    const alive = (pid: number) => pid === 11

    assert.deepEqual(staleRuns(names, alive, 12), ['pm10', 'pm13'])
  })
})
