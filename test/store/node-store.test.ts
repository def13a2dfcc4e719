import assert from 'node:assert/strict'
import { execFile } from 'node:child_process'
import { stat } from 'node:fs/promises'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { pathToFileURL } from 'node:url'
import { promisify } from 'node:util'

import { openNodeStore } from '../../src/store/index.ts'
import type { NodeStore, PatchState } from '../../src/store/index.ts'
import { makePatch, scratch, silent } from './helpers.ts'

const run = promisify(execFile)
const STORE_MODULE = pathToFileURL(join(import.meta.dirname, '../../src/store/index.ts')).href
const LOG_MODULE = pathToFileURL(join(import.meta.dirname, '../../src/log.ts')).href

const A = makePatch(1, 100, 1).patchId
const B = makePatch(1, 100, 2).patchId
const C = makePatch(1, 100, 3).patchId
const bytes = (text: string) => new TextEncoder().encode(text)
const text = (b: Uint8Array | undefined) =>
  b === undefined ? undefined : new TextDecoder().decode(b)

/** Opens `dataDir` in a separate node process and reports what happened, as JSON. */
async function openInChild(
  dataDir: string,
): Promise<{ ok?: true; name?: string; message?: string }> {
  const script = `
    import { openNodeStore } from ${JSON.stringify(STORE_MODULE)}
    import { createLogger } from ${JSON.stringify(LOG_MODULE)}
    try {
      const store = await openNodeStore(${JSON.stringify(dataDir)}, {
        log: createLogger({ level: 'silent' }),
      })
      await store.close()
      console.log(JSON.stringify({ ok: true }))
    } catch (err) {
      console.log(JSON.stringify({ name: err.name, message: err.message }))
    }
  `
  const { stdout } = await run(process.execPath, ['--input-type=module', '-e', script])

  return JSON.parse(stdout)
}

describe('openNodeStore', () => {
  const dirs: Array<() => Promise<void>> = []
  const tmp = async () => {
    const s = await scratch()
    dirs.push(s.remove)

    return s.dir
  }
  after(async () => {
    for (const remove of dirs) await remove()
  })

  it('creates a missing data directory readable by its owner only', async () => {
    const dataDir = join(await tmp(), 'node')
    const store = await openNodeStore(dataDir, { log: silent })
    await store.close()

    assert.equal((await stat(dataDir)).mode & 0o777, 0o700)
    assert.ok((await stat(join(dataDir, 'patches'))).isDirectory())
  })

  it('refuses a second process on the same data directory', async () => {
    const dataDir = await tmp()
    const store = await openNodeStore(dataDir, { log: silent })

    try {
      const child = await openInChild(dataDir)

      assert.equal(child.name, 'DataDirLockedError')
      assert.match(child.message ?? '', new RegExp(dataDir))
      assert.match(child.message ?? '', /another patchmesh process is using it/)
    } finally {
      await store.close()
    }
  })

  it('lets another process open the data directory once closed', async () => {
    const dataDir = await tmp()
    const store = await openNodeStore(dataDir, { log: silent })
    await store.close()

    assert.deepEqual(await openInChild(dataDir), { ok: true })
  })

  it('refuses a second store on the same data directory in one process', async () => {
    const dataDir = await tmp()
    const store = await openNodeStore(dataDir, { log: silent })

    try {
      await assert.rejects(openNodeStore(dataDir, { log: silent }), { name: 'DataDirLockedError' })
    } finally {
      await store.close()
    }
  })
})

describe('NodeStore metadata', () => {
  let dataDir: string
  let remove: () => Promise<void>
  before(async () => ({ dir: dataDir, remove } = await scratch()))
  after(() => remove())

  /** Writes with one store, closes it, and runs `check` on a fresh store on the same directory. */
  async function reopened(
    write: (store: NodeStore) => Promise<void>,
    check: (store: NodeStore) => Promise<void>,
  ): Promise<void> {
    const first = await openNodeStore(dataDir, { log: silent })
    try {
      await write(first)
    } finally {
      await first.close()
    }

    const second = await openNodeStore(dataDir, { log: silent })
    try {
      await check(second)
    } finally {
      await second.close()
    }
  }

  it('keeps the trust root across close and reopen', async () => {
    await reopened(
      (s) => s.putTrustRoot(bytes('root v2')),
      async (s) => assert.equal(text(await s.getTrustRoot()), 'root v2'),
    )
  })

  it('keeps signed records by kind and patch across close and reopen', async () => {
    await reopened(
      async (s) => {
        await s.putRecord('announcement', A, bytes('ann A'))
        await s.putRecord('announcement', B, bytes('ann B'))
        await s.putRecord('approval', A, bytes('appr A'))
      },
      async (s) => {
        assert.equal(text(await s.getRecord('announcement', B)), 'ann B')
        assert.equal(text(await s.getRecord('approval', A)), 'appr A')
        assert.equal(await s.getRecord('approval', B), undefined)
        assert.equal(await s.getRecord('halt', A), undefined)
      },
    )
  })

  it('keeps records of one kind and patch side by side by subject, and lists one patch', async () => {
    await reopened(
      async (s) => {
        await s.putRecord('approval', C, bytes('canary'), 'ring:canary')
        await s.putRecord('approval', C, bytes('broad'), 'ring:broad')
        await s.putRecord('approval', C, bytes('canary 2'), 'ring:canary')
        await s.putRecord('approval', B, bytes('tills'), 'group:tills')
      },
      async (s) => {
        const ofA = await s.listRecords('approval', C)

        assert.deepEqual(
          ofA.map((r) => [r.patchId, r.subject, text(r.envelope)]),
          [
            [C, 'ring:broad', 'broad'],
            [C, 'ring:canary', 'canary 2'],
          ],
        )
        assert.equal(text(await s.getRecord('approval', B, 'group:tills')), 'tills')
        assert.equal((await s.listRecords('approval')).filter((r) => r.patchId !== A).length, 3)
      },
    )
  })

  it('lists the records of one kind only', async () => {
    await reopened(
      async (s) => {
        await s.putRecord('revocation', B, bytes('rev B'))
        await s.putRecord('halt', A, bytes('halt A'))
      },
      async (s) => {
        const listed = await s.listRecords('revocation')

        assert.deepEqual(
          listed.map((r) => [r.patchId, text(r.envelope)]),
          [[B, 'rev B']],
        )
      },
    )
  })

  it('keeps manifests across close and reopen', async () => {
    await reopened(
      (s) => s.putManifest(A, bytes('manifest A')),
      async (s) => {
        assert.equal(text(await s.getManifest(A)), 'manifest A')
        assert.equal(await s.getManifest(B), undefined)
      },
    )
  })

  it('keeps the highest sequences across close and reopen', async () => {
    const seen = { sequence: 7, digest: 'ab'.repeat(32) }

    await reopened(
      (s) => s.sequences.put(`publisher/${A}`, seen),
      async (s) => {
        assert.deepEqual(await s.sequences.get(`publisher/${A}`), seen)
        assert.equal(await s.sequences.get(`publisher/${B}`), undefined)
      },
    )
  })

  it('keeps patch state records across close and reopen and lists them', async () => {
    const a: PatchState = {
      state: 'failed',
      createdAtMs: 1,
      updatedAtMs: 2,
      counters: { badChunks: 3 },
      failure: 'disk full',
    }
    const b: PatchState = { state: 'fetching', createdAtMs: 5, updatedAtMs: 5 }
    const expected = [
      { patchId: A, state: a },
      { patchId: B, state: b },
    ].sort((x, y) => (x.patchId < y.patchId ? -1 : 1))

    await reopened(
      async (s) => {
        await s.putPatchState(B, b)
        await s.putPatchState(A, a)
      },
      async (s) => {
        assert.deepEqual(await s.getPatchState(A), a)
        assert.deepEqual(await s.listPatchStates(), expected)
      },
    )
  })

  it('keeps node values across close and reopen', async () => {
    await reopened(
      (s) => s.putValue('identity', bytes('peer key')),
      async (s) => {
        assert.equal(text(await s.getValue('identity')), 'peer key')
        assert.equal(await s.getValue('enrolment'), undefined)
      },
    )
  })

  it('refuses a patch id that is not 32 lowercase hex characters', async () => {
    const store = await openNodeStore(dataDir, { log: silent })

    try {
      for (const bad of ['../../etc/passwd', A.toUpperCase(), A.slice(1), `${A}!0`]) {
        await assert.rejects(store.putManifest(bad, bytes('x')), { name: 'InvalidPatchIdError' })
      }
    } finally {
      await store.close()
    }
  })
})
