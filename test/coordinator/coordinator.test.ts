/**
 * The coordinator's process under a publisher key rotation: once its node moves to a root that
 * no longer lists the key a patch was announced with, the service refuses approvals of that
 * patch, through the API too, and still does after a restart. In one process, on loopback.
 */
import assert from 'node:assert/strict'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { readBundle } from '../../src/authority/bundle.ts'
import { rotateKeys } from '../../src/authority/keys-dir.ts'
import { readOperatorToken } from '../../src/authority/operator-token.ts'
import { startCoordinator } from '../../src/coordinator/coordinator.ts'
import type { Coordinator } from '../../src/coordinator/coordinator.ts'
import { LOOPBACK, publishRandomPatch, scratch, silent, until } from '../e2e/support/in-process.ts'
import type { PublishedPatch } from '../e2e/support/in-process.ts'

describe('a coordinator whose mesh drops the publisher key of a patch', () => {
  let work: string
  let remove: () => Promise<void>
  let patch: PublishedPatch
  let coordinator: Coordinator | undefined

  const start = async () => {
    coordinator = await startCoordinator({
      keysDir: patch.keysDir,
      dataDir: join(work, 'coordinator'),
      listen: LOOPBACK,
      httpPort: 0,
      log: silent,
    })
    return coordinator
  }
  const approveOverHttp = async (c: Coordinator, ring: string) =>
    c.http.app.inject({
      method: 'POST',
      url: `/api/v1/patches/${encodeURIComponent('e2e-patch@1.0.0')}/approvals`,
      headers: { authorization: `Bearer ${await readOperatorToken(c.tokenPath)}` },
      payload: { ring },
    })

  before(async () => {
    ;({ dir: work, remove } = await scratch('coordinator-rotation'))
    patch = await publishRandomPatch(work, 64 * 1024, 16 * 1024)
    const c = await start()
    await c.node.publish((await readBundle(patch.bundleDir)).announcement)
    await until(() => c.service.counts().patches === 1, 'the coordinator to record the patch')
  })

  after(async () => {
    await coordinator?.stop().catch(() => undefined)
    await remove()
  })

  it('approves the patch while its publisher key is current', async () => {
    const res = await approveOverHttp(coordinator!, 'canary')
    assert.equal(res.statusCode, 201)
  })

  it('refuses approvals once the new root drops the key, naming why', async () => {
    const c = coordinator!
    const rotated = await rotateKeys(patch.keysDir, { role: 'publisher' })
    await c.node.publish(rotated.root.bytes)

    await assert.rejects(c.service.approve(patch.patchId, { ring: 'pilot' }), {
      name: 'PatchUntrustedError',
      message: /no longer trusted.*which the current root does not list/,
    })
    const res = await approveOverHttp(c, 'pilot')
    assert.equal(res.statusCode, 409)
    assert.equal(res.json().error, 'PatchUntrustedError')
    assert.match(res.json().message, new RegExp(patch.patchId))
    const detail = c.service.patchDetail(patch.patchId)
    assert.match(detail.patch.untrusted?.reason ?? '', /does not list/)
    assert.equal(
      detail.rollout.rings.find((r) => r.ring === 'pilot')?.approval,
      null,
      'nothing was signed',
    )
  })

  it('still refuses them after a restart', async () => {
    await coordinator!.stop()
    const c = await start()

    const res = await approveOverHttp(c, 'broad')
    assert.equal(res.statusCode, 409)
    assert.equal(res.json().error, 'PatchUntrustedError')
  })
})
