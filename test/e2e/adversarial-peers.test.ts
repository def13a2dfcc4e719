/**
 * Malicious peers against a real node. Each rogue is a bare libp2p host that says hello as a
 * node at the victim's own site holding every chunk of the patch, so the victim's scheduler
 * asks it first, and then serves corrupted chunks, the same garbage for every request, or stops
 * half-way through a chunk. The only honest source is the authority. Whatever the rogue does,
 * the download completes with the announced SHA-256, the rogue is penalised (or timed out and
 * avoided), and no byte it sent is ever stored.
 */
import assert from 'node:assert/strict'
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { after, afterEach, before, beforeEach, describe, it } from 'node:test'
import { multiaddr } from '@multiformats/multiaddr'
import type { Authority } from '../../src/authority/authority.ts'
import type { NodeEventMap } from '../../src/node/events.ts'
import type { PatchNode } from '../../src/node/node.ts'
import {
  captureLog,
  nextEvent,
  publishRandomPatch,
  scratch,
  sha256File,
  startTestAuthority,
  startTestNode,
  until,
} from './support/in-process.ts'
import type { PublishedPatch } from './support/in-process.ts'
import { startRoguePeer } from './support/rogue-peer.ts'
import type { RogueBehaviour, RoguePeer } from './support/rogue-peer.ts'

const SITE = 'branch-1'
const CHUNK = 64 * 1024
const SIZE = 3 * 1024 * 1024 + 777
/** Generous: the machine is shared with other heavy tests. */
const COMPLETE_WITHIN_MS = 180_000

interface Run {
  victim: PatchNode
  rogue: RoguePeer
  log: Array<Record<string, any>>
  received: Array<NodeEventMap['chunk_received']>
  rejected: Array<NodeEventMap['chunk_rejected']>
  penalised: Array<NodeEventMap['peer_penalised']>
  /** Peers the victim's host disconnected from during the download. */
  disconnected: Set<string>
  complete: NodeEventMap['patch_complete']
}

describe('a download with a malicious peer at its own site', () => {
  let work: string
  let removeWork: () => Promise<void>
  let patch: PublishedPatch
  let authority: Authority
  let victim: PatchNode | undefined
  let rogue: RoguePeer | undefined

  before(async () => {
    ;({ dir: work, remove: removeWork } = await scratch('adversarial'))
    patch = await publishRandomPatch(work, SIZE, CHUNK)
    authority = await startTestAuthority(work, patch)
  })
  after(async () => {
    await authority?.stop()
    await removeWork?.()
  })

  beforeEach(() => {
    victim = undefined
    rogue = undefined
  })
  afterEach(async () => {
    await victim?.stop()
    await rogue?.stop()
  })

  /**
   * Starts the rogue and the victim, lets the rogue say hello before the victim knows of the
   * patch (so the rogue is a site holder from the first request on), then connects the victim
   * to the authority and waits for the patch to complete.
   */
  async function download(behaviour: RogueBehaviour, name: string): Promise<Run> {
    rogue = await startRoguePeer({
      behaviour,
      site: SITE,
      patchId: patch.patchId,
      chunkSize: CHUNK,
      chunkCount: patch.chunkCount,
      dataPath: patch.dataPath,
    })
    const { log, lines } = captureLog('debug')
    victim = await startTestNode(patch, {
      dataDir: join(work, name),
      site: SITE,
      log,
      stallTimeoutMs: 2_000,
    })
    const received: Run['received'] = []
    const rejected: Run['rejected'] = []
    const penalised: Run['penalised'] = []
    victim.events.on('chunk_received', (e) => received.push(e))
    victim.events.on('chunk_rejected', (e) => rejected.push(e))
    victim.events.on('peer_penalised', (e) => penalised.push(e))
    const disconnected = new Set<string>()
    victim.host.addEventListener('peer:disconnect', (e) => disconnected.add(e.detail.toString()))

    const rogueId = rogue.peerId.toString()
    await rogue.helloTo(victim.addresses()[0])
    await until(() => victim!.directory.get(rogueId) !== undefined, 'the rogue in the directory')

    const completed = nextEvent(
      victim.events,
      'patch_complete',
      `patch_complete on ${name}`,
      (e) => e.patchId === patch.patchId,
      COMPLETE_WITHIN_MS,
    )
    await victim.host.dial(multiaddr(authority.node.addresses()[0]))
    const complete = await completed

    return { victim, rogue, log: lines, received, rejected, penalised, disconnected, complete }
  }

  /** What every run must show: the exact bytes, all of them from the authority. */
  async function assertIntact(run: Run): Promise<void> {
    const authorityId = authority.node.peerId.toString()
    assert.equal(run.complete.sha256, patch.sha256)
    assert.equal(await sha256File(run.complete.path), patch.sha256)
    assert.ok((await readFile(run.complete.path)).equals(patch.data), 'data file equals the bundle')
    assert.equal(new Set(run.received.map((e) => e.index)).size, patch.chunkCount)
    assert.deepEqual(
      run.received.filter((e) => e.peer !== authorityId),
      [],
      'every stored chunk came from the authority',
    )
  }

  it('completes despite a peer serving corrupted chunks, and bans it', async () => {
    const run = await download('corrupt', 'victim-corrupt')
    const rogueId = run.rogue.peerId.toString()

    await assertIntact(run)
    assert.ok(run.rogue.answered >= 3, `the rogue answered ${run.rogue.answered} requests`)
    assert.ok(run.rejected.filter((e) => e.peer === rogueId).length >= 3)
    assert.ok(run.penalised.some((e) => e.peer === rogueId && e.action === 'penalise'))
    assert.ok(run.penalised.some((e) => e.peer === rogueId && e.action === 'disconnect'))
    assert.ok(run.disconnected.has(rogueId), 'the victim hung up on the rogue')
  })

  it('completes despite a peer serving the same garbage for every chunk, and bans it', async () => {
    const run = await download('garbage', 'victim-garbage')
    const rogueId = run.rogue.peerId.toString()

    await assertIntact(run)
    assert.ok(run.rejected.filter((e) => e.peer === rogueId).length >= 3)
    assert.ok(run.penalised.some((e) => e.peer === rogueId && e.action === 'disconnect'))
    assert.ok(run.disconnected.has(rogueId), 'the victim hung up on the rogue')
  })

  it('completes despite a peer that stops answering mid-chunk, and avoids it', async () => {
    const run = await download('stall', 'victim-stall')
    const rogueId = run.rogue.peerId.toString()

    await assertIntact(run)
    const stalled = run.log.filter(
      (l) => l.msg === 'chunk request failed' && l.peer === rogueId && l.reason === 'stalled',
    )
    assert.ok(stalled.length >= 1, 'the victim timed out stalled requests to the rogue')
    assert.ok(run.rogue.abandoned >= 1, 'the victim gave up on the stalled streams')
    assert.deepEqual(
      run.rejected.filter((e) => e.peer === rogueId),
      [],
      'a peer that is merely slow is not accused of bad chunks',
    )
    // Its back-off after the stalled round keeps it out of the download; if the download is still
    // running when the back-off ends and it stalls again, it is hung up on. Which of the two
    // comes first depends on how fast the origin delivers meanwhile.
    const asked = run.rogue.requests.length
    const hungUp = run.penalised.some((e) => e.peer === rogueId && e.action === 'disconnect')
    assert.ok(
      hungUp || asked <= stalled.length,
      `the rogue was asked ${asked} times after it stalled`,
    )
    if (hungUp) assert.ok(run.disconnected.has(rogueId), 'the victim hung up on the rogue')
    assert.ok(
      run.rogue.requests.length < patch.chunkCount / 2,
      `the rogue was asked for ${run.rogue.requests.length} chunks of ${patch.chunkCount}`,
    )
  })
})
