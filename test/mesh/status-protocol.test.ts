import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { generateKeyPair } from '@libp2p/crypto/keys'
import type { PeerId, Stream } from '@libp2p/interface'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { lpStream } from '@libp2p/utils'
import { ReportRefusedError } from '../../src/coordinator/errors.ts'
import { InvalidReportError, PatchMismatchError } from '../../src/coordinator/rollout/errors.ts'
import { createLogger } from '../../src/log.ts'
import { MeshRequestError } from '../../src/mesh/errors.ts'
import type { Host } from '../../src/mesh/host.ts'
import { STATUS_PROTOCOL } from '../../src/mesh/protocols.ts'
import { sendReports, serveStatus } from '../../src/mesh/status-protocol.ts'
import type {
  AckOutcome,
  HandledOutcome,
  StatusHandler,
  StatusServerOptions,
} from '../../src/mesh/status-protocol.ts'
import { WireDecodeError } from '../../src/wire/errors.ts'
import { MAX_SMALL_FRAME_BYTES, MAX_STATUS_BATCH } from '../../src/wire/limits.ts'
import {
  decodeStatusAck,
  decodeStatusOutbox,
  StatusAck,
  StatusOutbox,
  StatusOutcome,
  StatusReport,
} from '../../src/wire/mesh.ts'
import { connectedPair, deferred, PATCH, silent, stopAll, varint, within } from './helpers.ts'

const PATIENCE = 30_000

let server: Host
let client: Host

before(async () => {
  ;({ server, client } = await connectedPair())
})
after(() => stopAll(server, client))

/** A report from the client host, the `sequence`-th. */
function report(sequence: number, overrides: Partial<StatusReport> = {}): StatusReport {
  return {
    nodeId: client.peerId.toString(),
    patchId: PATCH,
    state: 'downloading',
    site: 'leeds',
    ring: 'canary',
    groups: ['tills'],
    chunksHeld: sequence,
    chunkCount: 10,
    bytesOwnSite: 100,
    bytesOtherSites: 20,
    bytesOrigin: 3,
    reason: '',
    sequence,
    timeMs: 1_700_000_000_000 + sequence,
    ...overrides,
  }
}

/** A handler that keeps what it is given and answers `outcome`. */
function recording(outcome: HandledOutcome = 'recorded') {
  const got: Array<{ report: StatusReport; from: string }> = []
  const handler: StatusHandler = (r, from) => {
    got.push({ report: r, from: from.toString() })
    return Promise.resolve(outcome)
  }

  return { got, handler }
}

/** A logger whose lines are kept, parsed. */
function capture() {
  const lines: Array<Record<string, unknown>> = []
  const log = createLogger({
    level: 'trace',
    destination: { write: (line: string) => void lines.push(JSON.parse(line)) },
  })

  return { lines, log }
}

async function serving<T>(
  handler: StatusHandler,
  fn: () => Promise<T>,
  opts: StatusServerOptions & { log?: ReturnType<typeof createLogger> } = {},
): Promise<T> {
  const stop = await serveStatus(server, handler, opts.log ?? silent, opts)
  try {
    return await fn()
  } finally {
    await stop()
  }
}

function outcomes(acks: Array<{ outcome: AckOutcome }>): AckOutcome[] {
  return acks.map((a) => a.outcome)
}

/** A raw status stream from the client, and a promise that settles when it closes. */
async function rawStream(): Promise<{ stream: Stream; closed: Promise<void> }> {
  const stream = await client.dialProtocol(server.peerId, STATUS_PROTOCOL, {
    signal: AbortSignal.timeout(PATIENCE),
  })
  const closed = new Promise<void>((resolve) => {
    stream.addEventListener('close', () => resolve(), { once: true })
  })

  return { stream, closed }
}

/** `body` with its length prefix. */
function framed(body: Uint8Array): Uint8Array {
  return Uint8Array.from([...varint(body.byteLength), ...body])
}

async function otherPeer(): Promise<PeerId> {
  return peerIdFromPrivateKey(await generateKeyPair('Ed25519'))
}

describe('sendReports to a coordinator serving status', () => {
  it('delivers every report in order, from the authenticated peer, and acks each', async () => {
    const { got, handler } = recording()
    const reports = [report(1), report(2), report(3, { state: 'installed' })]

    const acks = await serving(handler, () => sendReports(client, server.peerId, reports))

    assert.deepEqual(acks, [
      { sequence: 1, outcome: 'recorded', reason: '' },
      { sequence: 2, outcome: 'recorded', reason: '' },
      { sequence: 3, outcome: 'recorded', reason: '' },
    ])
    assert.deepEqual(
      got.map((g) => g.report),
      reports,
    )
    assert.ok(got.every((g) => g.from === client.peerId.toString()))
  })

  for (const outcome of ['duplicate', 'stale'] as const) {
    it(`passes the handler's ${outcome} on`, async () => {
      const { handler } = recording(outcome)

      const acks = await serving(handler, () => sendReports(client, server.peerId, [report(4)]))

      assert.deepEqual(outcomes(acks), [outcome])
    })
  }

  it('sends nothing and dials nobody for no reports', async () => {
    const acks = await sendReports(client, await otherPeer(), [])

    assert.deepEqual(acks, [])
  })

  it('refuses a batch over the limit before dialling', async () => {
    const many = Array.from({ length: MAX_STATUS_BATCH + 1 }, (_, i) => report(i + 1))

    await assert.rejects(sendReports(client, await otherPeer(), many), RangeError)
  })

  it('fails with a MeshRequestError when the peer does not serve status', async () => {
    await assert.rejects(sendReports(client, server.peerId, [report(1)]), (err: unknown) => {
      assert.ok(err instanceof MeshRequestError, String(err))
      assert.equal(err.peer, server.peerId.toString())
      return true
    })
  })
})

describe('the coordinator side', () => {
  it("refuses a report naming another node, logs the peer, records the sender's", async () => {
    const { got, handler } = recording()
    const { lines, log } = capture()
    const forged = report(1, { nodeId: (await otherPeer()).toString() })

    const acks = await serving(
      handler,
      () => sendReports(client, server.peerId, [forged, report(2)]),
      { log },
    )

    assert.deepEqual(outcomes(acks), ['refused', 'recorded'])
    assert.match(acks[0].reason, /not by the node it names/)
    assert.deepEqual(
      got.map((g) => g.report.sequence),
      [2],
    )
    const warning = lines.find((l) => l.msg === 'status report names another node; refused')
    assert.equal(warning?.peer, client.peerId.toString())
    assert.equal(warning?.nodeId, forged.nodeId)
  })

  const errors: Array<{ label: string; error: Error; outcome: AckOutcome }> = [
    {
      label: 'InvalidReportError',
      error: new InvalidReportError('state', 'is not a known state'),
      outcome: 'refused',
    },
    { label: 'PatchMismatchError', error: new PatchMismatchError(PATCH, 'cd'), outcome: 'refused' },
    {
      label: 'ReportRefusedError with retry',
      error: new ReportRefusedError('n', 'patch not known yet', true),
      outcome: 'retry-later',
    },
    {
      label: 'ReportRefusedError without retry',
      error: new ReportRefusedError('n', 'never', false),
      outcome: 'refused',
    },
    { label: 'any other error', error: new Error('disk full'), outcome: 'retry-later' },
  ]
  for (const { label, error, outcome } of errors) {
    it(`acks ${outcome} when the handler throws ${label}`, async () => {
      const handler: StatusHandler = () => Promise.reject(error)

      const acks = await serving(handler, () => sendReports(client, server.peerId, [report(7)]))

      const reason =
        label === 'any other error' ? 'the coordinator could not record it now' : error.message
      assert.deepEqual(acks, [{ sequence: 7, outcome, reason }])
    })
  }

  const garbage: Array<{ label: string; frame: () => Uint8Array }> = [
    { label: 'bytes that are not protobuf', frame: () => Uint8Array.from([3, 0xff, 0xff, 0xff]) },
    {
      label: 'a report with a malformed patch id',
      frame: () => framed(StatusReport.encode(report(1, { patchId: 'nope' }))),
    },
    {
      label: 'an oversized frame',
      frame: () => Uint8Array.from([...varint(MAX_SMALL_FRAME_BYTES + 1), ...new Uint8Array(64)]),
    },
  ]
  for (const { label, frame } of garbage) {
    it(`drops the stream of ${label}, logs it, and still serves a good client`, async () => {
      const { got, handler } = recording()
      const { lines, log } = capture()

      await serving(
        handler,
        async () => {
          const { stream, closed } = await rawStream()
          stream.send(frame())
          await within(closed, PATIENCE, 'the server dropping the stream')
          assert.equal(stream.status, 'reset')

          const acks = await sendReports(client, server.peerId, [report(9)])
          assert.deepEqual(outcomes(acks), ['recorded'])
        },
        { log },
      )

      assert.deepEqual(
        got.map((g) => g.report.sequence),
        [9],
      )
      const warning = lines.find(
        (l) => l.msg === 'status frame from node not readable; stream dropped',
      )
      assert.equal(warning?.peer, client.peerId.toString())
    })
  }

  it('drops a stream that sends nothing within the frame time-out', async () => {
    const { handler } = recording()

    await serving(
      handler,
      async () => {
        const { stream, closed } = await rawStream()
        await within(closed, PATIENCE, 'the server timing the stream out')
        assert.equal(stream.status, 'reset')
      },
      { frameTimeoutMs: 200 },
    )
  })

  it('resets streams past its concurrency cap and serves the one it took', async () => {
    const release = deferred()
    const started = deferred()
    const handler: StatusHandler = async () => {
      started.resolve()
      await release.promise
      return 'recorded'
    }

    await serving(
      handler,
      async () => {
        const first = sendReports(client, server.peerId, [report(1)])
        await within(started.promise, PATIENCE, 'the first report reaching the handler')
        await assert.rejects(sendReports(client, server.peerId, [report(2)]), MeshRequestError)
        release.resolve()
        assert.deepEqual(outcomes(await first), ['recorded'])
      },
      { maxConcurrent: 1 },
    )
  })
})

describe('the client side against a misbehaving coordinator', () => {
  /** Serves status with a raw handler that answers each stream with `acks`, then resets it. */
  async function answering<T>(acks: StatusAck[], fn: () => Promise<T>): Promise<T> {
    await server.handle(STATUS_PROTOCOL, async (stream) => {
      const lp = lpStream(stream)
      for (const ack of acks) {
        await lp.read()
        await lp.write(StatusAck.encode(ack))
      }
      stream.abort(new Error('gone'))
    })
    try {
      return await fn()
    } finally {
      await server.unhandle(STATUS_PROTOCOL)
    }
  }

  it('refuses an ack for another sequence', async () => {
    const wrong = { sequence: 5, outcome: StatusOutcome.RECORDED, reason: '' }

    await answering([wrong], async () => {
      await assert.rejects(sendReports(client, server.peerId, [report(1)]), (err: unknown) => {
        assert.ok(err instanceof MeshRequestError)
        assert.match(err.message, /sequence 5 where 1 was due/)
        return true
      })
    })
  })

  it('hands over the acks it got before the coordinator went away', async () => {
    const first = { sequence: 1, outcome: StatusOutcome.RECORDED, reason: '' }
    const seen: number[] = []

    await answering([first], async () => {
      const pending = sendReports(client, server.peerId, [report(1), report(2)], {
        onAck: (ack) => seen.push(ack.sequence),
      })
      await assert.rejects(pending, MeshRequestError)
    })

    assert.deepEqual(seen, [1])
  })
})

describe('status decoders', () => {
  it('refuses an ack without an outcome, naming the field', () => {
    const bytes = StatusAck.encode({
      sequence: 1,
      outcome: StatusOutcome.STATUS_OUTCOME_UNSPECIFIED,
      reason: '',
    })

    assert.throws(
      () => decodeStatusAck(bytes),
      (err: unknown) => err instanceof WireDecodeError && /outcome/.test(err.reason),
    )
  })

  it('refuses an ack with sequence 0', () => {
    const bytes = StatusAck.encode({ sequence: 0, outcome: StatusOutcome.RECORDED, reason: '' })

    assert.throws(
      () => decodeStatusAck(bytes),
      (err: unknown) => err instanceof WireDecodeError && /sequence/.test(err.reason),
    )
  })

  it('refuses a stored outbox whose sequences do not ascend', () => {
    const bytes = StatusOutbox.encode({ lastSequence: 9, reports: [report(5), report(4)] })

    assert.throws(
      () => decodeStatusOutbox(bytes),
      (err: unknown) => err instanceof WireDecodeError && /reports\[1\]\.sequence/.test(err.reason),
    )
  })

  it('refuses a stored outbox with a report past its last sequence', () => {
    const bytes = StatusOutbox.encode({ lastSequence: 3, reports: [report(4)] })

    assert.throws(() => decodeStatusOutbox(bytes), WireDecodeError)
  })
})
