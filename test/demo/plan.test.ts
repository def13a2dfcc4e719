import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { patchNaming, planFleet, ringOf } from '../../src/demo/plan.ts'

describe('the demo fleet plan', () => {
  it('makes the first node of each site its canary and a third of the others pilot', () => {
    const rings = (n: number) => Array.from({ length: n }, (_, i) => ringOf(i, n)).join(' ')

    assert.equal(rings(1), 'canary')
    assert.equal(rings(2), 'canary broad')
    assert.equal(rings(3), 'canary pilot broad')
    assert.equal(rings(5), 'canary pilot broad broad broad')
    assert.equal(rings(7), 'canary pilot pilot broad broad broad broad')
  })

  it("splits each site's WAN link evenly between its nodes, cycling the links given", () => {
    const plan = planFleet(3, 4, [100, 20])

    assert.deepEqual(
      plan.map((s) => [s.name, s.wanMbit, s.nodes.length]),
      [
        ['site-1', 100, 4],
        ['site-2', 20, 4],
        ['site-3', 100, 4],
      ],
    )
    assert.deepEqual(
      plan[1].nodes.map((n) => [n.name, n.site, n.wanMbit]),
      [1, 2, 3, 4].map((i) => [`site-2-node-${i}`, 'site-2', 5]),
    )
  })

  it("names the patch after a Debian package's name and version, else after the file", () => {
    const table: Array<[string | undefined, string, string]> = [
      [undefined, 'demo-patch', '1.0.0'],
      ['/x/firefox-esr_140.12.0esr-1~deb12u1_amd64.deb', 'firefox-esr', '140.12.0esr-1~deb12u1'],
      ['libllvm14_1%3a14.0.6-12_amd64.deb', 'libllvm14', '1:14.0.6-12'],
      ['/srv/update.tar.gz', 'update.tar', '1'],
      ['notes', 'notes', '1'],
    ]
    for (const [file, name, version] of table) {
      assert.deepEqual(patchNaming(file), { name, version }, String(file))
    }
  })
})
