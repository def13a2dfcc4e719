import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'

import { createInstallLedger, INTERRUPTED } from '../../src/install/index.ts'
import type { InstallOutcome, KeyValueStore } from '../../src/install/index.ts'
import { createLogger } from '../../src/log.ts'
import { openNodeStore } from '../../src/store/index.ts'
import { scratch } from './fixtures.ts'

const silent = createLogger({ level: 'silent' })
const A = 'a'.repeat(32)
const B = 'b'.repeat(32)

const OUTCOME: InstallOutcome = {
  ok: true,
  exitCode: 0,
  reason: 'command succeeded',
  outputTail: 'done\n',
  startedAtMs: 1_000,
  finishedAtMs: 2_000,
}

/** An in-memory store; `failPuts` makes that many writes fail. */
function memoryStore(): KeyValueStore & { values: Map<string, Uint8Array>; failPuts: number } {
  const values = new Map<string, Uint8Array>()
  const store = {
    values,
    failPuts: 0,
    getValue: (key: string) => Promise.resolve(values.get(key)),
    putValue: (key: string, value: Uint8Array) => {
      if (store.failPuts > 0) {
        store.failPuts--

        return Promise.reject(new Error('disk on fire'))
      }
      values.set(key, value)

      return Promise.resolve()
    },
  }

  return store
}

describe('install ledger', () => {
  it('has no entry for a patch never begun', async () => {
    assert.equal(await createInstallLedger(memoryStore()).get(A), undefined)
  })

  it('reports a begun install as running, then its outcome', async () => {
    const ledger = createInstallLedger(memoryStore(), { now: () => 1_000 })
    await ledger.begin(A)

    assert.deepEqual(await ledger.get(A), { state: 'running', startedAtMs: 1_000 })
    await ledger.finish(A, OUTCOME)
    assert.deepEqual(await ledger.get(A), { state: 'finished', outcome: OUTCOME })
  })

  it('runs an install once: begin after begin or finish throws', async () => {
    const ledger = createInstallLedger(memoryStore())
    await ledger.begin(A)

    await assert.rejects(ledger.begin(A), { name: 'InstallAlreadyBegunError', state: 'running' })
    await ledger.finish(A, OUTCOME)
    await assert.rejects(ledger.begin(A), { name: 'InstallAlreadyBegunError', state: 'finished' })
  })

  it('lets only one of two racing begins through', async () => {
    const ledger = createInstallLedger(memoryStore())
    const results = await Promise.allSettled([ledger.begin(A), ledger.begin(A)])

    assert.deepEqual(
      results.map((r) => r.status),
      ['fulfilled', 'rejected'],
    )
  })

  it('refuses to finish an install it did not begin, or twice', async () => {
    const ledger = createInstallLedger(memoryStore())
    await assert.rejects(ledger.finish(A, OUTCOME), { name: 'InstallNotBegunError' })

    await ledger.begin(A)
    await ledger.finish(A, OUTCOME)
    await assert.rejects(ledger.finish(A, OUTCOME), { name: 'InstallNotBegunError' })
  })

  it('keeps patches apart', async () => {
    const ledger = createInstallLedger(memoryStore())
    await ledger.begin(A)
    await ledger.begin(B)
    await ledger.finish(B, { ...OUTCOME, ok: false, reason: 'command exited with code 3' })

    assert.equal((await ledger.get(A))?.state, 'running')
    assert.equal((await ledger.get(B))?.state, 'finished')
  })

  it('stays running when storing the outcome fails, so the finish can be retried', async () => {
    const store = memoryStore()
    const ledger = createInstallLedger(store)
    await ledger.begin(A)
    store.failPuts = 1

    await assert.rejects(ledger.finish(A, OUTCOME), /disk on fire/)
    assert.equal((await ledger.get(A))?.state, 'running')
    await ledger.finish(A, OUTCOME)
    assert.deepEqual(await ledger.get(A), { state: 'finished', outcome: OUTCOME })
  })

  it('releases a begin whose write failed', async () => {
    const store = memoryStore()
    const ledger = createInstallLedger(store)
    store.failPuts = 1

    await assert.rejects(ledger.begin(A), /disk on fire/)
    assert.equal(await ledger.get(A), undefined)
    await ledger.begin(A)
  })

  it('rejects an unreadable entry by name', async () => {
    const store = memoryStore()
    store.values.set(`install/${A}`, new TextEncoder().encode('{"v":1,"state":"exploded"}'))

    await assert.rejects(createInstallLedger(store).get(A), { name: 'LedgerRecordError' })
  })
})

describe('install ledger over the node store', () => {
  let dir: string
  let remove: () => Promise<void>

  before(async () => {
    ;({ dir, remove } = await scratch())
  })
  after(() => remove())

  const open = () => openNodeStore(dir, { log: silent })

  it('keeps an outcome across a restart', async () => {
    const first = await open()
    const ledger = createInstallLedger(first)
    await ledger.begin(A)
    await ledger.finish(A, OUTCOME)
    await first.close()

    const second = await open()
    try {
      const reopened = createInstallLedger(second)
      assert.deepEqual(await reopened.get(A), { state: 'finished', outcome: OUTCOME })
      await assert.rejects(reopened.begin(A), { state: 'finished' })
    } finally {
      await second.close()
    }
  })

  it('reports an install the process died in as interrupted, and never runs it again', async () => {
    const first = await open()
    await createInstallLedger(first, { now: () => 5_000 }).begin(B)
    await first.close() // no finish: the process died mid-install

    const second = await open()
    try {
      const reopened = createInstallLedger(second)
      const entry = await reopened.get(B)

      assert.equal(entry?.state, 'finished')
      assert.equal(entry.outcome.ok, false)
      assert.equal(entry.outcome.reason, INTERRUPTED)
      assert.equal(entry.outcome.startedAtMs, 5_000)
      await assert.rejects(reopened.begin(B), {
        name: 'InstallAlreadyBegunError',
        state: 'interrupted',
      })
      await assert.rejects(reopened.finish(B, OUTCOME), { name: 'InstallNotBegunError' })
    } finally {
      await second.close()
    }
  })
})
