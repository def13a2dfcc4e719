/**
 * Gossip validation across a real mesh: rogue host R -- node B -- node C. R and C listen on
 * nothing and dial B, so neither can reach the other: whatever C gets on the announcement topic,
 * B forwarded. R publishes raw envelopes with gossipsub (StrictNoSign, as every host). B's topic
 * validator must keep forged, expired and replayed announcements from its application and from
 * C, while a valid announcement published the same way reaches both.
 */
import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { generateKeyPair } from '@libp2p/crypto/keys'
import type { TopicValidatorFn } from '@libp2p/gossipsub'
import { multiaddr } from '@multiformats/multiaddr'
import { patchIdOf } from '../../src/manifest/index.ts'
import { createHost } from '../../src/mesh/host.ts'
import type { Host } from '../../src/mesh/host.ts'
import { ANNOUNCE_TOPIC } from '../../src/mesh/protocols.ts'
import { PatchNode } from '../../src/node/node.ts'
import { signRecord, SigningKey } from '../../src/trust/index.ts'
import { announcement, DAY, makeAuthority, T0 } from '../fixtures/trust.ts'
import type { Authority } from '../fixtures/trust.ts'
import { nextEvent, scratch, silent, until } from './support/in-process.ts'

/** The nodes' clock: a day into the fixture authority's records. */
const NOW = T0 + DAY
const WAIT_MS = 60_000

interface Seen {
  from: string
  data: Uint8Array
  verdict?: string
}

/** Wraps a node's announcement-topic validator so every message it judges is recorded. */
function observe(node: PatchNode): Seen[] {
  const { topicValidators } = node.host.services.pubsub
  const validate = topicValidators.get(ANNOUNCE_TOPIC)
  assert.ok(validate !== undefined, 'the node validates its announcement topic')
  const seen: Seen[] = []
  const wrapped: TopicValidatorFn = async (peer, msg) => {
    const entry: Seen = { from: peer.toString(), data: msg.data }
    seen.push(entry)
    const verdict = await validate(peer, msg)
    entry.verdict = verdict

    return verdict
  }
  topicValidators.set(ANNOUNCE_TOPIC, wrapped)

  return seen
}

/** A node's gossipsub mesh for the topic (on the implementation, not its exported interface). */
function meshPeers(node: PatchNode): string[] {
  const pubsub = node.host.services.pubsub as unknown as { getMeshPeers(topic: string): string[] }

  return pubsub.getMeshPeers(ANNOUNCE_TOPIC)
}

const same = (a: Uint8Array, b: Uint8Array): boolean => Buffer.from(a).equals(b)

/** Fields naming a new patch (its id derives from its manifest's hash). */
function newPatch(): { patchId: string; manifestSha256: Uint8Array<ArrayBuffer> } {
  const manifestSha256 = new Uint8Array(32)
  manifestSha256.set(randomBytes(32))

  return { patchId: patchIdOf(manifestSha256), manifestSha256 }
}

describe('gossip validation between a rogue, a node and its neighbour', () => {
  let removeWork: () => Promise<void>
  let authority: Authority
  let rogue: Host
  let b: PatchNode
  let c: PatchNode
  let seenByB: Seen[]
  let seenByC: Seen[]
  const announced: Record<'b' | 'c', string[]> = { b: [], c: [] }

  /** Publishes `bytes` from R and resolves once B's validator has judged them. */
  async function fromRogue(bytes: Uint8Array): Promise<Seen> {
    const judged = () => seenByB.find((s) => same(s.data, bytes) && s.verdict !== undefined)
    await rogue.services.pubsub.publish(ANNOUNCE_TOPIC, bytes)
    await until(() => judged() !== undefined, 'B to judge the message', WAIT_MS)

    return judged()!
  }

  /** A valid announcement from R, delivered to both B and C: everything before it has arrived. */
  async function barrier(): Promise<string> {
    const patch = newPatch()
    const id = patch.patchId
    const atB = nextEvent(b.events, 'patch_announced', 'B', (e) => e.patchId === id, WAIT_MS)
    const atC = nextEvent(c.events, 'patch_announced', 'C', (e) => e.patchId === id, WAIT_MS)
    await rogue.services.pubsub.publish(
      ANNOUNCE_TOPIC,
      signRecord('announcement', announcement(patch), authority.keys.publisher),
    )
    await Promise.all([atB, atC])

    return id
  }

  before(async () => {
    const work = await scratch('gossip')
    removeWork = work.remove
    authority = makeAuthority()
    const start = async (name: string, listen: string[]) => {
      const node = new PatchNode({
        dataDir: join(work.dir, name),
        root: authority.anchor.bytes,
        site: 'branch-1',
        listen,
        prefetch: false,
        log: silent,
        now: () => NOW,
      })
      await node.start()
      node.events.on('patch_announced', (e) => announced[name as 'b' | 'c'].push(e.patchId))

      return node
    }
    b = await start('b', ['/ip4/127.0.0.1/tcp/0'])
    c = await start('c', [])
    rogue = await createHost({ privateKey: await generateKeyPair('Ed25519'), listen: [] })
    await rogue.start()
    seenByB = observe(b)
    seenByC = observe(c)

    const bAddress = multiaddr(b.addresses()[0])
    await c.host.dial(bAddress)
    await rogue.dial(bAddress)
    const bId = b.peerId.toString()
    await until(
      () => rogue.services.pubsub.getSubscribers(ANNOUNCE_TOPIC).some((p) => p.toString() === bId),
      'R to see B subscribed',
      WAIT_MS,
    )
    await until(
      () => meshPeers(b).includes(c.peerId.toString()),
      'C in B’s mesh for the topic',
      WAIT_MS,
    )
  })
  after(async () => {
    await rogue?.stop()
    await c?.stop()
    await b?.stop()
    await removeWork?.()
  })

  it('delivers a valid announcement from R to B and on to C', async () => {
    const id = await barrier()

    assert.ok(announced.b.includes(id) && announced.c.includes(id))
    assert.ok(
      seenByC.some((s) => s.from === b.peerId.toString()),
      'C got it from B',
    )
    assert.ok(await b.store.getRecord('announcement', id))
    assert.ok(await c.store.getRecord('announcement', id))
  })

  it('neither delivers nor forwards an announcement signed by a key not in the root', async () => {
    const patch = newPatch()
    const id = patch.patchId
    const outsider = SigningKey.generate('publisher')
    const forged = signRecord('announcement', announcement(patch), [outsider])

    const judged = await fromRogue(forged)
    await barrier()

    assert.equal(judged.verdict, 'reject')
    assert.ok(!announced.b.includes(id) && !announced.c.includes(id))
    assert.equal(await b.store.getRecord('announcement', id), undefined)
    assert.ok(!seenByC.some((s) => same(s.data, forged)), 'C never received it')
    // gossipsub caches scores for one heartbeat (1 s): poll until the rejection shows.
    const pubsub = b.host.services.pubsub as unknown as { getScore(id: string): number }
    const score = () => pubsub.getScore(rogue.peerId.toString())
    for (let i = 0; i < 50 && score() >= 0; i++) await new Promise((r) => setTimeout(r, 100))
    assert.ok(score() < 0, `B lowered R's gossip score (it is ${score()})`)
  })

  it('neither delivers nor forwards an expired announcement', async () => {
    const patch = newPatch()
    const id = patch.patchId
    const expired = signRecord(
      'announcement',
      announcement({ ...patch, issuedAtMs: T0 - 40 * DAY, expiresAtMs: T0 - 10 * DAY }),
      authority.keys.publisher,
    )

    const judged = await fromRogue(expired)
    await barrier()

    assert.equal(judged.verdict, 'ignore')
    assert.ok(!announced.b.includes(id) && !announced.c.includes(id))
    assert.equal(await b.store.getRecord('announcement', id), undefined)
    assert.ok(!seenByC.some((s) => same(s.data, expired)), 'C never received it')
  })

  it('neither delivers nor forwards an older sequence replayed after a newer one', async () => {
    const patch = newPatch()
    const id = patch.patchId
    const older = signRecord(
      'announcement',
      announcement({ ...patch, sequence: 1, version: '1.0' }),
      authority.keys.publisher,
    )
    const newer = signRecord(
      'announcement',
      announcement({ ...patch, sequence: 2, version: '1.1' }),
      authority.keys.publisher,
    )
    const atC = nextEvent(c.events, 'patch_announced', 'C', (e) => e.patchId === id, WAIT_MS)
    assert.equal((await fromRogue(newer)).verdict, 'accept')
    await atC
    const counts = { b: announced.b.length, c: announced.c.length }

    const judged = await fromRogue(older)
    const sentinel = await barrier()

    assert.equal(judged.verdict, 'ignore')
    assert.deepEqual(announced.b.slice(counts.b), [sentinel], 'B announced only the sentinel')
    assert.deepEqual(announced.c.slice(counts.c), [sentinel], 'C announced only the sentinel')
    assert.ok(same((await b.store.getRecord('announcement', id))!, newer), 'B keeps the newer')
    assert.ok(same((await c.store.getRecord('announcement', id))!, newer), 'C keeps the newer')
    assert.ok(!seenByC.some((s) => same(s.data, older)), 'C never received the replay')
  })

  it('lets C hear the topic only through B (the topology the other cases rely on)', () => {
    const bId = b.peerId.toString()
    assert.ok(seenByC.length > 0)
    assert.deepEqual(
      seenByC.filter((s) => s.from !== bId),
      [],
    )
  })
})
