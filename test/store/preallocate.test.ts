import assert from 'node:assert/strict'
import { execFile } from 'node:child_process'
import { open, readFile, rm, stat, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { promisify } from 'node:util'

import { preallocate } from '../../src/store/preallocate.ts'
import { openNodeStore } from '../../src/store/index.ts'
import { captureLog, makePatch, scratch, silent } from './helpers.ts'

const run = promisify(execFile)
const MIB = 1024 * 1024
/** Bytes the file system has allocated to a file (st_blocks counts 512-byte units). */
const allocated = async (path: string) => (await stat(path)).blocks * 512

describe('preallocate', () => {
  let dir: string
  let remove: () => Promise<void>

  before(async () => ({ dir, remove } = await scratch()))
  after(async () => await remove())

  it('reserves the blocks of a sparse file without changing its size or its bytes', async () => {
    const path = join(dir, 'sparse.data')
    const handle = await open(path, 'w+')
    await handle.truncate(4 * MIB)
    await handle.write(Buffer.from('kept'), 0, 4, MIB)
    await handle.close()
    assert.ok((await allocated(path)) < 4 * MIB)

    assert.deepEqual(await preallocate(path, 4 * MIB), { reserved: true })

    assert.ok((await allocated(path)) >= 4 * MIB)
    assert.equal((await stat(path)).size, 4 * MIB)
    const bytes = await readFile(path)
    assert.equal(bytes.subarray(MIB, MIB + 4).toString(), 'kept')
    assert.equal(bytes[0], 0)
  })

  it('says why when it cannot reserve', async () => {
    const path = join(dir, 'no-such-dir', 'x.data')

    const result = await preallocate(path, MIB)

    assert.equal(result.reserved, false)
    assert.match((result as { why: string }).why, /No such file or directory/)
    await assert.rejects(stat(path), { code: 'ENOENT' })
  })

  it('does nothing for an empty file', async () => {
    const path = join(dir, 'empty.data')
    await writeFile(path, '')

    assert.equal((await preallocate(path, 0)).reserved, false)
    assert.equal(await allocated(path), 0)
  })

  it('reserves the whole data file of a patch opened for download', async () => {
    const store = await openNodeStore(join(dir, 'node'), { log: silent })
    const patch = makePatch(64)
    const file = await store.openPatch(patch.patchId, patch.manifest)

    assert.ok((await allocated(file.path)) >= patch.manifest.size)
    await file.close()
    await store.close()
  })
})

const root = process.getuid?.() === 0
describe(
  'preallocate on a full file system',
  { skip: root ? false : 'needs root for a tmpfs' },
  () => {
    let dir: string
    let remove: () => Promise<void>

    before(async () => {
      ;({ dir, remove } = await scratch())
      await run('mount', ['-t', 'tmpfs', '-o', 'size=1m,mode=0700', 'tmpfs', dir])
    })
    after(async () => {
      await run('umount', [dir])
      await remove()
    })

    it('says there is no space, and the store opens the patch sparse with a warning', async () => {
      assert.match(
        await preallocate(join(dir, 'big.data'), 8 * MIB).then((r) => {
          assert.equal(r.reserved, false)
          return (r as { why: string }).why
        }),
        /No space left on device/,
      )
      await rm(join(dir, 'big.data'), { force: true })

      const { log, lines } = captureLog()
      const store = await openNodeStore(join(dir, 'node'), { log })
      const patch = makePatch(512)
      const file = await store.openPatch(patch.patchId, patch.manifest)

      assert.equal((await stat(file.path)).size, patch.manifest.size)
      const warning = lines.find((l) => /could not reserve/.test(l.msg))
      assert.equal(warning?.level, 40)
      assert.match(warning?.why, /No space left on device/)
      await file.close()
      await store.close()
    })
  },
)
