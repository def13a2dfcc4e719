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

const FINISHED = { state: 'finished', outcome: OUTCOME, attempt: 1, newestApprovalMs: 0 }
const FAILED: InstallOutcome = { ...OUTCOME, ok: false, exitCode: 3, reason: 'exit 3' }

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

    assert.deepEqual(await ledger.get(A), { state: 'running', startedAtMs: 1_000, attempt: 1 })
    await ledger.finish(A, OUTCOME)
    assert.deepEqual(await ledger.get(A), FINISHED)
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
    assert.deepEqual(await ledger.get(A), FINISHED)
  })

  it('releases a begin whose write failed', async () => {
    const store = memoryStore()
    const ledger = createInstallLedger(store)
    store.failPuts = 1

    await assert.rejects(ledger.begin(A), /disk on fire/)
    assert.equal(await ledger.get(A), undefined)
    await ledger.begin(A)
  })

  it('keeps with a failure the newest approval known when it failed', async () => {
    const ledger = createInstallLedger(memoryStore())
    await ledger.begin(A, { newestApprovalMs: 100 })
    await ledger.finish(A, FAILED, { newestApprovalMs: 150 })

    assert.deepEqual(await ledger.get(A), {
      state: 'finished',
      outcome: FAILED,
      attempt: 1,
      newestApprovalMs: 150,
    })
  })

  it('begins a failed install again only when asked for a retry, as its next attempt', async () => {
    const ledger = createInstallLedger(memoryStore(), { now: () => 7_000 })
    await ledger.begin(A, { newestApprovalMs: 100 })
    await ledger.finish(A, FAILED)

    await assert.rejects(ledger.begin(A), { name: 'InstallAlreadyBegunError', state: 'finished' })
    await ledger.begin(A, { retry: true, newestApprovalMs: 200 })
    assert.deepEqual(await ledger.get(A), { state: 'running', startedAtMs: 7_000, attempt: 2 })
    await ledger.finish(A, FAILED)
    const entry = await ledger.get(A)
    assert.equal(entry?.state === 'finished' && entry.attempt, 2)
    assert.equal(entry?.state === 'finished' && entry.newestApprovalMs, 200)
  })

  it('never begins a succeeded install again, retry or not', async () => {
    const ledger = createInstallLedger(memoryStore())
    await ledger.begin(A)
    await ledger.finish(A, OUTCOME)

    await assert.rejects(ledger.begin(A, { retry: true }), {
      name: 'InstallAlreadyBegunError',
      state: 'finished',
    })
  })

  it('refuses a retry of an install still running', async () => {
    const ledger = createInstallLedger(memoryStore())
    await ledger.begin(A)

    await assert.rejects(ledger.begin(A, { retry: true }), {
      name: 'InstallAlreadyBegunError',
      state: 'running',
    })
  })

  it('reads an entry stored before attempts were kept as attempt 1, failed when it finished', async () => {
    const store = memoryStore()
    const old = { v: 1, state: 'finished', outcome: FAILED }
    store.values.set(`install/${A}`, new TextEncoder().encode(JSON.stringify(old)))

    assert.deepEqual(await createInstallLedger(store).get(A), {
      state: 'finished',
      outcome: FAILED,
      attempt: 1,
      newestApprovalMs: FAILED.finishedAtMs,
    })
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
      assert.deepEqual(await reopened.get(A), FINISHED)
      await assert.rejects(reopened.begin(A), { state: 'finished' })
    } finally {
      await second.close()
    }
  })

  it('reports an install the process died in as interrupted, and never runs it again unasked', async () => {
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

  it('begins an interrupted install again on a retry, keeping the approval it began under', async () => {
    const patch = 'c'.repeat(32)
    const first = await open()
    await createInstallLedger(first, { now: () => 5_000 }).begin(patch, { newestApprovalMs: 40 })
    await first.close() // no finish: the process died mid-install

    const second = await open()
    try {
      const reopened = createInstallLedger(second, { now: () => 9_000 })
      const entry = await reopened.get(patch)
      assert.equal(entry?.state === 'finished' && entry.newestApprovalMs, 40)

      await reopened.begin(patch, { retry: true, newestApprovalMs: 60 })
      assert.deepEqual(await reopened.get(patch), {
        state: 'running',
        startedAtMs: 9_000,
        attempt: 2,
      })
    } finally {
      await second.close()
    }
  })
})
