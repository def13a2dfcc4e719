/**
 * The two checks every signed record passes: enough distinct keys of the right role signed the
 * exact carried bytes, and the record is within its validity at this machine's time.
 */
import nacl from 'tweetnacl'
import type { Envelope, Root } from '../wire/records.ts'
import { signingInput } from './envelope.ts'
import {
  BadSignatureError,
  ClockSkewError,
  ExpiredRecordError,
  InvalidRootError,
  KeyNotInRoleError,
  ThresholdNotMetError,
  UnknownKeyError,
} from './errors.ts'
import { toHex } from './keys.ts'
import type { RoleName } from './keys.ts'

/** Default allowance for clocks that disagree: 5 minutes. */
export const DEFAULT_CLOCK_SKEW_MS = 5 * 60 * 1000

/**
 * Checks that at least the role's threshold of distinct keys of `role` in `root` signed the
 * envelope. Each key counts once however many signatures it made. Returns the ids of the keys
 * whose signatures verified. When the threshold is not met and no signature verified, the error
 * names the first thing wrong (a bad signature, a key of another role, an unknown key).
 */
export function verifyThreshold(
  recordType: string,
  envelope: Envelope,
  root: Root,
  role: RoleName,
): string[] {
  const roleDef = root.roles.find((r) => r.name === role)
  if (roleDef === undefined) throw new InvalidRootError(`root has no ${role} role`)

  const roleKeys = new Set(roleDef.keyIds.map(toHex))
  const publicKeys = new Map(root.keys.map((k) => [toHex(k.keyId), k.ed25519]))
  const input = signingInput(envelope.payloadType, envelope.payload)
  const valid = new Set<string>()
  const seen = new Set<string>()
  const problems: Error[] = []
  let duplicates = 0

  for (const { keyId, sig } of envelope.signatures) {
    const id = toHex(keyId)
    if (seen.has(id)) {
      duplicates++
      continue
    }
    seen.add(id)

    const publicKey = publicKeys.get(id)
    if (publicKey === undefined) {
      problems.push(new UnknownKeyError(recordType, id))
    } else if (!roleKeys.has(id)) {
      problems.push(new KeyNotInRoleError(recordType, id, role))
    } else if (!nacl.sign.detached.verify(input, sig, publicKey)) {
      problems.push(new BadSignatureError(recordType, id))
    } else {
      valid.add(id)
    }
  }

  if (valid.size >= roleDef.threshold) return [...valid]
  if (valid.size === 0 && problems[0] !== undefined) throw problems[0]

  const note = duplicates > 0 ? ` (${duplicates} repeated signature(s) by one key ignored)` : ''
  throw new ThresholdNotMetError(recordType, role, valid.size, roleDef.threshold, note)
}

/** A record's validity period, in milliseconds since the epoch. */
export interface Validity {
  issuedAtMs: number
  expiresAtMs: number
}

/**
 * Checks `nowMs` against the record's validity, allowing `skewMs` either way. A record issued
 * after now plus the skew is a clock problem (ClockSkewError), not a forgery: only records whose
 * signatures verified reach this check.
 */
export function checkValidity(
  recordType: string,
  validity: Validity,
  nowMs: number,
  skewMs: number,
): void {
  if (nowMs + skewMs < validity.issuedAtMs) {
    throw new ClockSkewError(recordType, validity.issuedAtMs, nowMs, skewMs)
  }
  if (nowMs - skewMs > validity.expiresAtMs) {
    throw new ExpiredRecordError(recordType, validity.expiresAtMs, nowMs)
  }
}
