/**
 * A node that moves to a newer root which drops the publisher key of a patch it knows: the
 * patch's announcement is dropped, and with it the patch is no longer held, offered to peers,
 * fetched or installed. In one process: an authority, a node holding the patch and a node
 * fetching it slowly over its WAN link, on loopback.
 */
import assert from 'node:assert/strict'
import { stat } from 'node:fs/promises'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import type { Authority } from '../../src/authority/authority.ts'
import { rotateKeys } from '../../src/authority/keys-dir.ts'
import type { Download } from '../../src/node/download.ts'
import type { NodeEventMap } from '../../src/node/events.ts'
import type { PatchNode } from '../../src/node/node.ts'
import { dataFilePath } from '../../src/store/layout.ts'
import { signRecord } from '../../src/trust/index.ts'
import {
  nextEvent,
  publishRandomPatch,
  scratch,
  startTestAuthority,
  startTestNode,
  until,
} from '../e2e/support/in-process.ts'
import type { PublishedPatch } from '../e2e/support/in-process.ts'

const SIZE = 4 * 1024 * 1024
const CHUNK = 256 * 1024

describe('a node moving to a root that drops the publisher key of a patch', () => {
  let work: string
  let remove: () => Promise<void>
  let patch: PublishedPatch
  let authority: Authority
  /** Holds the whole patch before the rotation. */
  let holder: PatchNode
  /** A canary approved for the patch, fetching it at 1 Mbit/s when the rotation comes. */
  let fetcher: PatchNode
  let download: Download
  const dropped: Array<NodeEventMap['record_dropped']> = []
  const fetcherDropped: Array<NodeEventMap['record_dropped']> = []
  const installed: string[] = []

  before(async () => {
    ;({ dir: work, remove } = await scratch('node-root-update'))
    patch = await publishRandomPatch(work, SIZE, CHUNK)
    authority = await startTestAuthority(work, patch)
    const bootstrap = authority.node.addresses()
    holder = await startTestNode(patch, { dataDir: join(work, 'holder'), site: 'leeds', bootstrap })
    await until(() => holder.completePatches().includes(patch.patchId), 'the holder to fetch')
    fetcher = await startTestNode(patch, {
      dataDir: join(work, 'fetcher'),
      site: 'york',
      ring: 'canary',
      prefetch: false,
      wanDownMbit: 1,
      bootstrap,
      install: { kind: 'stage', directory: join(work, 'staged') },
    })
    fetcher.events.on('patch_installed', ({ patchId }) => installed.push(patchId))
    holder.events.on('record_dropped', (e) => dropped.push(e))
    fetcher.events.on('record_dropped', (e) => fetcherDropped.push(e))
    await until(
      async () => (await fetcher.store.getRecord('announcement', patch.patchId)) !== undefined,
      'the fetcher to learn of the patch',
    )

    const progress = nextEvent(fetcher.events, 'download_progress', 'the download to start')
    const now = Date.now()
    const approval = {
      patchId: patch.patchId,
      ring: 'canary',
      group: '',
      notBeforeMs: now,
      deadlineMs: 0,
      windows: [],
      sequence: 1,
      issuedAtMs: now,
      expiresAtMs: now + 86_400_000,
    }
    await authority.node.publish(signRecord('approval', approval, patch.keys.keys.coordinator))
    await progress
    download = fetcher.download(patch.patchId)!

    const rotated = await rotateKeys(patch.keysDir, { role: 'publisher' })
    await authority.node.publish(rotated.root.bytes)
    // Gossip brings it too; told directly, a node takes it unless gossip was first.
    for (const node of [holder, fetcher]) await node.publish(rotated.root.bytes).catch(() => {})
    await until(
      () => dropped.length > 0 && fetcherDropped.length > 0,
      'both nodes to check their records under the new root',
    )
  })

  after(async () => {
    for (const node of [fetcher, holder]) await node?.stop().catch(() => undefined)
    await authority?.stop()
    await remove()
  })

  it('drops the stored announcement and deletes the patch data it held', async () => {
    assert.equal(holder.root.root.version, 2)
    assert.equal(await holder.store.getRecord('announcement', patch.patchId), undefined)
    assert.deepEqual(holder.completePatches(), [])
    await assert.rejects(stat(dataFilePath(holder.store.dataDir, patch.patchId)), {
      code: 'ENOENT',
    })
    assert.deepEqual(
      dropped.map((e) => [e.kind, e.patchId]),
      [['announcement', patch.patchId]],
    )
    assert.match(dropped[0].reason, /which the current root does not list/)
  })

  it('no longer offers the patch to its peers', async () => {
    await until(
      () => fetcher.directory.get(holder.peerId.toString())?.holdings.has(patch.patchId) === false,
      "the holder's hello to withdraw the patch",
    )
  })

  it('stops the download in flight and installs nothing, though the ring is approved', async () => {
    assert.equal(download.state, 'stopped')
    assert.equal(fetcher.download(patch.patchId), undefined)
    assert.equal((await fetcher.store.listRecords('approval', patch.patchId)).length, 1)

    // Time for the approval to act, had the announcement stayed.
    await new Promise((resolve) => setTimeout(resolve, 1500))
    assert.equal(fetcher.download(patch.patchId), undefined, 'not fetched again')
    assert.deepEqual(installed, [])
    await assert.rejects(stat(join(work, 'staged', 'e2e-patch-1.0.0')), { code: 'ENOENT' })
  })
})
