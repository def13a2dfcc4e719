import assert from 'node:assert/strict'
import { readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, it } from 'node:test'

import { createInstallLedger } from '../../src/install/index.ts'
import type { InstallAction } from '../../src/install/index.ts'
import { NodeEvents } from '../../src/node/events.ts'
import { InstallController } from '../../src/node/installs.ts'
import type { ReportedState } from '../../src/node/installs.ts'
import { openNodeStore } from '../../src/store/node-store.ts'
import type { NodeStore } from '../../src/store/node-store.ts'
import { signRecord } from '../../src/trust/index.ts'
import {
  announcement,
  approval,
  DAY,
  halt,
  makeAuthority,
  revocation,
  sha256,
  T0,
} from '../fixtures/trust.ts'
import { scratch, silent } from '../store/helpers.ts'

const PATCH = announcement().patchId
const HOUR = 3_600_000
const authority = makeAuthority()

interface Harness {
  controller: InstallController
  store: NodeStore
  fetched: string[]
  steps: Array<{ state: ReportedState; reason: string }>
  clock: { now: number }
  /** Marks the patch verified whole, as the node does when its download completes. */
  downloaded(): Promise<void>
}

describe('InstallController', () => {
  let dir: string
  let remove: () => Promise<void>
  let store: NodeStore
  const open: InstallController[] = []

  beforeEach(async () => {
    ;({ dir, remove } = await scratch())
    store = await openNodeStore(join(dir, 'node'), { log: silent })
  })

  afterEach(async () => {
    for (const c of open.splice(0)) await c.stop()
    await store.close()
    await remove()
  })

  /** A controller for a canary node over `store`, with the patch file at DIR/patch.bin. */
  function harness(action?: InstallAction, prefetch = false): Harness {
    const clock = { now: T0 + HOUR }
    const fetched: string[] = []
    const steps: Harness['steps'] = []
    let verified = false
    const controller = new InstallController({
      store,
      ledger: createInstallLedger(store, { now: () => clock.now }),
      profile: { ring: 'canary', groups: ['tills'], timeZone: 'UTC' },
      action: action ?? { kind: 'stage', directory: join(dir, 'staged') },
      prefetch,
      verifiedPath: () => (verified ? join(dir, 'patch.bin') : undefined),
      fetch: (patchId) => {
        fetched.push(patchId)
        return Promise.resolve()
      },
      report: (_patchId, state, reason) => steps.push({ state, reason }),
      events: new NodeEvents(),
      log: silent,
      now: () => clock.now,
    })
    open.push(controller)

    return {
      controller,
      store,
      fetched,
      steps,
      clock,
      downloaded: async () => {
        verified = true
        await controller.evaluate(PATCH)
      },
    }
  }

  const DATA = new TextEncoder().encode('the patch itself')

  async function announce(): Promise<void> {
    await writeFile(join(dir, 'patch.bin'), DATA)
    const a = announcement({ size: DATA.byteLength, sha256: sha256(DATA) })
    await store.putRecord(
      'announcement',
      PATCH,
      signRecord('announcement', a, authority.keys.publisher),
    )
  }

  async function approve(fields: Parameters<typeof approval>[0] = {}): Promise<void> {
    const a = approval(fields)
    const subject = a.ring !== '' ? `ring:${a.ring}` : `group:${a.group}`
    await store.putRecord(
      'approval',
      PATCH,
      signRecord('approval', a, authority.keys.coordinator),
      subject,
    )
  }

  const states = (h: Harness) => h.steps.map((s) => s.state)

  it('neither fetches nor installs an announced patch before it is approved', async () => {
    const h = harness()
    await announce()

    await h.controller.evaluate(PATCH)
    await h.downloaded()

    assert.deepEqual(h.fetched, [])
    assert.deepEqual(states(h), ['waiting-approval'])
    await assert.rejects(readFile(join(dir, 'staged', 'openssl-3.0.15-1')), { code: 'ENOENT' })
  })

  it('fetches on announcement when prefetching, and still waits for approval to install', async () => {
    const h = harness(undefined, true)
    await announce()

    await h.controller.evaluate(PATCH)
    assert.deepEqual(h.fetched, [PATCH])
    await h.downloaded()

    assert.deepEqual(states(h), ['waiting-approval'])
  })

  it('fetches once approved for its ring, then installs once and reports each step', async () => {
    const h = harness()
    await announce()
    await approve()

    await h.controller.evaluate(PATCH)
    assert.deepEqual(h.fetched, [PATCH])
    await h.downloaded()
    await h.controller.evaluate(PATCH)

    assert.deepEqual(states(h), ['installing', 'installed'])
    assert.deepEqual(await readFile(join(dir, 'staged', 'openssl-3.0.15-1')), Buffer.from(DATA))
  })

  it('ignores an approval for another ring, and installs on one for its group', async () => {
    const h = harness()
    await announce()
    await approve({ ring: 'broad' })
    await h.downloaded()
    assert.deepEqual(states(h), ['waiting-approval'])

    await approve({ ring: '', group: 'tills' })
    await h.controller.evaluate(PATCH)

    assert.deepEqual(states(h), ['waiting-approval', 'installing', 'installed'])
  })

  it('keeps a halted patch from installing until an approval issued after the halt', async () => {
    const h = harness()
    await announce()
    await approve({ issuedAtMs: T0 })
    await store.putRecord(
      'halt',
      PATCH,
      signRecord('halt', halt({ issuedAtMs: T0 + 1 }), authority.keys.coordinator),
    )
    await h.downloaded()
    assert.deepEqual(states(h), ['waiting-approval'])
    assert.match(h.steps[0].reason, /halted: canaries fail/)

    await approve({ issuedAtMs: T0 + 2, sequence: 2 })
    await h.controller.evaluate(PATCH)

    assert.deepEqual(states(h).slice(1), ['installing', 'installed'])
  })

  it('waits for the maintenance window, then installs when it opens', async () => {
    const h = harness()
    await announce()
    // T0 is a Tuesday at midnight UTC; the window is every day 02:00-03:00.
    await approve({ windows: [{ days: 0x7f, startMinute: 120, durationMinutes: 60 }] })
    await h.downloaded()
    assert.deepEqual(states(h), ['waiting-window'])

    h.clock.now = T0 + 2 * HOUR + 60_000
    await h.controller.evaluate(PATCH)

    assert.deepEqual(states(h), ['waiting-window', 'installing', 'installed'])
  })

  it('installs outside any window once the deadline has passed', async () => {
    const h = harness()
    await announce()
    await approve({
      windows: [{ days: 0x7f, startMinute: 120, durationMinutes: 60 }],
      deadlineMs: T0 + HOUR / 2,
    })

    await h.downloaded()

    assert.deepEqual(states(h), ['installing', 'installed'])
  })

  it('reports a failing install command as failed with its exit code, and does not retry it on its own', async () => {
    const h = harness({ kind: 'command', command: 'sh', args: ['-c', 'echo broken; exit 3'] })
    await announce()
    await approve()

    await h.downloaded()
    await h.controller.evaluate(PATCH)

    assert.deepEqual(states(h), ['installing', 'failed'])
    assert.match(h.steps[1].reason, /3/)
  })

  /** A command that appends a line to DIR/runs per run and fails unless DIR/fixed exists. */
  function countedCommand(): InstallAction {
    const script = `echo run >> "${join(dir, 'runs')}"; test -e "${join(dir, 'fixed')}"`

    return { kind: 'command', command: 'sh', args: ['-c', script] }
  }
  const runs = async () =>
    (await readFile(join(dir, 'runs'), 'utf8').catch(() => '')).split('\n').filter(Boolean).length

  it('retries a failed install once on an approval issued after the failure, as a new installing step', async () => {
    const h = harness(countedCommand())
    await announce()
    await approve({ issuedAtMs: T0 })
    await h.downloaded()
    assert.deepEqual(states(h), ['installing', 'failed'])

    await approve({ issuedAtMs: T0 + HOUR / 2, sequence: 2 })
    await h.controller.evaluate(PATCH)

    assert.deepEqual(states(h), ['installing', 'failed', 'installing', 'failed'])
    assert.match(h.steps[2].reason, /^retrying after a new approval; approved for ring canary/)
    assert.equal(await runs(), 2)
  })

  it('does not retry a failed install again without yet another approval', async () => {
    const h = harness(countedCommand())
    await announce()
    await approve({ issuedAtMs: T0 })
    await h.downloaded()
    await approve({ issuedAtMs: T0 + HOUR / 2, sequence: 2 })
    await h.controller.evaluate(PATCH)

    for (let i = 0; i < 3; i++) await h.controller.evaluate(PATCH)
    h.clock.now += DAY
    await h.controller.evaluate(PATCH)

    assert.equal(await runs(), 2)
    assert.deepEqual(states(h), ['installing', 'failed', 'installing', 'failed'])
  })

  it('installs on a retry, and then never again, whatever approvals follow', async () => {
    const h = harness(countedCommand())
    await announce()
    await approve({ issuedAtMs: T0 })
    await h.downloaded()
    await writeFile(join(dir, 'fixed'), '')

    await approve({ ring: '', group: 'tills', issuedAtMs: T0 + HOUR / 2 })
    await h.controller.evaluate(PATCH)
    await approve({ issuedAtMs: T0 + HOUR / 2 + 1, sequence: 2 })
    await h.controller.evaluate(PATCH)

    assert.deepEqual(states(h), ['installing', 'failed', 'installing', 'installed'])
    assert.equal(await runs(), 2)
  })

  it('retries an install that failed before a restart once a later approval arrives', async () => {
    const first = harness(countedCommand())
    await announce()
    await approve({ issuedAtMs: T0 })
    await first.downloaded()
    await first.controller.stop()

    const second = harness(countedCommand())
    await second.downloaded()
    assert.deepEqual(states(second), ['failed'])
    await approve({ issuedAtMs: T0 + HOUR / 2, sequence: 2 })
    await second.controller.evaluate(PATCH)

    assert.deepEqual(states(second), ['failed', 'installing', 'failed'])
    assert.equal(await runs(), 2)
  })

  it('kills an install command that hangs past its time-out and reports it failed', async () => {
    const h = harness({
      kind: 'command',
      // The patch file's path comes last: sh takes it as $0.
      command: 'sh',
      args: ['-c', 'sleep 30'],
      timeoutMs: 200,
      killGraceMs: 100,
    })
    await announce()
    await approve()

    await h.downloaded()

    assert.deepEqual(states(h), ['installing', 'failed'])
    assert.match(h.steps[1].reason, /time/i)
  })

  it('does not install again after a restart, and reports the stored outcome', async () => {
    const first = harness()
    await announce()
    await approve()
    await first.downloaded()
    assert.deepEqual(states(first), ['installing', 'installed'])
    await first.controller.stop()

    const second = harness({ kind: 'command', command: 'false' })
    await second.downloaded()

    assert.deepEqual(states(second), ['installed'])
  })

  it('does nothing with a revoked patch, approved or not', async () => {
    const h = harness()
    await announce()
    await approve()
    await store.putRecord(
      'revocation',
      PATCH,
      signRecord('revocation', revocation({ issuedAtMs: T0 + DAY }), authority.keys.publisher),
    )

    await h.downloaded()

    assert.deepEqual(h.fetched, [])
    assert.deepEqual(states(h), [])
  })
})
