/**
 * Signing and reading envelopes. A signature covers a domain-separated form of the payload
 * type and the payload bytes exactly as carried, so a signature made for one kind of record
 * never verifies as another kind, and nothing is re-encoded before it is checked.
 */
import { Envelope, decodeEnvelope } from '../wire/records.ts'
import type { SigningKey } from './keys.ts'
import { WrongRecordTypeError } from './errors.ts'
import type { Bytes, RoleName } from './keys.ts'

/** The record kinds, their payload type strings and the role that must sign each. */
export const RECORDS = {
  root: { payloadType: 'patchmesh.root.v1', role: 'root' },
  announcement: { payloadType: 'patchmesh.announcement.v1', role: 'publisher' },
  revocation: { payloadType: 'patchmesh.revocation.v1', role: 'publisher' },
  approval: { payloadType: 'patchmesh.approval.v1', role: 'coordinator' },
  halt: { payloadType: 'patchmesh.halt.v1', role: 'coordinator' },
} as const satisfies Record<string, { payloadType: string; role: RoleName }>

export type RecordKind = keyof typeof RECORDS

const DOMAIN = new TextEncoder().encode('patchmesh-envelope-v1')

/**
 * The bytes a signature covers: "patchmesh-envelope-v1", the payload type and the payload, each
 * preceded by its length as a 64-bit big-endian integer, so no two inputs share an encoding.
 */
export function signingInput(payloadType: string, payload: Uint8Array): Uint8Array {
  const type = new TextEncoder().encode(payloadType)
  const out = new Uint8Array(DOMAIN.byteLength + 16 + type.byteLength + payload.byteLength)
  const view = new DataView(out.buffer)
  let at = 0

  out.set(DOMAIN, at)
  at += DOMAIN.byteLength
  view.setBigUint64(at, BigInt(type.byteLength))
  at += 8
  out.set(type, at)
  at += type.byteLength
  view.setBigUint64(at, BigInt(payload.byteLength))
  at += 8
  out.set(payload, at)

  return out
}

/** Signs `payload` as a record of `kind` with every key given, and encodes the envelope. */
export function signEnvelope(kind: RecordKind, payload: Bytes, keys: SigningKey[]): Uint8Array {
  const { payloadType } = RECORDS[kind]
  const input = signingInput(payloadType, payload)

  return Envelope.encode({
    payloadType,
    payload,
    signatures: keys.map((key) => ({ keyId: key.keyId, sig: key.sign(input) })),
  })
}

/** Decodes an envelope (bounded, shape-checked) and checks it carries a record of `kind`. */
export function openEnvelope(kind: RecordKind, bytes: Uint8Array): Envelope {
  const envelope = decodeEnvelope(bytes)
  if (envelope.payloadType !== RECORDS[kind].payloadType) {
    throw new WrongRecordTypeError(kind, envelope.payloadType)
  }

  return envelope
}
