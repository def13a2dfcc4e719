import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import {
  countersCommand,
  parseCounters,
  setupCommands,
  tbfBurstBytes,
  tbfCommand,
} from '../../../simulations/netns/commands.ts'
import { planFleet } from '../../../simulations/netns/plan.ts'
import { PATCHMESH_BIN, namespacedCommand } from '../../../simulations/netns/processes.ts'
import type { Scenario } from '../../../simulations/types.ts'
import { NODE_FLAGS } from '../../../src/util/runtime.ts'

const scenario: Scenario = {
  name: 'test',
  seed: 1,
  patch: { size: 1024 * 1024, chunkSize: 256 * 1024 },
  origin: { upMbit: 100 },
  siteGroups: [
    {
      name: 'branch',
      count: 2,
      nodesPerSite: 2,
      wanDownMbit: 40,
      wanUpMbit: 20,
      lanMbit: 1000,
      nodeMbit: 1000,
    },
  ],
  events: [],
  strategies: ['patchmesh'],
  maxSeconds: 3600,
}

describe('the commands that build the fleet network', () => {
  const commands = setupCommands(planFleet(scenario, 'pm7')).map((c) => c.join(' '))

  it('makes the router, head office and site namespaces, loopback up in each', () => {
    for (const ns of ['pm7-rt', 'pm7-hq', 'pm7-s1', 'pm7-s2']) {
      assert.ok(commands.includes(`ip netns add ${ns}`), ns)
      assert.ok(commands.includes(`ip -n ${ns} link set lo up`), ns)
    }
    assert.ok(commands.includes('ip netns exec pm7-rt sysctl -qw net.ipv4.ip_forward=1'))
  })

  it('makes each veth pair straight inside its two namespaces', () => {
    assert.ok(
      commands.includes('ip link add pm7r1 netns pm7-rt type veth peer name pm7s1 netns pm7-s1'),
    )
    assert.ok(
      commands.includes('ip link add pm7r0 netns pm7-rt type veth peer name pm7h0 netns pm7-hq'),
    )
    assert.ok(commands.includes('ip -n pm7-s2 route add default via 10.77.2.1'))
  })

  it('shapes both directions of each site link and the head office upward only', () => {
    const shaping = commands.filter((c) => c.startsWith('tc '))

    assert.deepEqual(
      shaping.map((c) => c.split(' ').slice(0, 11).join(' ')),
      [
        'tc -n pm7-hq qdisc replace dev pm7h0 root tbf rate 100mbit',
        'tc -n pm7-rt qdisc replace dev pm7r1 root tbf rate 40mbit',
        'tc -n pm7-s1 qdisc replace dev pm7s1 root tbf rate 20mbit',
        'tc -n pm7-rt qdisc replace dev pm7r2 root tbf rate 40mbit',
        'tc -n pm7-s2 qdisc replace dev pm7s2 root tbf rate 20mbit',
      ],
    )
  })

  it('makes namespaces before the links that join them', () => {
    const lastNamespace = Math.max(
      ...commands.map((c, i) => (c.startsWith('ip netns add') ? i : -1)),
    )
    const firstLink = commands.findIndex((c) => c.startsWith('ip link add'))

    assert.ok(lastNamespace < firstLink)
  })
})

describe('token bucket shaping', () => {
  it('keeps a bucket of at least 64 KiB, and 20 ms of traffic at high rates', () => {
    assert.equal(tbfBurstBytes(10), 64 * 1024)
    assert.equal(tbfBurstBytes(1000), 2_500_000)
    assert.deepEqual(tbfCommand('ns', 'eth', 10).slice(-6), [
      'rate',
      '10mbit',
      'burst',
      '65536',
      'latency',
      '100ms',
    ])
  })
})

describe('kernel counters', () => {
  it('reads rx and tx bytes from `ip -s -j link` output', () => {
    const output = JSON.stringify([
      { ifname: 'pm7s1', stats64: { rx: { bytes: 5178340, packets: 9 }, tx: { bytes: 994230 } } },
    ])

    assert.deepEqual(countersCommand('pm7-s1', 'pm7s1'), [
      ...['ip', '-n', 'pm7-s1', '-s', '-j', 'link', 'show', 'dev', 'pm7s1'],
    ])
    assert.deepEqual(parseCounters(output), { rxBytes: 5178340, txBytes: 994230 })
  })

  it('refuses output without counters', () => {
    assert.throws(() => parseCounters('[{"ifname":"x"}]'), TypeError)
  })
})

describe('processes in a namespace', () => {
  it('run patchmesh with this Node.js by absolute path, whatever PATH the namespace sees', () => {
    const command = namespacedCommand('pm7-s1', ['node', 'start'])

    assert.deepEqual(command.slice(0, 4), ['ip', 'netns', 'exec', 'pm7-s1'])
    assert.equal(command[4], process.execPath)
    assert.ok(command[4].startsWith('/'))
    assert.deepEqual(command.slice(5, -3), NODE_FLAGS)
    assert.equal(command.at(-3), PATCHMESH_BIN)
    assert.deepEqual(command.slice(-2), ['node', 'start'])
  })
})
