/**
 * NodeRecords under a root rotation: stored records signed by a key the newer root no longer
 * lists are checked again and dropped, when the root arrives and on a start with a newer root.
 */
import assert from 'node:assert/strict'
import { afterEach, beforeEach, describe, it } from 'node:test'
import { createLogger } from '../../src/log.ts'
import { NodeRecords } from '../../src/node/records.ts'
import type { DroppedRecord } from '../../src/node/records.ts'
import { openNodeStore } from '../../src/store/index.ts'
import type { NodeStore } from '../../src/store/index.ts'
import {
  buildRoot,
  loadAnchor,
  RecordVerifier,
  signRecord,
  signRoot,
  SigningKey,
} from '../../src/trust/index.ts'
import type { TrustedRoot } from '../../src/trust/index.ts'
import {
  announcement,
  approval,
  DAY,
  halt,
  makeAuthority,
  revocation,
  signedAnnouncement,
  T0,
} from '../fixtures/trust.ts'
import type { Authority } from '../fixtures/trust.ts'
import { scratch, silent } from '../store/helpers.ts'

const NOW = T0 + DAY
const PATCH = announcement().patchId

/** Version 2 of the authority's root, with its publisher key replaced by `publisher`. */
function rotatePublisher(authority: Authority, publisher: SigningKey): Uint8Array {
  const { keys } = authority
  const root = buildRoot({
    version: 2,
    issuedAtMs: T0 + DAY / 2,
    expiresAtMs: T0 + 365 * DAY,
    roles: {
      root: { keys: keys.root, threshold: 1 },
      publisher: { keys: [publisher], threshold: 1 },
      coordinator: { keys: keys.coordinator, threshold: 1 },
    },
  })

  return signRoot(root, keys.root)
}

describe('NodeRecords after a root rotation', () => {
  const authority = makeAuthority()
  const newPublisher = SigningKey.generate('publisher')
  const rootV2 = rotatePublisher(authority, newPublisher)
  let store: NodeStore
  let remove: () => Promise<void>
  let dropped: DroppedRecord[]
  let handled: string[]
  let lines: Array<Record<string, any>>

  /** NodeRecords over the store, verifying under `root`, logging into `lines`. */
  function recordsUnder(root: TrustedRoot): NodeRecords {
    const log = createLogger({
      level: 'debug',
      destination: { write: (line: string) => lines.push(JSON.parse(line)) },
    })
    const verifier = new RecordVerifier(root, store.sequences, { now: () => NOW })

    return new NodeRecords(
      verifier,
      store,
      {
        announcement: (a) => void handled.push(`announcement ${a.patchId}`),
        revocation: (r) => void handled.push(`revocation ${r.patchId}`),
        dropped: (record) => void dropped.push(record),
      },
      log,
    )
  }

  /** The announcement, an approval of the canary ring and a halt, accepted under root 1. */
  async function acceptUnderRoot1(records: NodeRecords): Promise<void> {
    const coordinator = authority.keys.coordinator
    const verdicts = [
      await records.receive(signedAnnouncement(authority), 'peer', 'gossip'),
      await records.receive(signRecord('approval', approval(), coordinator), 'peer', 'gossip'),
      await records.receive(signRecord('halt', halt(), coordinator), 'peer', 'gossip'),
    ]
    assert.deepEqual(verdicts, ['accept', 'accept', 'accept'])
  }

  const warnings = () => lines.filter((l) => l.level === 40 && /dropped/.test(l.msg))

  beforeEach(async () => {
    const s = await scratch()
    remove = s.remove
    store = await openNodeStore(s.dir, { log: silent })
    dropped = []
    handled = []
    lines = []
  })

  afterEach(async () => {
    await store.close()
    await remove()
  })

  it('drops a stored announcement whose publisher key the newer root no longer lists', async () => {
    const records = recordsUnder(authority.anchor)
    await acceptUnderRoot1(records)

    assert.equal(await records.receive(rootV2, 'peer', 'gossip'), 'accept')

    assert.equal(await store.getRecord('announcement', PATCH), undefined)
    assert.deepEqual(
      dropped.map((d) => [d.kind, d.patchId, d.reason.name]),
      [['announcement', PATCH, 'UnknownKeyError']],
    )
    // Approvals and halts by the coordinator key, which the new root keeps, still stand.
    assert.equal((await store.listRecords('approval', PATCH)).length, 1)
    assert.equal((await store.listRecords('halt', PATCH)).length, 1)
    const catchUp = await records.current()
    assert.equal(catchUp.length, 3, 'the new root, the approval and the halt; no announcement')
  })

  it('warns once per dropped record, naming the patch and the reason', async () => {
    const records = recordsUnder(authority.anchor)
    await acceptUnderRoot1(records)
    await records.receive(rootV2, 'peer', 'gossip')
    await records.receive(rootV2, 'other-peer', 'catch-up')
    await records.recheck()

    const [warning, ...more] = warnings()
    assert.deepEqual(more, [])
    assert.equal(warning.patch, PATCH)
    assert.equal(warning.kind, 'announcement')
    assert.equal(warning.reason, 'UnknownKeyError')
    assert.match(warning.msg, new RegExp(`patch ${PATCH}.*which the current root does not list`))
  })

  it('keeps a stored revocation by a rotated-out key: a rotation never un-revokes a patch', async () => {
    const records = recordsUnder(authority.anchor)
    const revoked = signRecord('revocation', revocation(), authority.keys.publisher)
    assert.equal(await records.receive(revoked, 'peer', 'gossip'), 'accept')

    await records.receive(rootV2, 'peer', 'gossip')
    await records.recheck()

    assert.notEqual(await store.getRecord('revocation', PATCH), undefined)
    assert.deepEqual(dropped, [])
  })

  it('keeps records the newer root still verifies and accepts those of the new key', async () => {
    const records = recordsUnder(authority.anchor)
    await records.receive(rootV2, 'peer', 'gossip')
    const byNewKey = signRecord('announcement', announcement({ sequence: 2 }), [newPublisher])

    assert.equal(await records.receive(byNewKey, 'peer', 'gossip'), 'accept')
    assert.equal(await records.receive(signedAnnouncement(authority), 'peer', 'gossip'), 'reject')
    assert.deepEqual(dropped, [])
    assert.deepEqual(handled, [`announcement ${PATCH}`])
  })

  it('checks stored records on start when the stored root is newer than their last check', async () => {
    await acceptUnderRoot1(recordsUnder(authority.anchor))
    // As a node that stored root 2 and stopped before checking its records under it.
    await store.putTrustRoot(rootV2)

    const records = recordsUnder(loadAnchor(rootV2))
    const first = await records.recheck()
    const again = await records.recheck()

    assert.deepEqual(
      first.map((d) => [d.kind, d.patchId]),
      [['announcement', PATCH]],
    )
    assert.deepEqual(again, [], 'done once per root version')
    assert.equal(await store.getRecord('announcement', PATCH), undefined)
  })

  it('does not keep a record verified under the old root while the new one arrived', async () => {
    const records = recordsUnder(authority.anchor)

    // The announcement is verified under root 1; root 2 is taken before it is stored.
    const [verdict] = await Promise.all([
      records.receive(signedAnnouncement(authority), 'peer', 'gossip'),
      records.receive(rootV2, 'peer', 'gossip'),
    ])

    assert.equal(verdict, 'reject')
    assert.equal(await store.getRecord('announcement', PATCH), undefined)
    assert.deepEqual(handled, [])
  })
})
