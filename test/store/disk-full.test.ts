/**
 * A full disk, for real: a 2 MiB tmpfs is mounted over the data directory (which needs root),
 * filled up, and freed again.
 */
import assert from 'node:assert/strict'
import { execFile } from 'node:child_process'
import { mkdir, open, rm } from 'node:fs/promises'
import { join } from 'node:path'
import { after, afterEach, before, beforeEach, describe, it } from 'node:test'
import { promisify } from 'node:util'

import { openNodeStore } from '../../src/store/index.ts'
import type { NodeStore, PatchFile } from '../../src/store/index.ts'
import { makePatch, scratch, silent } from './helpers.ts'

const run = promisify(execFile)
const root = process.getuid?.() === 0
const skip = root ? false : 'needs root to mount a small tmpfs and fill it'

describe('PatchFile on a full disk', { skip }, () => {
  let mountPoint: string
  let removeScratch: () => Promise<void>
  let dataDir: string
  let store: NodeStore
  let file: PatchFile
  const patch = makePatch(8)
  const filler = () => join(mountPoint, 'filler')

  /** Writes a file until the file system has no page left. */
  async function fill(): Promise<void> {
    const handle = await open(filler(), 'w')
    try {
      for (const block of [64 * 1024, 4096, 1]) {
        const bytes = Buffer.alloc(block, 1)
        for (;;) {
          try {
            await handle.write(bytes)
          } catch (err) {
            if ((err as NodeJS.ErrnoException).code === 'ENOSPC') break
            throw err
          }
        }
      }
    } finally {
      await handle.close()
    }
  }

  before(async () => {
    ;({ dir: mountPoint, remove: removeScratch } = await scratch())
    await run('mount', ['-t', 'tmpfs', '-o', 'size=2m,mode=0700', 'tmpfs', mountPoint])
  })
  after(async () => {
    await run('umount', [mountPoint])
    await removeScratch()
  })

  beforeEach(async () => {
    dataDir = join(mountPoint, 'node')
    await mkdir(dataDir)
    store = await openNodeStore(dataDir, { log: silent })
    file = await store.openPatch(patch.patchId, patch.manifest)
  })
  afterEach(async () => {
    await store.close()
    await rm(filler(), { force: true })
    await rm(dataDir, { recursive: true, force: true })
  })

  it('raises a DiskFullError naming the patch, the chunk and the data file', async () => {
    await fill()
    // Opened on the full disk, so its blocks could not be reserved and the data write fails.
    const other = makePatch(8, undefined, 2)
    const sparse = await store.openPatch(other.patchId, other.manifest)

    await assert.rejects(sparse.writeChunk(3, other.chunk(3)), (err: any) => {
      assert.equal(err.name, 'DiskFullError')
      assert.equal(err.patchId, other.patchId)
      assert.equal(err.index, 3)
      assert.equal(err.path, sparse.path)
      assert.match(err.message, /no space left .* chunk 3 of patch [0-9a-f]{32}; free space/)

      return true
    })
    await sparse.close()
  })

  it('writes a chunk into the blocks reserved before the disk filled up', async () => {
    await fill()

    // The data is written; only the marks in LevelDB may find no room.
    await file.writeChunk(3, patch.chunk(3)).catch((err: any) => {
      assert.equal(err.name, 'DiskFullError')
      assert.notEqual(err.path, file.path)
    })
    const handle = await open(file.path, 'r')
    const back = Buffer.alloc(patch.chunk(3).byteLength)
    await handle.read(back, 0, back.byteLength, 3 * patch.manifest.chunkSize)
    await handle.close()
    assert.deepEqual(back, patch.chunk(3))
  })

  it('marks nothing for a chunk whose write failed, also after a restart', async () => {
    await fill()
    await assert.rejects(file.writeChunk(3, patch.chunk(3)), { name: 'DiskFullError' })
    await rm(filler())
    await store.close()
    store = await openNodeStore(dataDir, { log: silent })
    file = await store.openPatch(patch.patchId, patch.manifest)

    assert.equal(file.held.get(3), false)
    await assert.rejects(file.readChunk(3), { name: 'ChunkNotHeldError' })
  })

  it('accepts the write on the same handle once space is freed', async () => {
    await fill()
    await assert.rejects(file.writeChunk(3, patch.chunk(3)), { name: 'DiskFullError' })
    await rm(filler())

    await file.writeChunk(3, patch.chunk(3))
    assert.equal(file.held.get(3), true)
    assert.deepEqual(await file.readChunk(3), patch.chunk(3))
  })
})
