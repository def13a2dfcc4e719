import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'
import { access, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { initKeys } from '../../src/authority/keys-dir.ts'
import { publish } from '../../src/authority/publish.ts'
import type { PublishOptions } from '../../src/authority/publish.ts'

describe('publish refuses, before writing anything,', () => {
  let work: string
  let base: PublishOptions

  before(async () => {
    work = await mkdtemp(join(tmpdir(), 'patchmesh-publish-'))
    await initKeys(join(work, 'keys'))
    await writeFile(join(work, 'f'), randomBytes(100_000))
    await mkdir(join(work, 'a-directory'))
    base = { file: join(work, 'f'), keysDir: join(work, 'keys'), out: '', name: 'n', version: '1' }
  })
  after(() => rm(work, { recursive: true, force: true }))

  const cases: Array<{ name: string; opts: Partial<PublishOptions>; error: string }> = [
    { name: 'a sequence of 0', opts: { sequence: 0 }, error: 'PublishError' },
    { name: 'a fractional sequence', opts: { sequence: 1.5 }, error: 'PublishError' },
    { name: 'a validity of 0', opts: { validForMs: 0 }, error: 'WireDecodeError' },
    { name: 'an empty name', opts: { name: '' }, error: 'WireDecodeError' },
    { name: 'a name with a line break', opts: { name: 'evil\nOK fake' }, error: 'WireDecodeError' },
    {
      name: 'a name over 1024 characters',
      opts: { name: 'n'.repeat(1025) },
      error: 'WireDecodeError',
    },
    {
      name: '65 target selectors',
      opts: { targets: Array(65).fill('k=v') },
      error: 'WireDecodeError',
    },
    { name: 'a chunk size of 1 KiB', opts: { chunkSize: 1024 }, error: 'ChunkSizeError' },
    { name: 'a directory as the patch file', opts: { file: 'a-directory' }, error: 'PublishError' },
    { name: 'a missing patch file', opts: { file: 'nope' }, error: 'Error' },
  ]

  for (const [i, c] of cases.entries()) {
    it(c.name, async () => {
      const out = join(work, `out-${i}`)
      const file = c.opts.file === undefined ? base.file : join(work, c.opts.file)
      await assert.rejects(publish({ ...base, ...c.opts, file, out }), (err: Error) => {
        return c.error === 'Error' ? err instanceof Error : err.name === c.error
      })
      await assert.rejects(access(out), 'an output directory was left behind')
    })
  }

  it('a patch file that is a pipe', async () => {
    const out = join(work, 'out-pipe')
    await assert.rejects(publish({ ...base, file: '/dev/stdin', out }), (err: Error) =>
      ['PublishError'].includes(err.name),
    )
  })

  it('a root that has expired', async () => {
    const keysDir = join(work, 'old-keys')
    await initKeys(keysDir, { nowMs: Date.now() - 2 * 86_400_000, validForMs: 86_400_000 })

    await assert.rejects(publish({ ...base, keysDir, out: join(work, 'out-old') }), {
      name: 'PublishError',
      message: /expired/,
    })
  })
})
