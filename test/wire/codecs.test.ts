import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import fc from 'fast-check'
import { WireDecodeError } from '../../src/wire/errors.ts'
import * as mesh from '../../src/wire/mesh.ts'
import * as records from '../../src/wire/records.ts'
import { MAX_CHUNK_SIZE, MIN_CHUNK_SIZE } from '../../src/wire/limits.ts'

const bytes = (n: number) => fc.uint8Array({ minLength: n, maxLength: n })
const patchId = fc.stringMatching(/^[0-9a-f]{32}$/)
const text = fc.string({ minLength: 1, maxLength: 40 })
const time = fc.integer({ min: 1, max: 2 ** 45 })
const seq = fc.integer({ min: 1, max: Number.MAX_SAFE_INTEGER })
const validity = time.chain((issuedAtMs) =>
  fc.record({
    issuedAtMs: fc.constant(issuedAtMs),
    expiresAtMs: fc.integer({ min: issuedAtMs + 1, max: 2 ** 46 }),
  }),
)

const announcement = fc
  .tuple(
    fc.record({
      patchId,
      name: text,
      version: text,
      targets: fc.array(text, { maxLength: 4 }),
      sha256: bytes(32),
      chunkSize: fc.integer({ min: MIN_CHUNK_SIZE, max: MAX_CHUNK_SIZE }),
      manifestSha256: bytes(32),
      sequence: seq,
      description: fc.string({ maxLength: 100 }),
    }),
    validity,
    fc.integer({ min: 0, max: 2 ** 40 }),
  )
  .map(([a, v, size]) => ({ ...a, ...v, size: Math.min(size, a.chunkSize * 1024) }))

const manifest = fc
  .tuple(fc.integer({ min: MIN_CHUNK_SIZE, max: MAX_CHUNK_SIZE }), fc.integer({ min: 0, max: 40 }))
  .chain(([chunkSize, chunks]) =>
    fc.record({
      size:
        chunks === 0
          ? fc.constant(0)
          : fc.integer({ min: (chunks - 1) * chunkSize + 1, max: chunks * chunkSize }),
      chunkSize: fc.constant(chunkSize),
      sha256: bytes(32),
      chunkHashes: bytes(32 * chunks),
    }),
  )

const window = fc.record({
  days: fc.integer({ min: 1, max: 0x7f }),
  startMinute: fc.integer({ min: 0, max: 1439 }),
  durationMinutes: fc.integer({ min: 1, max: 7 * 1440 }),
})

const approval = fc
  .tuple(
    fc.record({
      patchId,
      notBeforeMs: fc.integer({ min: 0, max: 2 ** 45 }),
      deadlineMs: fc.integer({ min: 0, max: 2 ** 45 }),
      windows: fc.array(window, { maxLength: 3 }),
      sequence: seq,
    }),
    fc.oneof(
      fc.record({ ring: text, group: fc.constant('') }),
      fc.record({ ring: fc.constant(''), group: text }),
    ),
    validity,
  )
  .map(([a, target, v]) => ({ ...a, ...target, ...v }))

const revocation = fc
  .tuple(fc.record({ patchId, reason: fc.string({ maxLength: 80 }), sequence: seq }), validity)
  .map(([r, v]) => ({ ...r, ...v }))

const envelope = fc.record({
  payloadType: fc.string({ minLength: 1, maxLength: 30 }),
  payload: fc.uint8Array({ minLength: 1, maxLength: 200 }),
  signatures: fc.array(fc.record({ keyId: bytes(32), sig: bytes(64) }), { maxLength: 4 }),
})

const root = fc
  .tuple(
    fc.record({
      version: seq,
      keys: fc.array(fc.record({ keyId: bytes(32), ed25519: bytes(32) }), { maxLength: 4 }),
      roles: fc.array(
        fc.array(bytes(32), { minLength: 1, maxLength: 3 }).chain((keyIds) =>
          fc.record({
            name: fc.constantFrom('root', 'publisher', 'coordinator'),
            keyIds: fc.constant(keyIds),
            threshold: fc.integer({ min: 1, max: keyIds.length }),
          }),
        ),
        { maxLength: 3 },
      ),
    }),
    validity,
  )
  .map(([r, v]) => ({ ...r, ...v }))

const hello = fc.record({
  protocolVersion: fc.nat(10),
  site: text,
  role: fc.constantFrom('node', 'authority', 'coordinator'),
  holdings: fc.array(
    fc.integer({ min: 0, max: 100 }).chain((chunkCount) =>
      fc.record({
        patchId,
        chunkCount: fc.constant(chunkCount),
        bitfield: bytes(Math.ceil(chunkCount / 8)),
      }),
    ),
    { maxLength: 3 },
  ),
  ring: fc.string({ maxLength: 10 }),
  groups: fc.array(text, { maxLength: 3 }),
})

const chunkResponse = fc.record({
  status: fc.constantFrom(...mesh.CHUNK_STATUSES),
  patchId,
  index: fc.nat(1000),
  data: fc.uint8Array({ maxLength: 300 }),
})

const statusReport = fc.integer({ min: 0, max: 5000 }).chain((chunkCount) =>
  fc.record({
    nodeId: text,
    patchId,
    state: fc.constantFrom('downloading', 'installed', 'failed'),
    site: fc.string({ maxLength: 10 }),
    ring: fc.string({ maxLength: 10 }),
    groups: fc.array(fc.stringMatching(/^[a-z0-9-]{1,10}$/), { maxLength: 4 }),
    chunksHeld: fc.integer({ min: 0, max: chunkCount }),
    chunkCount: fc.constant(chunkCount),
    bytesOwnSite: fc.nat(),
    bytesOtherSites: fc.nat(),
    bytesOrigin: fc.nat(),
    reason: fc.string({ maxLength: 20 }),
    sequence: seq,
    timeMs: time,
  }),
)

interface Case {
  name: string
  arbitrary: fc.Arbitrary<any>
  encode: (value: any) => Uint8Array
  decode: (bytes: Uint8Array) => unknown
}

const cases: Case[] = [
  {
    name: 'Envelope',
    arbitrary: envelope,
    encode: records.Envelope.encode,
    decode: (b) => records.decodeEnvelope(b),
  },
  { name: 'Root', arbitrary: root, encode: records.Root.encode, decode: records.decodeRoot },
  {
    name: 'Announcement',
    arbitrary: announcement,
    encode: records.Announcement.encode,
    decode: records.decodeAnnouncement,
  },
  {
    name: 'Revocation',
    arbitrary: revocation,
    encode: records.Revocation.encode,
    decode: records.decodeRevocation,
  },
  {
    name: 'Approval',
    arbitrary: approval,
    encode: records.Approval.encode,
    decode: records.decodeApproval,
  },
  { name: 'Halt', arbitrary: revocation, encode: records.Halt.encode, decode: records.decodeHalt },
  {
    name: 'Manifest',
    arbitrary: manifest,
    encode: records.Manifest.encode,
    decode: records.decodeManifest,
  },
  { name: 'Hello', arbitrary: hello, encode: mesh.Hello.encode, decode: mesh.decodeHello },
  {
    name: 'Have',
    arbitrary: fc.integer({ min: 1, max: 10_000 }).chain((chunkCount) =>
      fc.record({
        patchId,
        chunkCount: fc.constant(chunkCount),
        indexes: fc.array(fc.nat(chunkCount - 1), { maxLength: 20 }),
      }),
    ),
    encode: mesh.Have.encode,
    decode: mesh.decodeHave,
  },
  {
    name: 'ChunkRequest',
    arbitrary: fc.record({ patchId, index: fc.nat(10_000) }),
    encode: mesh.ChunkRequest.encode,
    decode: mesh.decodeChunkRequest,
  },
  {
    name: 'ChunkResponse',
    arbitrary: chunkResponse,
    encode: mesh.ChunkResponse.encode,
    decode: mesh.decodeChunkResponse,
  },
  {
    name: 'StatusReport',
    arbitrary: statusReport,
    encode: mesh.StatusReport.encode,
    decode: mesh.decodeStatusReport,
  },
]

describe('wire codecs', () => {
  for (const c of cases) {
    it(`${c.name}: decoding what was encoded gives the same message`, () => {
      fc.assert(
        fc.property(c.arbitrary, (value) => {
          assert.deepEqual(normalise(c.decode(c.encode(value))), normalise(value))
        }),
        { numRuns: 200 },
      )
    })

    it(`${c.name}: random bytes yield a message or a WireDecodeError, nothing else`, () => {
      fc.assert(
        fc.property(fc.uint8Array({ maxLength: 512 }), (junk) => {
          try {
            c.decode(junk)
          } catch (err) {
            if (!(err instanceof WireDecodeError)) throw err
          }
        }),
        { numRuns: 1000 },
      )
    })

    it(`${c.name}: truncated encodings yield a WireDecodeError or a shorter message, never a crash`, () => {
      fc.assert(
        fc.property(c.arbitrary, fc.nat(), (value, cut) => {
          const encoded = c.encode(value)
          try {
            c.decode(encoded.subarray(0, cut % (encoded.byteLength + 1)))
          } catch (err) {
            if (!(err instanceof WireDecodeError)) throw err
          }
        }),
        { numRuns: 200 },
      )
    })
  }

  it('refuses input over the size limit before parsing it', () => {
    assert.throws(() => records.decodeEnvelope(new Uint8Array(64 * 1024 + 1)), {
      name: 'WireDecodeError',
      message: /over the limit/,
    })
  })

  it('names the field whose shape is wrong', () => {
    const bad = records.Announcement.encode({ patchId: 'x'.repeat(32) })

    assert.throws(() => records.decodeAnnouncement(bad), {
      name: 'WireDecodeError',
      message: /patchId/,
    })
  })
})

/** Byte arrays compared by content, whatever their buffer type. */
function normalise(value: unknown): unknown {
  if (value instanceof Uint8Array) return Array.from(value)
  if (Array.isArray(value)) return value.map(normalise)
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, normalise(v)]))
  }

  return value
}
