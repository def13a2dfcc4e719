/**
 * Damaged data files: a node whose file is damaged while it downloads (the whole-file check at
 * the end finds the chunks, they are fetched again, and the patch completes instead of failing for
 * good), and a node holding the whole patch that finds several damaged chunks at once while
 * serving them (one repair download, each damaged chunk fetched once). In one process, on
 * loopback.
 */
import assert from 'node:assert/strict'
import { open } from 'node:fs/promises'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import type { Authority } from '../../src/authority/authority.ts'
import type { NodeEventMap } from '../../src/node/events.ts'
import type { PatchNode } from '../../src/node/node.ts'
import { dataFilePath } from '../../src/store/layout.ts'
import {
  nextEvent,
  publishRandomPatch,
  scratch,
  sha256File,
  startTestAuthority,
  startTestNode,
  until,
} from '../e2e/support/in-process.ts'
import type { PublishedPatch } from '../e2e/support/in-process.ts'

const SIZE = 4 * 1024 * 1024
const CHUNK = 256 * 1024
/** Slow enough that the file is damaged well before the last chunk: 4 MiB take about 4 s. */
const WAN_MBIT = 8

describe('a node whose data file is damaged during its download', () => {
  let work: string
  let remove: () => Promise<void>
  let patch: PublishedPatch
  let authority: Authority
  let node: PatchNode
  const corrupt: Array<NodeEventMap['chunk_corrupt']> = []
  const failed: Array<NodeEventMap['patch_failed']> = []

  before(async () => {
    ;({ dir: work, remove } = await scratch('node-repair'))
    patch = await publishRandomPatch(work, SIZE, CHUNK)
    authority = await startTestAuthority(work, patch)
  })
  after(async () => {
    await node?.stop()
    await authority?.stop()
    await remove()
  })

  it('fetches the damaged chunks again and completes with the announced SHA-256', async () => {
    const dataDir = join(work, 'node')
    node = await startTestNode(patch, {
      dataDir,
      site: 'leeds',
      wanDownMbit: WAN_MBIT,
      bootstrap: authority.node.addresses(),
    })
    const received: number[] = []
    node.events.on('chunk_received', (e) => received.push(e.index))
    node.events.on('chunk_corrupt', (e) => corrupt.push(e))
    node.events.on('patch_failed', (e) => failed.push(e))
    const complete = nextEvent(node.events, 'patch_complete', 'the patch to complete')
    await until(() => received.length >= 2, 'two chunks held')

    // Garbage over the first two chunks held, long before the last arrives.
    const damaged = received.slice(0, 2).sort((a, b) => a - b)
    const handle = await open(dataFilePath(dataDir, patch.patchId), 'r+')
    for (const index of damaged)
      await handle.write(Buffer.alloc(CHUNK, 0xa5), 0, CHUNK, index * CHUNK)
    await handle.close()

    const done = await complete
    assert.equal(done.sha256, patch.sha256)
    assert.equal(await sha256File(done.path), patch.sha256)
    assert.deepEqual(failed, [])
    assert.deepEqual(
      corrupt.map((e) => e.index),
      damaged,
    )
  })

  it('repairs several chunks found damaged at once while serving, fetching each once', async () => {
    const holderDir = join(work, 'holder')
    const holder = await startTestNode(patch, {
      dataDir: holderDir,
      site: 'york',
      bootstrap: authority.node.addresses(),
      // Every served chunk is checked on every read.
      servedRecheckMs: 0,
    })
    let fetcher: PatchNode | undefined
    try {
      await until(() => holder.completePatches().includes(patch.patchId), 'the holder to fetch')
      const damaged = [3, 4, 5]
      const handle = await open(dataFilePath(holderDir, patch.patchId), 'r+')
      for (const index of damaged) {
        await handle.write(Buffer.alloc(CHUNK, 0x5a), 0, CHUNK, index * CHUNK)
      }
      await handle.close()
      const refetched: number[] = []
      const found: number[] = []
      holder.events.on('chunk_received', (e) => refetched.push(e.index))
      holder.events.on('chunk_corrupt', (e) => found.push(e.index))

      // A site peer fetching the patch asks the holder for every chunk it lacks.
      fetcher = await startTestNode(patch, {
        dataDir: join(work, 'york-fetcher'),
        site: 'york',
        bootstrap: authority.node.addresses(),
      })
      const fetched = nextEvent(fetcher.events, 'patch_complete', 'the site peer to complete')
      await until(
        () =>
          damaged.every((i) => found.includes(i)) && damaged.every((i) => refetched.includes(i)),
        'the holder to find and fetch again every damaged chunk',
      )
      await until(() => holder.completePatches().includes(patch.patchId), 'the holder repaired')

      assert.equal((await fetched).sha256, patch.sha256)
      assert.equal(await sha256File(dataFilePath(holderDir, patch.patchId)), patch.sha256)
      assert.deepEqual(
        [...refetched].sort((a, b) => a - b),
        damaged,
        'each damaged chunk fetched once, nothing else',
      )
    } finally {
      await fetcher?.stop()
      await holder.stop()
    }
  })
})
