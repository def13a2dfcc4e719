import assert from 'node:assert/strict'
import { rm, stat, truncate } from 'node:fs/promises'
import { afterEach, beforeEach, describe, it } from 'node:test'

import { openNodeStore } from '../../src/store/index.ts'
import type { NodeStore, PatchFile } from '../../src/store/index.ts'
import { captureLog, CS, makePatch, range, scratch, silent, writeChunks } from './helpers.ts'
import type { TestPatch } from './helpers.ts'

describe('PatchFile', () => {
  let dataDir: string
  let remove: () => Promise<void>
  let store: NodeStore
  const patch = makePatch(5, 1000)

  beforeEach(async () => {
    ;({ dir: dataDir, remove } = await scratch())
    store = await openNodeStore(dataDir, { log: silent })
  })
  afterEach(async () => {
    await store.close()
    await remove()
  })

  /** Closes the store and opens it again, as a restarted node does. */
  async function restart(log = silent): Promise<void> {
    await store.close()
    store = await openNodeStore(dataDir, { log })
  }

  async function withPatch<T>(p: TestPatch, use: (file: PatchFile) => T | Promise<T>): Promise<T> {
    const file = await store.openPatch(p.patchId, p.manifest)
    try {
      return await use(file)
    } finally {
      await file.close()
    }
  }

  it('creates a data file of the manifest size with its blocks reserved', async () => {
    const big = makePatch(64)
    const path = await withPatch(big, (f) => f.path)
    const { size, blocks } = await stat(path)

    assert.equal(size, big.manifest.size)
    assert.ok(blocks * 512 >= big.manifest.size, `${blocks} blocks allocated`)
  })

  it('reads back a written chunk, the short last one included', async () => {
    await withPatch(patch, async (f) => {
      await writeChunks(f, patch, [1, 4])

      assert.deepEqual(await f.readChunk(1), patch.chunk(1))
      assert.deepEqual(await f.readChunk(4), patch.chunk(4))
    })
  })

  it('marks written chunks held and is complete once all are', async () => {
    await withPatch(patch, async (f) => {
      await writeChunks(f, patch, [0, 2, 3, 4])

      assert.deepEqual([...f.held.setIndexes()], [0, 2, 3, 4])
      assert.equal(f.isComplete(), false)

      await writeChunks(f, patch, [1])
      assert.equal(f.isComplete(), true)
    })
  })

  it('keeps held chunks across close and reopen', async () => {
    await withPatch(patch, (f) => writeChunks(f, patch, [0, 3]))
    await restart()

    await withPatch(patch, async (f) => {
      assert.deepEqual([...f.held.setIndexes()], [0, 3])
      assert.deepEqual(await f.readChunk(3), patch.chunk(3))
    })
  })

  it('refuses to serve a chunk it does not hold', async () => {
    await withPatch(patch, async (f) => {
      await writeChunks(f, patch, [0])

      await assert.rejects(f.readChunk(1), { name: 'ChunkNotHeldError', index: 1 })
    })
  })

  it('leaves a held chunk alone when it is written again', async () => {
    await withPatch(patch, async (f) => {
      await writeChunks(f, patch, [2])
      await f.writeChunk(2, Buffer.alloc(CS, 0xee))

      assert.deepEqual(await f.readChunk(2), patch.chunk(2))
    })
  })

  it('refuses chunk bytes of the wrong length and marks nothing', async () => {
    await withPatch(patch, async (f) => {
      await assert.rejects(f.writeChunk(4, Buffer.alloc(CS)), { name: 'ChunkLengthError' })

      assert.equal(f.held.get(4), false)
    })
  })

  it('drops held chunks when the data file was deleted behind its back', async () => {
    const path = await withPatch(patch, async (f) => {
      await writeChunks(f, patch, range(5))

      return f.path
    })
    const { log, lines } = captureLog()
    await restart(log)
    await rm(path)

    await withPatch(patch, async (f) => {
      assert.equal(f.held.count, 0)
      assert.equal((await stat(path)).size, patch.manifest.size)
    })
    assert.ok(lines.some((l) => l.level === 40 && l.patchId === patch.patchId))
  })

  it('drops held chunks when the data file was truncated behind its back', async () => {
    const path = await withPatch(patch, async (f) => {
      await writeChunks(f, patch, range(5))

      return f.path
    })
    await restart()
    await truncate(path, 2 * CS)

    await withPatch(patch, async (f) => {
      assert.equal(f.held.count, 0)
      await assert.rejects(f.readChunk(0), { name: 'ChunkNotHeldError' })
    })
  })

  it('loads the held chunks of a 1000-chunk patch after a restart', async () => {
    const large = makePatch(1000, 100)
    const written = range(1000).filter((i) => i % 7 === 0 || i === 999)
    await withPatch(large, (f) => writeChunks(f, large, written))
    await restart()

    await withPatch(large, async (f) => {
      assert.deepEqual([...f.held.setIndexes()], written)
      assert.deepEqual(await f.readChunk(999), large.chunk(999))
    })
  })

  it('shares held chunks between handles on one patch', async () => {
    const a = await store.openPatch(patch.patchId, patch.manifest)
    const b = await store.openPatch(patch.patchId, patch.manifest)
    await writeChunks(a, patch, [1])
    await a.close()

    assert.deepEqual(await b.readChunk(1), patch.chunk(1))
    await b.close()
  })

  it('refuses to open an open patch with a different manifest', async () => {
    const other = makePatch(3, CS, 9)

    await withPatch(patch, async () => {
      await assert.rejects(store.openPatch(patch.patchId, other.manifest), {
        name: 'ManifestConflictError',
      })
    })
  })

  it('refuses use of a closed handle', async () => {
    const f = await store.openPatch(patch.patchId, patch.manifest)
    await f.close()

    await assert.rejects(f.writeChunk(0, patch.chunk(0)), { name: 'StoreClosedError' })
  })

  it('removes the data file and held chunks of a removed patch', async () => {
    const path = await withPatch(patch, async (f) => {
      await writeChunks(f, patch, [0, 1])

      return f.path
    })
    await store.removePatch(patch.patchId)

    await assert.rejects(stat(path), { code: 'ENOENT' })
    await withPatch(patch, (f) => assert.equal(f.held.count, 0))
  })

  it('closes the open handles of a removed patch', async () => {
    const f = await store.openPatch(patch.patchId, patch.manifest)
    await store.removePatch(patch.patchId)

    await assert.rejects(f.readChunk(0), { name: 'StoreClosedError' })
  })
})
