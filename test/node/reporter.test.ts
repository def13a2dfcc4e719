import assert from 'node:assert/strict'
import { join } from 'node:path'
import { after, afterEach, before, beforeEach, describe, it } from 'node:test'
import { generateKeyPair } from '@libp2p/crypto/keys'
import type { PeerId, PrivateKey } from '@libp2p/interface'
import { ReportRefusedError } from '../../src/coordinator/errors.ts'
import { createLogger } from '../../src/log.ts'
import { InvalidStatusReportError } from '../../src/mesh/errors.ts'
import { createHost } from '../../src/mesh/host.ts'
import type { Host } from '../../src/mesh/host.ts'
import { serveStatus } from '../../src/mesh/status-protocol.ts'
import type { StatusHandler } from '../../src/mesh/status-protocol.ts'
import { StatusReporter } from '../../src/node/reporter.ts'
import type { StatusReporterOptions } from '../../src/node/reporter.ts'
import { openNodeStore } from '../../src/store/node-store.ts'
import type { NodeStore } from '../../src/store/node-store.ts'
import type { StatusReport } from '../../src/wire/mesh.ts'
import { PATCH, scratch, silent, startHost, stopAll } from '../mesh/helpers.ts'

const PATIENCE = 30_000
const OTHER = 'cd'.repeat(16)
const NOW = 1_700_000_000_000

/** Resolves once `cond` holds; fails after PATIENCE saying what was awaited. */
async function until(cond: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + PATIENCE
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`${what}: not after ${PATIENCE} ms`)
    await new Promise((resolve) => setTimeout(resolve, 10))
  }
}

/** The coordinator's side: every report its handler was given, and the ones it recorded. */
class Coordinator {
  readonly seen: StatusReport[] = []
  readonly recorded: StatusReport[] = []
  /** Reports of these patches are answered retry-later (patch not known yet). */
  readonly unknown = new Set<string>()
  host!: Host
  #stop: (() => Promise<void>) | undefined

  readonly handler: StatusHandler = (report) => {
    this.seen.push(report)
    if (this.unknown.has(report.patchId)) {
      return Promise.reject(new ReportRefusedError(report.nodeId, 'patch not known yet', true))
    }
    const outcome = this.recorded.some((r) => r.sequence === report.sequence)
      ? 'duplicate'
      : 'recorded'
    if (outcome === 'recorded') this.recorded.push(report)

    return Promise.resolve(outcome)
  }

  async serve(): Promise<void> {
    this.#stop = await serveStatus(this.host, this.handler, silent)
  }

  async unserve(): Promise<void> {
    await this.#stop?.()
    this.#stop = undefined
  }

  /** Sequences recorded, in arrival order. */
  sequences(): number[] {
    return this.recorded.map((r) => r.sequence)
  }
}

describe('StatusReporter', () => {
  let dir: string
  let remove: () => Promise<void>
  let store: NodeStore
  let node: Host
  let coordinatorKey: PrivateKey
  const coordinator = new Coordinator()
  const reporters: StatusReporter[] = []
  const hosts: Host[] = []

  before(async () => {
    node = await startHost()
    coordinatorKey = await generateKeyPair('Ed25519')
  })
  after(() => stopAll(node))

  beforeEach(async () => {
    ;({ dir, remove } = await scratch())
    store = await openNodeStore(join(dir, 'node'), { log: silent })
    coordinator.seen.length = 0
    coordinator.recorded.length = 0
    coordinator.unknown.clear()
    await startCoordinator()
  })

  afterEach(async () => {
    for (const r of reporters.splice(0)) await r.stop()
    await stopAll(...hosts.splice(0))
    await store.close()
    await remove()
  })

  /** A coordinator host (always the same peer id) the node knows the address of; not serving. */
  async function startCoordinator(): Promise<void> {
    const host = await createHost({ privateKey: coordinatorKey, listen: ['/ip4/127.0.0.1/tcp/0'] })
    hosts.push(host)
    coordinator.host = host
    await node.peerStore.merge(host.peerId, { multiaddrs: host.getMultiaddrs() })
  }

  function reporter(overrides: Partial<StatusReporterOptions> = {}): StatusReporter {
    const r = new StatusReporter({
      host: node,
      store,
      site: 'leeds',
      ring: 'canary',
      groups: ['tills'],
      coordinator: (): PeerId => coordinator.host.peerId,
      log: silent,
      now: () => NOW,
      retryMinMs: 10,
      retryMaxMs: 50,
      ...overrides,
    })
    reporters.push(r)

    return r
  }

  /** A logger whose message lines are kept. */
  function capture(): { lines: string[]; log: ReturnType<typeof createLogger> } {
    const lines: string[] = []
    const destination = {
      write: (line: string) => void lines.push((JSON.parse(line) as { msg: string }).msg),
    }

    return { lines, log: createLogger({ level: 'debug', destination }) }
  }

  it('delivers reports in order, once each, with the node settings', async () => {
    await coordinator.serve()
    const r = reporter()
    await r.start()

    const sequences = [
      await r.report(PATCH, { state: 'announced' }),
      await r.report(PATCH, { state: 'downloading', chunksHeld: 2, chunkCount: 4 }),
      await r.report(PATCH, { state: 'failed', reason: 'exit 1\r\n\u001b[31mred' }),
    ]
    await until(() => r.pending === 0, 'every report delivered')

    assert.deepEqual(sequences, [1, 2, 3])
    assert.deepEqual(coordinator.sequences(), [1, 2, 3])
    assert.equal(coordinator.seen.length, 3)
    const [first, second, third] = coordinator.recorded
    assert.equal(first.nodeId, node.peerId.toString())
    assert.deepEqual(
      [first.site, first.ring, first.groups, first.timeMs],
      ['leeds', 'canary', ['tills'], NOW],
    )
    assert.deepEqual([second.chunksHeld, second.chunkCount], [2, 4])
    assert.equal(third.reason, 'exit 1\ufffd\n\ufffd[31mred')
  })

  it('keeps reports while the coordinator serves no status, then sends each once', async () => {
    const { lines, log } = capture()
    const r = reporter({ log })
    await r.start()
    await r.report(PATCH, { state: 'announced' })
    await r.report(PATCH, { state: 'waiting-approval' })

    await until(() => lines.includes('coordinator unreachable; keeping reports'), 'a failed try')
    await until(() => lines.includes('coordinator still unreachable'), 'a second failed try')
    assert.equal(r.pending, 2)

    await coordinator.serve()
    await until(() => r.pending === 0, 'delivery once the coordinator serves status')
    assert.deepEqual(coordinator.sequences(), [1, 2])
    assert.equal(coordinator.seen.length, 2)
  })

  it('keeps reports while no coordinator is known', async () => {
    let known = false
    const { lines, log } = capture()
    const r = reporter({ log, coordinator: () => (known ? coordinator.host.peerId : undefined) })
    await coordinator.serve()
    await r.start()
    await r.report(PATCH, { state: 'announced' })

    await until(() => lines.includes('coordinator still unreachable'), 'two tries')
    assert.equal(r.pending, 1)
    known = true

    await until(() => r.pending === 0, 'delivery once a coordinator is known')
    assert.deepEqual(coordinator.sequences(), [1])
  })

  it('resumes after the coordinator was stopped and came back at a new address', async () => {
    await coordinator.serve()
    const r = reporter()
    await r.start()
    await r.report(PATCH, { state: 'announced' })
    await until(() => r.pending === 0, 'the first report delivered')

    await coordinator.host.stop()
    await r.report(PATCH, { state: 'downloading' })
    await r.report(PATCH, { state: 'downloaded' })
    await new Promise((resolve) => setTimeout(resolve, 100))
    assert.equal(r.pending, 2)

    await startCoordinator()
    await coordinator.serve()
    await until(() => r.pending === 0, 'delivery to the coordinator that came back')
    assert.deepEqual(coordinator.sequences(), [1, 2, 3])
    assert.equal(coordinator.seen.length, 3)
  })

  it('a reporter restarted over its store sends what was pending, reuses no sequence', async () => {
    const first = reporter({ coordinator: () => undefined })
    await first.start()
    await first.report(PATCH, { state: 'announced' })
    await first.report(OTHER, { state: 'announced' })
    await first.report(PATCH, { state: 'installed' })
    await first.stop()
    await store.close()
    store = await openNodeStore(join(dir, 'node'), { log: silent })

    await coordinator.serve()
    const second = reporter()
    await second.start()
    assert.ok(second.pending > 0, 'the reports left behind were loaded')
    const next = await second.report(OTHER, { state: 'installed' })
    await until(() => second.pending === 0, 'delivery after the restart')

    assert.equal(next, 4)
    assert.deepEqual(coordinator.sequences(), [1, 2, 3, 4])
    assert.equal(coordinator.seen.length, 4)
    assert.deepEqual(
      coordinator.recorded.map((rep) => [rep.patchId, rep.state]),
      [
        [PATCH, 'announced'],
        [OTHER, 'announced'],
        [PATCH, 'installed'],
        [OTHER, 'installed'],
      ],
    )
  })

  it('keeps a deferred report until it is accepted, delivering others meanwhile', async () => {
    coordinator.unknown.add(OTHER)
    await coordinator.serve()
    const r = reporter()
    await r.start()
    await r.report(OTHER, { state: 'announced' })
    await r.report(PATCH, { state: 'announced' })

    await until(() => coordinator.sequences().includes(2), 'the known patch reported')
    await until(() => coordinator.seen.filter((s) => s.sequence === 1).length >= 3, 'retries')
    assert.equal(r.pending, 1)

    coordinator.unknown.delete(OTHER)
    await until(() => r.pending === 0, 'the deferred report accepted')
    assert.deepEqual(coordinator.sequences(), [2, 1])
  })

  it('replaces undelivered progress of a patch by newer progress, keeping steps', async () => {
    const r = reporter({ coordinator: () => undefined })
    await r.start()
    await r.report(PATCH, { state: 'announced' })
    await r.report(PATCH, { state: 'downloading', chunksHeld: 1, chunkCount: 9 })
    await r.report(OTHER, { state: 'downloading', chunksHeld: 5, chunkCount: 9 })
    await r.report(PATCH, { state: 'downloading', chunksHeld: 2, chunkCount: 9 })
    await r.report(PATCH, { state: 'downloading', chunksHeld: 3, chunkCount: 9 })
    assert.equal(r.pending, 3)
    await r.stop()

    await coordinator.serve()
    const again = reporter()
    await again.start()
    await until(() => again.pending === 0, 'delivery')
    assert.deepEqual(coordinator.sequences(), [1, 3, 5])
    assert.equal(coordinator.recorded[2].chunksHeld, 3)
  })

  it('keeps at most maxPending reports: drops progress, then superseded steps', async () => {
    const { lines, log } = capture()
    const r = reporter({ coordinator: () => undefined, maxPending: 3, log })
    await r.start()
    await r.report(PATCH, { state: 'announced' })
    await r.report(PATCH, { state: 'downloading' })
    await r.report(PATCH, { state: 'downloaded' })
    await r.report(OTHER, { state: 'announced' })
    await r.report(PATCH, { state: 'installing' })
    await r.stop()

    await coordinator.serve()
    const again = reporter()
    await again.start()
    await until(() => again.pending === 0, 'delivery')
    assert.deepEqual(coordinator.sequences(), [3, 4, 5])
    assert.equal(lines.filter((l) => l.startsWith('outbox full')).length, 2)
  })

  /** The node store, whose writes fail with ENOSPC while `full` is set. */
  function fullDisk(): StatusReporterOptions['store'] & { full: boolean; writes: number } {
    const disk = {
      full: true,
      writes: 0,
      getValue: (key: string) => store.getValue(key),
      putValue: (key: string, value: Uint8Array) => {
        disk.writes++
        if (!disk.full) return store.putValue(key, value)
        const err = Object.assign(new Error('IO error: No space left on device'), {
          code: 'ENOSPC',
        })

        return Promise.reject(err)
      },
    }

    return disk
  }

  it('keeps a report the store cannot take in memory, and queues and sends it once it can', async () => {
    await coordinator.serve()
    const disk = fullDisk()
    const { lines, log } = capture()
    const r = reporter({ store: disk, log })
    await r.start()

    assert.equal(
      await r.report(PATCH, { state: 'downloading', reason: 'disk full: /d' }),
      undefined,
    )
    assert.equal(await r.report(PATCH, { state: 'failed', reason: 'exit 3' }), undefined)
    assert.deepEqual([r.unqueued, r.pending], [2, 0])
    await until(() => disk.writes >= 3, 'the store tried again on its own')
    assert.equal(lines.filter((l) => l.startsWith('status report not queued')).length, 1)

    disk.full = false
    await until(() => r.unqueued === 0 && r.pending === 0, 'stored and delivered')
    assert.deepEqual(
      coordinator.recorded.map((rep) => [rep.sequence, rep.state, rep.reason]),
      [
        [1, 'downloading', 'disk full: /d'],
        [2, 'failed', 'exit 3'],
      ],
    )
  })

  it('stores held reports before a newer one, so sequences keep the order they were made in', async () => {
    const disk = fullDisk()
    const r = reporter({ store: disk, coordinator: () => undefined, retryMinMs: 60_000 })
    await r.start()
    await r.report(PATCH, { state: 'announced' })
    await r.report(PATCH, { state: 'downloading', chunksHeld: 1, chunkCount: 4 })
    await r.report(PATCH, { state: 'downloading', chunksHeld: 2, chunkCount: 4 })

    disk.full = false
    const sequence = await r.report(PATCH, { state: 'downloaded' })

    assert.equal(sequence, 3, 'announced 1, the latest progress 2, downloaded 3')
    assert.deepEqual([r.unqueued, r.pending], [0, 3])
  })

  it('refuses fields no report could carry, naming them, and queues nothing', async () => {
    const r = reporter({ coordinator: () => undefined })
    const bad: Array<[string, Parameters<StatusReporter['report']>[1], RegExp]> = [
      ['not-a-patch', { state: 'announced' }, /patchId/],
      [PATCH, { state: 'sleeping' as 'announced' }, /state/],
      [PATCH, { state: 'downloading', chunksHeld: 5, chunkCount: 4 }, /chunksHeld/],
      [PATCH, { state: 'downloading', bytesOrigin: -1 }, /bytesOrigin/],
    ]

    for (const [patchId, fields, field] of bad) {
      await assert.rejects(r.report(patchId, fields), (err: unknown) => {
        assert.ok(err instanceof InvalidStatusReportError, String(err))
        assert.match(err.reason, field)
        return true
      })
    }
    assert.equal(r.pending, 0)
    assert.throws(() => reporter({ site: 'a\nb' }), /site/)
    assert.throws(() => reporter({ groups: ['x'.repeat(129)] }), /groups\[0\]/)
    assert.throws(() => reporter({ maxPending: 1000 }), RangeError)
  })
})
