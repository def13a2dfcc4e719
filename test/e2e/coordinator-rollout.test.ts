/**
 * A rollout through a real coordinator, authority and nodes on loopback (in one process, each on
 * its own libp2p host and store): approvals gate installs ring by ring, a halt holds them, nodes
 * that join late catch up, the coordinator survives a restart with reports queued meanwhile, and
 * a revocation stops everything.
 */
import assert from 'node:assert/strict'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import type { Authority } from '../../src/authority/authority.ts'
import { revoke } from '../../src/authority/revoke.ts'
import { startCoordinator } from '../../src/coordinator/coordinator.ts'
import type { Coordinator } from '../../src/coordinator/coordinator.ts'
import type { PatchNode } from '../../src/node/node.ts'
import {
  nextEvent,
  publishRandomPatch,
  scratch,
  sha256File,
  silent,
  startTestAuthority,
  startTestNode,
  until,
} from './support/in-process.ts'
import type { PublishedPatch } from './support/in-process.ts'
import { freePort } from '../fixtures/ports.ts'

const SIZE = 3 * 1024 * 1024 + 77
const CHUNK = 256 * 1024

describe('a rollout through the coordinator', () => {
  let work: string
  let remove: () => Promise<void>
  let patch: PublishedPatch
  let authority: Authority
  let coordinator: Coordinator | undefined
  let meshPort: number
  const nodes = new Map<string, PatchNode>()

  const coordinatorAddress = () =>
    `/ip4/127.0.0.1/tcp/${meshPort}/p2p/${coordinator!.node.peerId.toString()}`
  const startCoordinatorHere = async () => {
    coordinator = await startCoordinator({
      keysDir: patch.keysDir,
      dataDir: join(work, 'coordinator'),
      listen: [`/ip4/127.0.0.1/tcp/${meshPort}`],
      bootstrap: authority.node.addresses(),
      httpPort: 0,
      log: silent,
    })
  }
  const startNode = async (name: string, ring: string, groups: string[] = []) => {
    const node = await startTestNode(patch, {
      dataDir: join(work, name),
      site: 'branch',
      ring,
      groups,
      prefetch: false,
      bootstrap: authority.node.addresses(),
      coordinator: coordinatorAddress(),
      install: { kind: 'stage', directory: join(work, name, 'installed') },
    })
    nodes.set(name, node)
    return node
  }
  const installed = (node: PatchNode) =>
    nextEvent(node.events, 'patch_installed', `${node.peerId.toString()} to install`)
  const stateAt = (node: PatchNode) => {
    const view = coordinator!.service.listNodes().find((n) => n.nodeId === node.peerId.toString())
    return view?.patches[patch.patchId]
  }
  const staged = (name: string) => join(work, name, 'installed', 'e2e-patch-1.0.0')

  before(async () => {
    ;({ dir: work, remove } = await scratch('coordinator-rollout'))
    patch = await publishRandomPatch(work, SIZE, CHUNK)
    authority = await startTestAuthority(work, patch)
    meshPort = await freePort()
    await startCoordinatorHere()
    await until(
      () => coordinator!.service.listPatches().some((p) => p.patchId === patch.patchId),
      'the coordinator to record the patch',
    )
  })

  after(async () => {
    for (const node of nodes.values()) await node.stop().catch(() => undefined)
    await coordinator?.stop().catch(() => undefined)
    await authority?.stop()
    await remove()
  })

  it('installs nothing before approval, then the canary ring before the others', async () => {
    const canary = await startNode('canary-1', 'canary')
    const broad = await startNode('broad-1', 'broad')
    await until(
      () => stateAt(canary) === 'waiting-approval' && stateAt(broad) === 'waiting-approval',
      'both nodes to report waiting for approval',
    )
    assert.deepEqual(canary.completePatches(), [], 'nothing is fetched before approval')

    const canaryDone = installed(canary)
    await coordinator!.service.approve(patch.patchId, { ring: 'canary' })
    await canaryDone
    await until(() => stateAt(canary) === 'installed', 'the coordinator to see the canary done')

    assert.equal(await sha256File(staged('canary-1')), patch.sha256)
    assert.equal(stateAt(broad), 'waiting-approval', 'the broad ring waits for its approval')

    const broadDone = installed(broad)
    await coordinator!.service.approve(`e2e-patch@1.0.0`, { ring: 'broad' })
    await broadDone
    assert.equal(await sha256File(staged('broad-1')), patch.sha256)
  })

  it('holds an approved ring once halted, also on a node that joins later, until approved again', async () => {
    await coordinator!.service.approve(patch.patchId, { ring: 'pilot' })
    await coordinator!.service.halt(patch.patchId, 'canaries report printing broken')

    const pilot = await startNode('pilot-1', 'pilot')
    let installedEarly = false
    pilot.events.once('patch_installed', () => (installedEarly = true))
    await until(() => stateAt(pilot) === 'waiting-approval', 'the late pilot to report')
    const detail = coordinator!.service.patchDetail(patch.patchId)
    assert.notEqual(detail.rollout.halted, null)
    // Catch-up brings the approval and the halt; the first report may come between the two.
    await until(
      async () => (await pilot.store.listRecords('halt', patch.patchId)).length === 1,
      'the late pilot to hold the halt',
    )
    // It may fetch (the approval can arrive before the halt), but it must not install.
    assert.ok(!['installing', 'installed'].includes(stateAt(pilot) ?? ''), 'halted: no install')

    assert.equal(installedEarly, false, 'the pilot installed while halted')
    const done = installed(pilot)
    await coordinator!.service.approve(patch.patchId, { ring: 'pilot' })
    await done
    assert.equal(await sha256File(staged('pilot-1')), patch.sha256)
  })

  it('keeps its state across a restart and records reports made while it was down, once each', async () => {
    await coordinator!.service.approve(patch.patchId, { group: 'late-shift' })
    const before = coordinator!.service.patchDetail(patch.patchId)
    await coordinator!.stop()

    // Approved while the coordinator was up; installs while it is down, from the mesh alone.
    const late = await startNode('late-1', '', ['late-shift'])
    await installed(late)

    await startCoordinatorHere()
    await until(() => stateAt(late) === 'installed', 'the queued reports to arrive', 60_000)

    const afterRestart = coordinator!.service.patchDetail(patch.patchId)
    // The late node is in no ring: it shows as ring '' once it reports, nothing else changed.
    const approvals = (d: typeof before) =>
      d.rollout.rings.filter((r) => r.ring !== '').map((r) => [r.ring, r.approval])
    assert.deepEqual(approvals(afterRestart), approvals(before))
    assert.deepEqual(afterRestart.rollout.groups, before.rollout.groups)
    assert.deepEqual(afterRestart.history, before.history)
    const metrics = await coordinator!.service.metrics.registry.getSingleMetricAsString(
      'patchmesh_coordinator_reports_total',
    )
    assert.doesNotMatch(metrics, /outcome="duplicate"\} [1-9]/, 'no report was recorded twice')
  })

  it('neither serves nor installs a revoked patch', async () => {
    await revoke({ bundle: patch.bundleDir, keysDir: patch.keysDir, reason: 'breaks printing' })
    const holders = [...nodes.values()]
    await authority.reload()
    await until(
      () => holders.every((n) => !n.completePatches().includes(patch.patchId)),
      'every node to drop the revoked patch',
    )

    const latecomer = await startNode('canary-2', 'canary')
    await until(
      async () => (await latecomer.store.getRecord('revocation', patch.patchId)) !== undefined,
      'the latecomer to learn of the revocation',
    )
    // Approved for its ring, but revoked: it must neither fetch nor install.
    await new Promise((resolve) => setTimeout(resolve, 1500))
    assert.equal(latecomer.download(patch.patchId), undefined)
    await assert.rejects(sha256File(staged('canary-2')), { code: 'ENOENT' })
  })
})
