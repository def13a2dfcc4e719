import assert from 'node:assert/strict'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, describe, it } from 'node:test'
import { Level } from 'level'
import { LevelSequenceStore } from '../../src/store/sequences.ts'
import { MemorySequenceStore, RecordVerifier, signRecord } from '../../src/trust/index.ts'
import type { SeenSequence } from '../../src/trust/index.ts'
import {
  approval,
  DAY,
  makeAuthority,
  revocation,
  signedAnnouncement,
  T0,
} from '../fixtures/trust.ts'

const clock = () => T0 + DAY

describe('RecordVerifier sequences', () => {
  const a = makeAuthority()
  const verifier = () => new RecordVerifier(a.anchor, new MemorySequenceStore(), { now: clock })

  it('accepts a higher sequence for the same patch', async () => {
    const v = verifier()
    await v.verify('announcement', signedAnnouncement(a, { sequence: 1 }))
    const second = await v.verify('announcement', signedAnnouncement(a, { sequence: 2 }))

    assert.equal(second.fresh, true)
  })

  it('reports the same record delivered twice as not fresh, without an error', async () => {
    const v = verifier()
    const bytes = signedAnnouncement(a)
    await v.verify('announcement', bytes)

    assert.equal((await v.verify('announcement', bytes)).fresh, false)
  })

  it('rejects a rolled-back sequence', async () => {
    const v = verifier()
    await v.verify('announcement', signedAnnouncement(a, { sequence: 5 }))

    await assert.rejects(v.verify('announcement', signedAnnouncement(a, { sequence: 4 })), {
      name: 'SequenceRollbackError',
    })
  })

  it('rejects a replayed sequence carrying other content', async () => {
    const v = verifier()
    await v.verify('announcement', signedAnnouncement(a, { sequence: 3 }))

    await assert.rejects(
      v.verify('announcement', signedAnnouncement(a, { sequence: 3, description: 'changed' })),
      { name: 'SequenceReplayError' },
    )
  })

  it('rejects the original announcement replayed after its revocation', async () => {
    const v = verifier()
    const original = signedAnnouncement(a, { sequence: 1 })
    await v.verify('announcement', original)
    await v.verify('revocation', signRecord('revocation', revocation(), a.keys.publisher))

    await assert.rejects(v.verify('announcement', original), { name: 'SequenceRollbackError' })
  })

  it('keeps approvals for different rings on separate sequences', async () => {
    const v = verifier()
    const sign = (ring: string, sequence: number) =>
      signRecord('approval', approval({ ring, sequence }), a.keys.coordinator)
    await v.verify('approval', sign('canary', 7))

    assert.equal((await v.verify('approval', sign('broad', 1))).fresh, true)
  })

  it('admits only one of two different records racing on one sequence', async () => {
    const v = verifier()
    const results = await Promise.allSettled([
      v.verify('announcement', signedAnnouncement(a, { sequence: 9, description: 'x' })),
      v.verify('announcement', signedAnnouncement(a, { sequence: 9, description: 'y' })),
    ])

    assert.deepEqual(results.map((r) => r.status).sort(), ['fulfilled', 'rejected'])
  })
})

describe('LevelSequenceStore', () => {
  const dirs: string[] = []
  after(async () => {
    for (const dir of dirs) await rm(dir, { recursive: true, force: true })
  })

  it('keeps the highest sequence across a restart, so a rollback is still refused', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'patchmesh-seq-'))
    dirs.push(dir)
    const a = makeAuthority()
    const open = () => {
      const db = new Level<string, unknown>(dir)
      const seq = db.sublevel<string, SeenSequence>('seq', { valueEncoding: 'json' })
      return {
        db,
        verifier: new RecordVerifier(a.anchor, new LevelSequenceStore(seq), { now: clock }),
      }
    }

    const first = open()
    await first.verifier.verify('announcement', signedAnnouncement(a, { sequence: 8 }))
    await first.db.close()

    const second = open()
    await assert.rejects(
      second.verifier.verify('announcement', signedAnnouncement(a, { sequence: 7 })),
      { name: 'SequenceRollbackError' },
    )
    await second.db.close()
  })
})
