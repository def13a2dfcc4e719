import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import type { Stream } from '@libp2p/interface'
import { lpStream } from '@libp2p/utils'
import { requestChunk, serveChunks } from '../../src/mesh/chunk-protocol.ts'
import type {
  ChunkRequestOptions,
  ChunkServerOptions,
  ChunkSource,
} from '../../src/mesh/chunk-protocol.ts'
import { ChunkRequestError } from '../../src/mesh/errors.ts'
import type { Host } from '../../src/mesh/host.ts'
import { CHUNK_PROTOCOL } from '../../src/mesh/protocols.ts'
import { MAX_CHUNK_FRAME_BYTES, MAX_CHUNK_SIZE, MIN_CHUNK_SIZE } from '../../src/wire/limits.ts'
import { ChunkResponse, ChunkStatus } from '../../src/wire/mesh.ts'
import {
  connectedPair,
  deferred,
  PATCH,
  patterned,
  silent,
  stopAll,
  varint,
  withHandler,
  within,
} from './helpers.ts'

/** Long enough for anything that should happen on loopback, however loaded the machine. */
const PATIENCE = 30_000
/** A time-out the tests never mean to reach: what a configured short one is measured against. */
const NEVER = 120_000

let server: Host
let client: Host

before(async () => {
  ;({ server, client } = await connectedPair())
})
after(() => stopAll(server, client))

/** A source holding `chunks` by index, with no upload limit. */
function holding(
  chunks: Record<number, Uint8Array | 'not-found' | 'revoked'>,
  overrides: Partial<ChunkSource> = {},
): ChunkSource {
  return {
    getChunk: (_patchId, index) => Promise.resolve(chunks[index] ?? 'not-found'),
    uploadBudget: () => Promise.resolve(),
    served: () => undefined,
    ...overrides,
  }
}

async function serving<T>(
  source: ChunkSource,
  fn: () => Promise<T>,
  opts: ChunkServerOptions = {},
): Promise<T> {
  const stop = await serveChunks(server, source, silent, opts)
  try {
    return await fn()
  } finally {
    await stop()
  }
}

function request(index: number, opts: Partial<ChunkRequestOptions> = {}): Promise<Uint8Array> {
  return requestChunk(client, server.peerId, PATCH, index, { length: MIN_CHUNK_SIZE, ...opts })
}

/** The ChunkRequestError `pending` rejects with; fails the test if it resolves. */
async function failure(pending: Promise<unknown>): Promise<ChunkRequestError> {
  const outcome = await pending.then(
    () => new Error('the request succeeded'),
    (err: unknown) => err,
  )
  assert.ok(
    outcome instanceof ChunkRequestError,
    `expected a ChunkRequestError, got ${String(outcome)}`,
  )

  return outcome
}

/** A chunk handler that reads the request, then never answers; `asked` settles on the read. */
function silentPeer(): { handler: (stream: Stream) => void; asked: Promise<void> } {
  const asked = deferred()
  const handler = (stream: Stream): void => {
    lpStream(stream)
      .read()
      .then(
        () => asked.resolve(),
        () => undefined,
      )
  }

  return { handler, asked: asked.promise }
}

describe('requestChunk from a peer that serves the chunk', () => {
  const sizes = [
    { label: 'the smallest chunk size', bytes: MIN_CHUNK_SIZE },
    { label: '1 MiB', bytes: 1024 * 1024 },
    { label: 'the largest chunk size (16 MiB)', bytes: MAX_CHUNK_SIZE },
  ]
  for (const { label, bytes } of sizes) {
    it(`returns a held chunk of ${label} intact`, async () => {
      const chunk = patterned(bytes, 7)
      const served: unknown[] = []
      const source = holding(
        { 3: chunk },
        { served: (peer, patchId, index, n) => served.push([peer.toString(), patchId, index, n]) },
      )

      const got = await serving(source, () => request(3, { length: bytes }))

      assert.equal(got.byteLength, bytes)
      assert.ok(Buffer.from(got).equals(chunk))
      assert.deepEqual(served, [[client.peerId.toString(), PATCH, 3, bytes]])
    })
  }

  const refusals = [
    { answer: 'not-found', reason: 'not-found' },
    { answer: 'revoked', reason: 'refused' },
  ] as const
  for (const { answer, reason } of refusals) {
    it(`maps a ${answer} answer to reason "${reason}", without penalty`, async () => {
      const err = await serving(holding({ 0: answer }), () => failure(request(0)))

      assert.equal(err.reason, reason)
      assert.equal(err.penalize, false)
      assert.equal(err.index, 0)
      assert.equal(err.patchId, PATCH)
    })
  }

  it('answers busy to a request beyond maxConcurrent, and serves the others', async () => {
    const chunk = patterned(MIN_CHUNK_SIZE)
    const gate = deferred()
    const full = deferred()
    let reading = 0
    const source = holding(
      {},
      {
        getChunk: async () => {
          if (++reading === 2) full.resolve()
          await gate.promise
          return chunk
        },
      },
    )

    await serving(
      source,
      async () => {
        const first = [request(0), request(1)]
        await within(full.promise, PATIENCE, 'two requests being served')

        const err = await failure(request(2))
        assert.equal(err.reason, 'busy')
        assert.equal(err.penalize, false)

        gate.resolve()
        for (const got of await Promise.all(first)) assert.ok(Buffer.from(got).equals(chunk))
        assert.equal(reading, 2, 'the busy request never reached the source')
      },
      { maxConcurrent: 2 },
    )
  })

  it('waits for the upload budget before it sends the chunk', async () => {
    const chunk = patterned(256 * 1024, 3)
    const budget = deferred()
    const asked = deferred<[string, number]>()
    const steps: string[] = []
    const source = holding(
      { 0: chunk },
      {
        uploadBudget: async (peer, bytes) => {
          steps.push('budget asked')
          asked.resolve([peer.toString(), bytes])
          await budget.promise
          steps.push('budget granted')
        },
        served: () => steps.push('served'),
      },
    )

    await serving(source, async () => {
      let settled = false
      const pending = request(0, { length: chunk.byteLength }).finally(() => (settled = true))

      const [peer, bytes] = await within(asked.promise, PATIENCE, 'the upload budget asked')
      assert.equal(peer, client.peerId.toString())
      assert.equal(bytes, chunk.byteLength)
      // Room for a reply that did not wait to arrive: it cannot, so this cannot flake.
      await new Promise((resolve) => setTimeout(resolve, 100))
      assert.equal(settled, false, 'the chunk arrived before the budget was granted')

      budget.resolve()
      assert.ok(Buffer.from(await pending).equals(chunk))
      assert.deepEqual(steps, ['budget asked', 'budget granted', 'served'])
    })
  })
})

describe('requestChunk from a peer that never answers', () => {
  const cases = [
    { limit: 'stall time-out', stallTimeoutMs: 300, baseTimeoutMs: NEVER, reason: 'stalled' },
    { limit: 'deadline', stallTimeoutMs: NEVER, baseTimeoutMs: 300, reason: 'timeout' },
  ] as const
  for (const { limit, stallTimeoutMs, baseTimeoutMs, reason } of cases) {
    it(`gives up with reason "${reason}" at the configured ${limit}`, async () => {
      const peer = silentPeer()

      const { err, elapsed } = await withHandler(server, CHUNK_PROTOCOL, peer.handler, async () => {
        const started = performance.now()
        const err = await failure(request(0, { stallTimeoutMs, baseTimeoutMs }))
        return { err, elapsed: performance.now() - started }
      })

      assert.equal(err.reason, reason)
      assert.equal(err.penalize, false)
      // Only the short limit can have ended it: the other one is minutes away.
      assert.ok(elapsed < NEVER / 4, `took ${elapsed} ms`)
    })
  }

  it('keeps waiting while bytes keep coming, however long the whole answer takes', async () => {
    const stallTimeoutMs = 2000
    const pieces = 6
    const chunk = patterned(pieces * 4096, 5)
    const frame = ChunkResponse.encode({
      status: ChunkStatus.OK,
      patchId: PATCH,
      index: 0,
      data: chunk,
    })
    const bytes = new Uint8Array([...varint(frame.byteLength), ...frame])
    const step = Math.ceil(bytes.byteLength / pieces)
    // Each piece comes a quarter of the stall time-out after the last: the whole answer takes
    // longer than the time-out, no gap comes near it.
    const trickle = async (stream: Stream): Promise<void> => {
      try {
        await lpStream(stream).read()
        for (let at = 0; at < bytes.byteLength; at += step) {
          await new Promise((resolve) => setTimeout(resolve, stallTimeoutMs / 4))
          if (!stream.send(bytes.subarray(at, at + step))) await stream.onDrain()
        }
        await stream.close()
      } catch {
        stream.abort(new Error('trickle failed'))
      }
    }

    const got = await withHandler(server, CHUNK_PROTOCOL, trickle, () =>
      request(0, { stallTimeoutMs, baseTimeoutMs: NEVER, length: chunk.byteLength }),
    )

    assert.ok(Buffer.from(got).equals(chunk))
  })
})

describe('requestChunk from a peer that breaks the protocol', () => {
  const ok = (fields: Partial<ChunkResponse>): Uint8Array =>
    ChunkResponse.encode({ status: ChunkStatus.OK, patchId: PATCH, index: 0, ...fields })
  const unknownStatus = (): Uint8Array => {
    // The encoder refuses an unknown enum value, so write a valid answer and change its status
    // byte (field 1, varint: the second byte of the message).
    const bytes = ChunkResponse.encode({ status: ChunkStatus.NOT_FOUND, patchId: PATCH, index: 0 })
    bytes[1] = 42
    return bytes
  }

  const cases: Array<{ answer: string; send: (stream: Stream) => Promise<void> }> = [
    {
      answer: 'garbage bytes in a frame',
      send: (s) => lpStream(s).write(Uint8Array.from([0xff, 0xff, 0xff, 0xff, 0xff])),
    },
    {
      answer: 'a response for another chunk index',
      send: (s) => lpStream(s).write(ok({ index: 1, data: patterned(MIN_CHUNK_SIZE) })),
    },
    {
      answer: 'a response for another patch',
      send: (s) => lpStream(s).write(ok({ patchId: 'cd'.repeat(16), data: patterned(16) })),
    },
    {
      answer: 'a status this version does not know',
      send: (s) => lpStream(s).write(unknownStatus()),
    },
    {
      answer: 'a frame longer than the limit',
      // Only the length prefix: a client that checks it refuses before reading the body.
      send: (s) => Promise.resolve(void s.send(varint(MAX_CHUNK_FRAME_BYTES + 1))),
    },
  ]
  for (const { answer, send } of cases) {
    it(`fails with reason "protocol" and a penalty on ${answer}`, async () => {
      const rogue = async (stream: Stream): Promise<void> => {
        try {
          await lpStream(stream).read()
          await send(stream)
        } catch {
          stream.abort(new Error('rogue answer not sent'))
        }
      }

      const err = await withHandler(server, CHUNK_PROTOCOL, rogue, () =>
        failure(request(0, { stallTimeoutMs: NEVER, baseTimeoutMs: NEVER })),
      )

      assert.equal(err.reason, 'protocol', err.message)
      assert.equal(err.penalize, true)
    })
  }
})

describe('cancelling a chunk request', () => {
  it('rejects promptly when its signal aborts while the peer is silent', async () => {
    const peer = silentPeer()
    const cancel = new AbortController()

    const { err, elapsed } = await withHandler(server, CHUNK_PROTOCOL, peer.handler, async () => {
      const pending = failure(
        request(0, { stallTimeoutMs: NEVER, baseTimeoutMs: NEVER, signal: cancel.signal }),
      )
      await within(peer.asked, PATIENCE, 'the request reaching the peer')
      const cancelledAt = performance.now()
      cancel.abort()
      const err = await pending
      return { err, elapsed: performance.now() - cancelledAt }
    })

    assert.equal(err.reason, 'refused')
    assert.equal(err.penalize, false)
    assert.match(err.message, /cancelled/)
    assert.ok(elapsed < NEVER / 4, `took ${elapsed} ms after the abort`)
  })

  it('rejects without asking when its signal is already aborted', async () => {
    let asked = false
    const source = holding(
      {},
      {
        getChunk: () => {
          asked = true
          return Promise.resolve(patterned(MIN_CHUNK_SIZE))
        },
      },
    )

    const err = await serving(source, () => failure(request(0, { signal: AbortSignal.abort() })))

    assert.equal(err.reason, 'refused')
    assert.equal(asked, false)
  })
})
