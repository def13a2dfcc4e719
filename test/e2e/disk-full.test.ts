/**
 * A node whose data directory fills up mid-download, for real: a 3 MiB tmpfs (which needs root)
 * is mounted as its data directory and mostly filled before it starts, so a 2 MiB patch cannot
 * fit. The download pauses with a clear disk_full event and does not complete; once the filler is
 * deleted, the same running node finishes the patch with the announced SHA-256.
 */
import assert from 'node:assert/strict'
import { execFile } from 'node:child_process'
import { mkdir, readFile, rm, statfs, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { promisify } from 'node:util'
import { multiaddr } from '@multiformats/multiaddr'
import type { Authority } from '../../src/authority/authority.ts'
import type { NodeEventMap } from '../../src/node/events.ts'
import { PatchNode } from '../../src/node/node.ts'
import type { PatchNodeOptions, PatchStep } from '../../src/node/node.ts'
import {
  LOOPBACK,
  nextEvent,
  publishRandomPatch,
  scratch,
  sha256File,
  silent,
  startTestAuthority,
  until,
} from './support/in-process.ts'
import type { PublishedPatch } from './support/in-process.ts'
import { startRoguePeer } from './support/rogue-peer.ts'
import type { RoguePeer } from './support/rogue-peer.ts'

const run = promisify(execFile)
const root = process.getuid?.() === 0
const skip = root ? false : 'needs root to mount a small tmpfs as the node’s data directory'

const SITE = 'branch-1'
const SIZE = 2 * 1024 * 1024 + 12_345
const CHUNK = 64 * 1024
/** Left free after the filler: room for the node's metadata and part of the patch, not all. */
const LEFT_FREE = 1024 * 1024
const WAIT_MS = 120_000

/**
 * A published patch and its authority in a scratch directory, and a 3 MiB tmpfs in it, filled
 * up to {@link LEFT_FREE}, for a node's data directory. `stop` stops the nodes it was given,
 * unmounts and removes everything.
 */
interface FullDisk {
  patch: PublishedPatch
  authority: Authority
  mountPoint: string
  filler: string
  stop(stopFirst: Array<{ stop(): Promise<void> } | undefined>): Promise<void>
}

async function fullDisk(name: string): Promise<FullDisk> {
  const { dir: work, remove } = await scratch(name)
  const mountPoint = join(work, 'mnt')
  const filler = join(mountPoint, 'filler')
  let authority: Authority | undefined
  let mounted = false
  const stop = async (stopFirst: Array<{ stop(): Promise<void> } | undefined>) => {
    for (const part of stopFirst) await part?.stop()
    await authority?.stop()
    if (mounted) await run('umount', [mountPoint]).catch(() => run('umount', ['-l', mountPoint]))
    await remove()
  }

  try {
    const patch = await publishRandomPatch(work, SIZE, CHUNK)
    authority = await startTestAuthority(work, patch)
    await mkdir(mountPoint)
    await run('mount', ['-t', 'tmpfs', '-o', 'size=3m,mode=0700', 'tmpfs', mountPoint])
    mounted = true
    const { bavail, bsize } = await statfs(mountPoint)
    await writeFile(filler, Buffer.alloc(bavail * bsize - LEFT_FREE, 1))

    return { patch, authority, mountPoint, filler, stop }
  } catch (err) {
    await stop([])
    throw err
  }
}

/** A node (not started) with its data directory on the full disk, recording its events. */
function nodeOn(disk: FullDisk, opts: Partial<PatchNodeOptions> = {}) {
  const node = new PatchNode({
    dataDir: join(disk.mountPoint, 'node'),
    root: disk.patch.keys.root.bytes,
    site: SITE,
    listen: LOOPBACK,
    diskRetryMs: 300,
    // These tests are about the download alone: fetch on announcement, without approvals.
    prefetch: true,
    log: silent,
    onStep: (step) => steps.push(step),
    ...opts,
  })
  const steps: PatchStep[] = []
  const diskFull: Array<NodeEventMap['disk_full']> = []
  const completed: Array<NodeEventMap['patch_complete']> = []
  node.events.on('disk_full', (e) => diskFull.push(e))
  node.events.on('patch_complete', (e) => completed.push(e))

  return { node, diskFull, completed, steps }
}

/** Frees the disk and checks the same node completes the patch, byte for byte. */
async function freeAndComplete(disk: FullDisk, node: PatchNode): Promise<void> {
  const done = nextEvent(node.events, 'patch_complete', 'patch_complete', () => true, WAIT_MS)
  await rm(disk.filler)

  const complete = await done
  assert.equal(complete.patchId, disk.patch.patchId)
  assert.equal(complete.sha256, disk.patch.sha256)
  assert.equal(await sha256File(complete.path), disk.patch.sha256)
  assert.ok((await readFile(complete.path)).equals(disk.patch.data), 'data file equals the bundle')
  assert.ok(node.completePatches().includes(disk.patch.patchId))
}

describe('a node whose disk fills up during a download', { skip }, () => {
  let disk: FullDisk
  let victim: ReturnType<typeof nodeOn>

  before(async () => {
    disk = await fullDisk('disk-full')
    victim = nodeOn(disk, { bootstrap: disk.authority.node.addresses() })
    await victim.node.start()
  })
  after(async () => {
    await disk?.stop([victim?.node])
  })

  it('pauses the download with a disk_full event naming the patch, and does not complete', async () => {
    const { node, diskFull, completed } = victim
    // A second event: it retried on its own, and failed again while the disk stays full.
    for (let i = diskFull.length; i < 2; i++) {
      await nextEvent(node.events, 'disk_full', `disk_full #${i + 1}`, () => true, WAIT_MS)
    }

    const [first] = diskFull
    assert.equal(first.patchId, disk.patch.patchId)
    assert.match(first.message, /no space left/i)
    assert.ok(first.message.includes(disk.patch.patchId), first.message)
    assert.deepEqual(completed, [])
    assert.ok(!node.completePatches().includes(disk.patch.patchId))
    assert.notEqual(node.download(disk.patch.patchId)?.state, 'complete')
  })

  it('reports the pause as downloading with the reason "disk full: <data file>", once per stall', async () => {
    const { node, steps, diskFull } = victim
    // More retries that fail again: none may report the same stall again.
    for (let i = diskFull.length; i < 4; i++) {
      await nextEvent(node.events, 'disk_full', `disk_full #${i + 1}`, () => true, WAIT_MS)
    }
    const shown = steps.map((s) => [s.state, s.reason, s.chunksHeld])

    const last = steps.at(-1)
    assert.equal(last?.state, 'downloading', JSON.stringify(shown))
    assert.equal(last.reason, `disk full: ${diskFull[0].path}`)
    assert.equal(last.patchId, disk.patch.patchId)
    assert.ok(diskFull[0].path.startsWith(disk.mountPoint), diskFull[0].path)
    const repeats = steps.filter(
      (s, i) => i > 0 && s.reason !== '' && s.reason === steps[i - 1].reason,
    )
    assert.deepEqual(repeats, [], JSON.stringify(shown))
    assert.ok(steps.filter((s) => s.reason !== '').length < diskFull.length, JSON.stringify(shown))
  })

  it('completes on the same running node once space is freed', async () => {
    await freeAndComplete(disk, victim.node)
  })

  it('reports progress without the reason once the download moves again', () => {
    const { steps } = victim
    const at = steps.findIndex((s) => s.reason.startsWith('disk full'))
    const after = steps.slice(at + 1)

    assert.ok(
      after.some((s) => s.state === 'downloading' && s.reason === ''),
      JSON.stringify(after.map((s) => [s.state, s.reason])),
    )
  })
})

describe('a node whose disk fills up while chunks are still arriving', { skip }, () => {
  let disk: FullDisk
  let victim: ReturnType<typeof nodeOn>
  let peer: RoguePeer

  before(async () => {
    disk = await fullDisk('disk-full-late')
    // An honest site peer whose answers to requests sent together arrive one by one, so some
    // arrive after the first write failed and the download paused.
    peer = await startRoguePeer({
      behaviour: 'slow',
      site: SITE,
      patchId: disk.patch.patchId,
      chunkSize: CHUNK,
      chunkCount: disk.patch.chunkCount,
      dataPath: disk.patch.dataPath,
    })
    victim = nodeOn(disk, { diskRetryMs: 2_000 })
    await victim.node.start()
    await peer.helloTo(victim.node.addresses()[0])
    const id = peer.peerId.toString()
    await until(() => victim.node.directory.get(id) !== undefined, 'the site peer in the directory')
  })
  after(async () => {
    await disk?.stop([victim?.node, peer])
  })

  it('loses no chunk that arrived while paused, and completes once space is freed', async () => {
    const paused = nextEvent(victim.node.events, 'disk_full', 'disk_full', () => true, WAIT_MS)
    await victim.node.host.dial(multiaddr(disk.authority.node.addresses()[0]))
    await paused

    await freeAndComplete(disk, victim.node)
  })
})
