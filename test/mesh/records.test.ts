import assert from 'node:assert/strict'
import { after, afterEach, before, beforeEach, describe, it } from 'node:test'
import { patchIdOf } from '../../src/manifest/index.ts'
import type { Host } from '../../src/mesh/host.ts'
import { RecordExchange } from '../../src/mesh/records.ts'
import type { RecordSink, RecordVerdict } from '../../src/mesh/records.ts'
import { NodeRecords } from '../../src/node/records.ts'
import type { RecordHandlers } from '../../src/node/records.ts'
import { openNodeStore } from '../../src/store/index.ts'
import type { NodeStore, RecordKind } from '../../src/store/index.ts'
import { RecordVerifier, signRecord, SigningKey } from '../../src/trust/index.ts'
import { Envelope } from '../../src/wire/records.ts'
import {
  announcement,
  approval,
  DAY,
  halt,
  makeAuthority,
  revocation,
  sha256,
  signedAnnouncement,
  T0,
} from '../fixtures/trust.ts'
import type { Authority } from '../fixtures/trust.ts'
import { connectedPair, deferred, scratch, silent, startHost, stopAll, within } from './helpers.ts'

const NOW = T0 + DAY
const PATIENCE = 30_000
const PATCH = announcement().patchId

/** A node's record side: a store in a scratch directory and the NodeRecords over it. */
interface Node {
  store: NodeStore
  records: NodeRecords
  handled: Array<[string, string]>
  close: () => Promise<void>
}

async function openNode(authority: Authority): Promise<Node> {
  const { dir, remove } = await scratch()
  const store = await openNodeStore(dir, { log: silent })
  const verifier = new RecordVerifier(authority.anchor, store.sequences, { now: () => NOW })
  const handled: Array<[string, string]> = []
  const handlers: RecordHandlers = {
    announcement: (record) => void handled.push(['announcement', record.patchId]),
    revocation: (record) => void handled.push(['revocation', record.patchId]),
  }
  const records = new NodeRecords(verifier, store, handlers, silent)
  const close = async () => {
    await store.close()
    await remove()
  }

  return { store, records, handled, close }
}

/** An announcement of a patch of its own, told apart by `n`. */
function otherPatch(authority: Authority, n: number, sequence = 1): Uint8Array {
  const manifestSha256 = sha256(new TextEncoder().encode(`manifest ${n}`))

  return signedAnnouncement(authority, {
    manifestSha256,
    patchId: patchIdOf(manifestSha256),
    name: `tool-${n}`,
    sequence,
  })
}

const same = (a: Uint8Array | undefined, b: Uint8Array): boolean =>
  a !== undefined && Buffer.from(a).equals(b)

describe('NodeRecords verdicts', () => {
  const authority = makeAuthority()
  let node: Node

  beforeEach(async () => {
    node = await openNode(authority)
  })
  afterEach(() => node.close())

  const cases: Array<{
    record: string
    earlier?: () => Uint8Array[]
    bytes: () => Uint8Array
    verdict: RecordVerdict
    kind?: RecordKind
  }> = [
    {
      record: 'a fresh announcement',
      bytes: () => signedAnnouncement(authority),
      verdict: 'accept',
    },
    {
      record: 'an announcement it already has',
      earlier: () => [signedAnnouncement(authority)],
      bytes: () => signedAnnouncement(authority),
      verdict: 'ignore',
    },
    {
      record: 'an announcement signed by a key the root does not list',
      bytes: () => signRecord('announcement', announcement(), [SigningKey.generate('publisher')]),
      verdict: 'reject',
    },
    {
      record: "an announcement carrying another record's signature",
      bytes: () => {
        const real = Envelope.decode(signedAnnouncement(authority))
        const forged = Envelope.decode(signedAnnouncement(authority, { name: 'evil' }))
        return Envelope.encode({ ...forged, signatures: real.signatures })
      },
      verdict: 'reject',
    },
    {
      record: 'an announcement signed by the coordinator key',
      bytes: () => signRecord('announcement', announcement(), authority.keys.coordinator),
      verdict: 'reject',
    },
    {
      record: 'an expired announcement',
      bytes: () =>
        signedAnnouncement(authority, { issuedAtMs: NOW - 40 * DAY, expiresAtMs: NOW - DAY }),
      verdict: 'ignore',
    },
    {
      record: 'an announcement rolled back below one already accepted',
      earlier: () => [signedAnnouncement(authority, { sequence: 2 })],
      bytes: () => signedAnnouncement(authority, { sequence: 1 }),
      verdict: 'ignore',
    },
    {
      record: 'another announcement under a sequence number already used',
      earlier: () => [signedAnnouncement(authority)],
      bytes: () => signedAnnouncement(authority, { name: 'other' }),
      verdict: 'reject',
    },
    {
      record: 'garbage bytes',
      bytes: () => Uint8Array.from([0xde, 0xad, 0xbe, 0xef, 0xff]),
      verdict: 'reject',
    },
    {
      record: 'an envelope of a type patchmesh does not know',
      bytes: () =>
        Envelope.encode({
          payloadType: 'patchmesh.other.v1',
          payload: Uint8Array.of(1),
          signatures: [],
        }),
      verdict: 'reject',
    },
    {
      record: 'a root of the version it already trusts',
      bytes: () => authority.anchor.bytes,
      verdict: 'ignore',
    },
    {
      record: 'a revocation of an announced patch',
      earlier: () => [signedAnnouncement(authority)],
      bytes: () => signRecord('revocation', revocation(), authority.keys.publisher),
      verdict: 'accept',
      kind: 'revocation',
    },
    {
      record: 'an approval of an announced patch signed by the coordinator',
      earlier: () => [signedAnnouncement(authority)],
      bytes: () => signRecord('approval', approval(), authority.keys.coordinator),
      verdict: 'accept',
      kind: 'approval',
    },
    {
      record: 'an approval signed by the publisher key',
      earlier: () => [signedAnnouncement(authority)],
      bytes: () => signRecord('approval', approval(), authority.keys.publisher),
      verdict: 'reject',
      kind: 'approval',
    },
    {
      record: 'an approval forged with a coordinator key the root does not list',
      earlier: () => [signedAnnouncement(authority)],
      bytes: () => signRecord('approval', approval(), [SigningKey.generate('coordinator')]),
      verdict: 'reject',
      kind: 'approval',
    },
    {
      record: 'an approval for a patch never announced',
      bytes: () => signRecord('approval', approval(), authority.keys.coordinator),
      verdict: 'ignore',
      kind: 'approval',
    },
    {
      record: 'a forged approval for a patch never announced',
      bytes: () => signRecord('approval', approval(), authority.keys.publisher),
      verdict: 'reject',
      kind: 'approval',
    },
    {
      record: 'a halt signed by the publisher key',
      earlier: () => [signedAnnouncement(authority)],
      bytes: () => signRecord('halt', halt(), authority.keys.publisher),
      verdict: 'reject',
      kind: 'halt',
    },
  ]
  for (const { record, earlier, bytes, verdict, kind = 'announcement' } of cases) {
    const stores = verdict === 'accept' ? 'stores it' : 'keeps what it had'
    it(`${verdict}s ${record}, and ${stores}`, async () => {
      for (const first of earlier?.() ?? []) {
        assert.equal(await node.records.receive(first, 'peer-a', 'gossip'), 'accept')
      }
      const stored = async () => (await node.store.listRecords(kind, PATCH)).map((r) => r.envelope)
      const had = await stored()
      const offered = bytes()

      assert.equal(await node.records.receive(offered, 'peer-b', 'gossip'), verdict)
      const has = await stored()
      if (verdict === 'accept') {
        assert.ok(
          has.some((e) => same(e, offered)),
          'the offered record is stored',
        )
      } else assert.deepEqual(has, had)
    })
  }

  it('hands an accepted announcement to the node, once', async () => {
    const bytes = signedAnnouncement(authority)

    await node.records.receive(bytes, 'peer-a', 'gossip')
    await node.records.receive(bytes, 'peer-b', 'catch-up')

    assert.deepEqual(node.handled, [['announcement', PATCH]])
  })
})

/** A sink that keeps what it is given and settles `filled` once it has `expected` records. */
/** Waits until `ok()` holds, looking every 20 ms; fails after PATIENCE, naming `what`. */
async function until(ok: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + PATIENCE
  while (!ok()) {
    if (Date.now() > deadline) throw new Error(`no ${what} in ${PATIENCE} ms`)
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
}

function recordingSink(expected: number) {
  const received: Array<{ bytes: Uint8Array; from: string; via: string }> = []
  const filled = deferred()
  const sink: RecordSink = {
    receive: (bytes, from, via) => {
      received.push({ bytes: bytes.slice(), from, via })
      if (received.length >= expected) filled.resolve()
      return Promise.resolve('accept')
    },
    current: () => Promise.resolve([]),
  }

  return { sink, received, filled: filled.promise }
}

describe('RecordExchange catch-up', () => {
  const authority = makeAuthority()
  let serving: Node
  let held: Uint8Array[]

  before(async () => {
    serving = await openNode(authority)
    const records = [
      signedAnnouncement(authority),
      signRecord('revocation', revocation(), authority.keys.publisher),
      otherPatch(authority, 2),
      otherPatch(authority, 3),
      signRecord('approval', approval(), authority.keys.coordinator),
      signRecord('halt', halt(), authority.keys.coordinator),
    ]
    for (const r of records) assert.equal(await serving.records.receive(r, 'x', 'gossip'), 'accept')
    held = await serving.records.current()
    assert.equal(held.length, records.length + 1, 'the root and every record')
  })
  after(() => serving.close())

  const bytesOf = (list: Array<{ bytes: Uint8Array }>) => list.map((r) => Buffer.from(r.bytes))

  it('delivers every record of the serving peer to the sink, root first', async () => {
    const { server, client } = await connectedPair()
    const served = new RecordExchange(server, serving.records, silent)
    const { sink, received } = recordingSink(held.length)
    const asking = new RecordExchange(client, sink, silent)
    try {
      await served.start()

      const count = await asking.catchUp(server.peerId)

      assert.equal(count, held.length)
      assert.deepEqual(
        bytesOf(received),
        held.map((b) => Buffer.from(b)),
      )
      for (const { from, via } of received) {
        assert.equal(from, server.peerId.toString())
        assert.equal(via, 'catch-up')
      }
    } finally {
      await served.stop()
      await stopAll(server, client)
    }
  })

  it('catches up by itself when it connects to a peer that serves records', async () => {
    const hosts: Host[] = await Promise.all([startHost(), startHost()])
    const [server, client] = hosts
    const served = new RecordExchange(server, serving.records, silent)
    const { sink, received, filled } = recordingSink(held.length)
    const asking = new RecordExchange(client, sink, silent)
    try {
      await Promise.all([served.start(), asking.start()])

      await client.dial(server.getMultiaddrs()[0], { signal: AbortSignal.timeout(PATIENCE) })
      await within(filled, PATIENCE, 'catch-up after connecting')

      // A later catch-up (another identify) may add more: the first round is what counts.
      assert.deepEqual(
        bytesOf(received.slice(0, held.length)),
        held.map((b) => Buffer.from(b)),
      )
    } finally {
      await Promise.all([served.stop(), asking.stop()])
      await stopAll(...hosts)
    }
  })

  it('catches up again every catchUpEveryMs, so a record gossiped to no one still arrives', async () => {
    const hosts: Host[] = await Promise.all([startHost(), startHost()])
    const [server, client] = hosts
    const served = new RecordExchange(server, serving.records, silent)
    const { sink, received } = recordingSink(Infinity)
    const asking = new RecordExchange(client, sink, silent, { catchUpEveryMs: 200 })
    const later = otherPatch(authority, 4)
    try {
      await Promise.all([served.start(), asking.start()])
      await client.dial(server.getMultiaddrs()[0], { signal: AbortSignal.timeout(PATIENCE) })
      await until(() => received.length >= held.length, 'first catch-up')

      // Accepted by the server after the client caught up, and never gossiped to the client.
      assert.equal(await serving.records.receive(later, 'x', 'gossip'), 'accept')
      await until(() => received.some((r) => same(r.bytes, later)), 'the later record by catch-up')

      assert.equal(received.find((r) => same(r.bytes, later))?.via, 'catch-up')
    } finally {
      await Promise.all([served.stop(), asking.stop()])
      await stopAll(...hosts)
    }
  })

  it("leaves a node that caught up holding every one of the peer's records", async () => {
    const { server, client } = await connectedPair()
    const fresh = await openNode(authority)
    const served = new RecordExchange(server, serving.records, silent)
    const asking = new RecordExchange(client, fresh.records, silent)
    try {
      await served.start()

      await asking.catchUp(server.peerId)

      for (const kind of ['announcement', 'revocation', 'approval', 'halt'] as const) {
        const theirs = await serving.store.listRecords(kind)
        const ours = await fresh.store.listRecords(kind)
        assert.ok(theirs.length > 0)
        assert.deepEqual(
          ours.map((r) => [r.patchId, Buffer.from(r.envelope)]),
          theirs.map((r) => [r.patchId, Buffer.from(r.envelope)]),
          kind,
        )
      }
    } finally {
      await served.stop()
      await stopAll(server, client)
      await fresh.close()
    }
  })
})
