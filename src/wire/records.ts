/**
 * Bounded decoders for the signed records and the manifest, with the shape of every field
 * checked (hash and key lengths, ranges, required text). What a record means (who signed it,
 * whether it expired) is checked in src/trust; here only whether it is well-formed.
 */
import { decodeBounded, FieldCheck } from './decode.ts'
import {
  MAX_CHUNK_SIZE,
  MAX_CHUNKS,
  MAX_ENVELOPE_BYTES,
  MAX_MANIFEST_BYTES,
  MAX_TEXT_LENGTH,
  MIN_CHUNK_SIZE,
} from './limits.ts'
import { Announcement, Approval, Halt, Manifest, Revocation } from './generated/patch.js'
import { Envelope, Root } from './generated/trust.js'

export { Announcement, Approval, Halt, Manifest, Revocation, Envelope, Root }
export type { Window } from './generated/patch.js'
export type { PublicKey, Role, Signature } from './generated/trust.js'

const MAX_TIME_MS = Number.MAX_SAFE_INTEGER
const PATCH_ID_HEX = 32
const text = { required: true, max: MAX_TEXT_LENGTH }
const optionalText = { required: false, max: MAX_TEXT_LENGTH }

/** Number of chunks a file of `size` bytes has at `chunkSize`; zero-byte files have none. */
export function chunkCountOf(size: number, chunkSize: number): number {
  return Math.ceil(size / chunkSize)
}

export function decodeEnvelope(bytes: Uint8Array, maxBytes = MAX_ENVELOPE_BYTES): Envelope {
  const env = decodeBounded('Envelope', Envelope, bytes, maxBytes)
  const check = new FieldCheck('Envelope')

  // protobuf lets one message be written many ways (other wire types, repeated fields); an
  // envelope must be in the one canonical form, so that its bytes identify it. The signed
  // payload is never re-encoded: this only compares the framing.
  if (!sameBytes(Envelope.encode(env), bytes)) check.fail('not in canonical encoding')

  check.text('payloadType', env.payloadType, { required: true, max: 64 })
  if (env.payload.byteLength === 0) check.fail('field payload is empty')
  env.signatures.forEach((s, i) => {
    check.bytes(`signatures[${i}].keyId`, s.keyId, 32)
    check.bytes(`signatures[${i}].sig`, s.sig, 64)
  })

  return env
}

export function decodeRoot(bytes: Uint8Array): Root {
  const root = decodeBounded('Root', Root, bytes, MAX_ENVELOPE_BYTES)
  const check = new FieldCheck('Root')

  check.range('version', root.version, 1, MAX_TIME_MS)
  checkValidity(check, root.issuedAtMs, root.expiresAtMs)
  root.keys.forEach((k, i) => {
    check.bytes(`keys[${i}].keyId`, k.keyId, 32)
    check.bytes(`keys[${i}].ed25519`, k.ed25519, 32)
  })
  root.roles.forEach((r, i) => {
    check.text(`roles[${i}].name`, r.name, { required: true, max: 32 })
    r.keyIds.forEach((id, j) => check.bytes(`roles[${i}].keyIds[${j}]`, id, 32))
    check.range(`roles[${i}].threshold`, r.threshold, 1, Math.max(1, r.keyIds.length))
  })

  return root
}

export function decodeAnnouncement(bytes: Uint8Array): Announcement {
  const a = decodeBounded('Announcement', Announcement, bytes, MAX_ENVELOPE_BYTES)
  const check = new FieldCheck('Announcement')

  check.hex('patchId', a.patchId, PATCH_ID_HEX)
  check.text('name', a.name, text)
  check.text('version', a.version, text)
  a.targets.forEach((t, i) => check.text(`targets[${i}]`, t, text))
  check.text('description', a.description, {
    required: false,
    max: 16 * MAX_TEXT_LENGTH,
    multiline: true,
  })
  check.range('chunkSize', a.chunkSize, MIN_CHUNK_SIZE, MAX_CHUNK_SIZE)
  check.range('size', a.size, 0, MAX_CHUNKS * a.chunkSize)
  check.bytes('sha256', a.sha256, 32)
  check.bytes('manifestSha256', a.manifestSha256, 32)
  check.range('sequence', a.sequence, 1, MAX_TIME_MS)
  checkValidity(check, a.issuedAtMs, a.expiresAtMs)

  return a
}

export function decodeRevocation(bytes: Uint8Array): Revocation {
  const r = decodeBounded('Revocation', Revocation, bytes, MAX_ENVELOPE_BYTES)
  const check = new FieldCheck('Revocation')

  check.hex('patchId', r.patchId, PATCH_ID_HEX)
  check.text('reason', r.reason, optionalText)
  check.range('sequence', r.sequence, 1, MAX_TIME_MS)
  checkValidity(check, r.issuedAtMs, r.expiresAtMs)

  return r
}

export function decodeApproval(bytes: Uint8Array): Approval {
  const a = decodeBounded('Approval', Approval, bytes, MAX_ENVELOPE_BYTES)
  const check = new FieldCheck('Approval')

  check.hex('patchId', a.patchId, PATCH_ID_HEX)
  check.text('ring', a.ring, optionalText)
  check.text('group', a.group, optionalText)
  if ((a.ring === '') === (a.group === '')) check.fail('exactly one of ring and group must be set')
  check.range('notBeforeMs', a.notBeforeMs, 0, MAX_TIME_MS)
  check.range('deadlineMs', a.deadlineMs, 0, MAX_TIME_MS)
  a.windows.forEach((w, i) => {
    check.range(`windows[${i}].days`, w.days, 1, 0x7f)
    check.range(`windows[${i}].startMinute`, w.startMinute, 0, 24 * 60 - 1)
    check.range(`windows[${i}].durationMinutes`, w.durationMinutes, 1, 7 * 24 * 60)
  })
  check.range('sequence', a.sequence, 1, MAX_TIME_MS)
  checkValidity(check, a.issuedAtMs, a.expiresAtMs)

  return a
}

export function decodeHalt(bytes: Uint8Array): Halt {
  const h = decodeBounded('Halt', Halt, bytes, MAX_ENVELOPE_BYTES)
  const check = new FieldCheck('Halt')

  check.hex('patchId', h.patchId, PATCH_ID_HEX)
  check.text('reason', h.reason, optionalText)
  check.range('sequence', h.sequence, 1, MAX_TIME_MS)
  checkValidity(check, h.issuedAtMs, h.expiresAtMs)

  return h
}

export function decodeManifest(bytes: Uint8Array): Manifest {
  const m = decodeBounded('Manifest', Manifest, bytes, MAX_MANIFEST_BYTES)
  const check = new FieldCheck('Manifest')

  check.range('chunkSize', m.chunkSize, MIN_CHUNK_SIZE, MAX_CHUNK_SIZE)
  check.range('size', m.size, 0, MAX_CHUNKS * m.chunkSize)
  check.bytes('sha256', m.sha256, 32)
  check.bytes('chunkHashes', m.chunkHashes, 32 * chunkCountOf(m.size, m.chunkSize))

  return m
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.byteLength === b.byteLength && a.every((v, i) => v === b[i])
}

function checkValidity(check: FieldCheck, issuedAtMs: number, expiresAtMs: number): void {
  check.range('issuedAtMs', issuedAtMs, 1, MAX_TIME_MS)
  check.range('expiresAtMs', expiresAtMs, issuedAtMs + 1, MAX_TIME_MS)
}
