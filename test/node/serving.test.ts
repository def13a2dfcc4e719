import assert from 'node:assert/strict'
import { open } from 'node:fs/promises'
import { after, before, describe, it } from 'node:test'
import { PeerDirectory } from '../../src/mesh/peers.ts'
import { TokenBucket } from '../../src/mesh/rate-limit.ts'
import { NodeEvents } from '../../src/node/events.ts'
import { ChunkServing } from '../../src/node/serving.ts'
import { openNodeStore } from '../../src/store/index.ts'
import type { NodeStore, PatchFile } from '../../src/store/index.ts'
import { CS, makePatch, range, scratch, silent, writeChunks } from '../store/helpers.ts'

describe('ChunkServing', () => {
  const patch = makePatch(4)
  let dir: string
  let remove: () => Promise<void>
  let store: NodeStore
  let file: PatchFile
  const events = new NodeEvents()
  const corrupt: Array<[string, number]> = []
  const seen: Array<{ index: number; path: string }> = []
  let serving: ChunkServing
  let clock = 0
  const RECHECK_MS = 60_000

  async function damage(index: number): Promise<void> {
    const handle = await open(file.path, 'r+')
    await handle.write(Buffer.from([0xff, 0xee]), 0, 2, index * CS + 100)
    await handle.close()
  }

  before(async () => {
    const s = await scratch()
    dir = s.dir
    remove = s.remove
    store = await openNodeStore(s.dir, { log: silent })
    file = await store.openPatch(patch.patchId, patch.manifest)
    await writeChunks(file, patch, range(4))
    events.on('chunk_corrupt', (e) => seen.push(e))
    serving = new ChunkServing({
      site: 'leeds',
      directory: new PeerDirectory(),
      files: new Map([[patch.patchId, file]]),
      revoked: () => false,
      wanUp: new TokenBucket(Infinity),
      events,
      onCorrupt: (patchId, index) => corrupt.push([patchId, index]),
      recheckMs: RECHECK_MS,
      now: () => clock,
    })
  })
  after(async () => {
    await file.close()
    await store.close()
    await remove()
  })

  it('serves a held chunk whose bytes on disk still match its hash', async () => {
    const data = await serving.getChunk(patch.patchId, 1)

    assert.ok(data instanceof Uint8Array)
    assert.deepEqual(Buffer.from(data), patch.chunk(1))
  })

  it('refuses a chunk damaged on disk, stops holding it and asks for it to be fetched again', async () => {
    await damage(2)

    assert.equal(await serving.getChunk(patch.patchId, 2), 'not-found')
    assert.equal(file.held.get(2), false)
    assert.deepEqual(corrupt, [[patch.patchId, 2]])
    assert.deepEqual(seen, [{ patchId: patch.patchId, index: 2, path: file.path }])
    // The other chunks are still served.
    assert.ok((await serving.getChunk(patch.patchId, 3)) instanceof Uint8Array)
  })

  it('serves a chunk checked less than recheckMs ago without hashing it again', async () => {
    clock = 1_000
    assert.ok((await serving.getChunk(patch.patchId, 0)) instanceof Uint8Array)
    await damage(0)

    clock += RECHECK_MS - 1
    // Read back unchecked: the damage goes out (the receiving peer verifies every chunk).
    const unchecked = await serving.getChunk(patch.patchId, 0)
    assert.ok(unchecked instanceof Uint8Array)
    assert.notDeepEqual(Buffer.from(unchecked), patch.chunk(0))
    assert.equal(file.held.get(0), true)
  })

  it('checks a chunk again once recheckMs have passed since its last check', async () => {
    clock += 1

    assert.equal(await serving.getChunk(patch.patchId, 0), 'not-found')
    assert.equal(file.held.get(0), false)
    assert.deepEqual(corrupt.at(-1), [patch.patchId, 0])
  })

  it('keeps the damaged chunk unheld across a restart of the store', async () => {
    await file.close()
    await store.close()
    store = await openNodeStore(dir, { log: silent })
    file = await store.openPatch(patch.patchId, patch.manifest)

    assert.deepEqual(
      range(4).map((i) => file.held.get(i)),
      [false, true, false, true],
    )
  })
})
