import assert from 'node:assert/strict'
import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { makeDirectory } from '../../src/util/files.ts'

describe('makeDirectory', () => {
  let work: string

  before(async () => {
    work = await mkdtemp(join(tmpdir(), 'patchmesh-files-'))
  })
  after(() => rm(work, { recursive: true, force: true }))

  it('creates missing parents with the mode asked for', async () => {
    const dir = join(work, 'a', 'b', 'c')
    await makeDirectory(dir, 0o700)

    assert.ok((await stat(dir)).isDirectory())
    assert.equal((await stat(join(work, 'a'))).mode & 0o777, 0o700)
  })

  it('accepts a directory that is already there', async () => {
    await makeDirectory(work)
    await makeDirectory(join(work, 'a', 'b'))
  })

  it('refuses a path through a file with ENOTDIR naming the file', async () => {
    const file = join(work, 'plain')
    await writeFile(file, '')

    await assert.rejects(makeDirectory(join(file, 'sub')), { code: 'ENOTDIR', path: file })
  })

  it('fails at once under /proc, where a recursive mkdir never returns', async () => {
    await assert.rejects(makeDirectory('/proc/patchmesh-nope/data'), { code: 'ENOENT' })
  })
})
