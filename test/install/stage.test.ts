import assert from 'node:assert/strict'
import { createHash } from 'node:crypto'
import { readdir, readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'

import { runInstall, stagePatch } from '../../src/install/index.ts'
import type { InstallTarget } from '../../src/install/index.ts'
import { PATCH_ID, scratch } from './fixtures.ts'

const BYTES = Buffer.alloc(3 * 1024 * 1024 + 17, 7)
const SHA256 = createHash('sha256').update(BYTES).digest()

let dir: string
let remove: () => Promise<void>
let target: InstallTarget
let n = 0

before(async () => {
  ;({ dir, remove } = await scratch())
  target = { patchId: PATCH_ID, name: 'agent', version: '1.2.3', path: join(dir, 'patch.bin') }
  await writeFile(target.path, BYTES)
})
after(() => remove())

/** A staging directory of its own for each test (not created yet). */
const stagingDir = () => join(dir, `staging-${++n}`, 'inbox')

describe('install runner: staging', () => {
  it('copies the file in as <name>-<version>, creating the directory', async () => {
    const directory = stagingDir()
    const outcome = await runInstall({ kind: 'stage', directory }, { ...target, sha256: SHA256 })

    assert.equal(outcome.ok, true, outcome.reason)
    assert.equal(outcome.stagedPath, join(directory, 'agent-1.2.3'))
    assert.deepEqual(await readdir(directory), ['agent-1.2.3'])
    assert.ok((await readFile(join(directory, 'agent-1.2.3'))).equals(BYTES))
  })

  it('replaces a file staged before under the same name', async () => {
    const directory = stagingDir()
    await stagePatch({ kind: 'stage', directory }, target)
    await writeFile(join(directory, 'agent-1.2.3'), 'stale')
    const outcome = await stagePatch({ kind: 'stage', directory }, target)

    assert.equal(outcome.ok, true)
    assert.ok((await readFile(join(directory, 'agent-1.2.3'))).equals(BYTES))
  })

  it('refuses a copy whose hash differs and leaves nothing behind', async () => {
    const directory = stagingDir()
    const outcome = await stagePatch(
      { kind: 'stage', directory },
      { ...target, sha256: Buffer.alloc(32) },
    )

    assert.equal(outcome.ok, false)
    assert.match(outcome.reason, /does not match/)
    assert.deepEqual(await readdir(directory), [])
  })

  it('reports a missing source file and leaves nothing behind', async () => {
    const directory = stagingDir()
    const outcome = await stagePatch(
      { kind: 'stage', directory },
      { ...target, path: join(dir, 'missing.bin') },
    )

    assert.equal(outcome.ok, false)
    assert.match(outcome.reason, /staging into .* failed: ENOENT/)
    assert.deepEqual(await readdir(directory), [])
  })

  const unsafe: Array<[string, Partial<InstallTarget>]> = [
    ['a path separator', { name: '../../etc/agent' }],
    ['a leading dot', { name: '.hidden' }],
    ['a control character', { version: '1\n2' }],
  ]
  for (const [what, fields] of unsafe) {
    it(`refuses a name with ${what}`, async () => {
      const outcome = await stagePatch(
        { kind: 'stage', directory: stagingDir() },
        {
          ...target,
          ...fields,
        },
      )

      assert.equal(outcome.ok, false)
      assert.match(outcome.reason, /cannot stage as/)
    })
  }
})
