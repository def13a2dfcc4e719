import assert from 'node:assert/strict'
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import {
  checkPrerequisites,
  findOnPath,
  missingPrerequisites,
  parseNamespaceList,
} from '../../../simulations/netns/host.ts'

describe('what the namespace fleet needs of the machine', () => {
  let dir: string

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'netlab-host-'))
    for (const tool of ['ip', 'tc']) {
      await writeFile(join(dir, tool), '#!/bin/sh\n')
      await chmod(join(dir, tool), 0o755)
    }
    await writeFile(join(dir, 'not-executable'), '')
  })

  after(() => rm(dir, { recursive: true, force: true }))

  it('finds executables on a PATH, not plain files', () => {
    assert.equal(findOnPath('ip', `/nonexistent:${dir}`), join(dir, 'ip'))
    assert.equal(findOnPath('not-executable', dir), undefined)
    assert.equal(findOnPath('ip', undefined), undefined)
  })

  it('needs nothing more as root with ip and tc', () => {
    assert.deepEqual(missingPrerequisites(0, dir), [])
  })

  it('names root, ip and tc when they are missing', () => {
    const missing = missingPrerequisites(1000, '/nonexistent')

    assert.equal(missing.length, 3)
    assert.match(missing[0], /^root \(this is user id 1000/)
    assert.match(missing[1], /^`ip` on PATH/)
    assert.match(missing[2], /^`tc` on PATH/)
  })

  it('refuses with an error that says what is missing and why it is needed', () => {
    assert.throws(() => checkPrerequisites(1000, dir), {
      name: 'NetlabPrerequisiteError',
      message: /needs root \(this is user id 1000; run it with sudo\); .* only root with iproute2/,
    })
  })
})

describe('the namespace list', () => {
  it('reads names from `ip netns list`, with or without ids', () => {
    assert.deepEqual(parseNamespaceList('pm9-s1 (id: 3)\npm9-hq\n\nother (id: 0)\n'), [
      'pm9-s1',
      'pm9-hq',
      'other',
    ])
  })
})
