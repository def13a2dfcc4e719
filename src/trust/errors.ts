/**
 * Everything a node can reject about a signed record, one class per reason. Tests and callers
 * tell them apart by `name`. `penalize` says whether the peer that sent the record is to blame:
 * a forged record is the sender's fault; a stale or expired one may just have been relayed late.
 */
export class TrustError extends Error {
  override readonly name: string = 'TrustError'
  /** The kind of record, e.g. "announcement". */
  readonly recordType: string
  /** Whether the peer that sent this record should lose score for it. */
  readonly penalize: boolean

  constructor(recordType: string, message: string, penalize: boolean, options?: ErrorOptions) {
    super(`${recordType}: ${message}`, options)
    this.recordType = recordType
    this.penalize = penalize
  }
}

/** A signature by a key of the role did not verify over the carried bytes. */
export class BadSignatureError extends TrustError {
  override readonly name = 'BadSignatureError'
  readonly keyId: string

  constructor(recordType: string, keyId: string) {
    super(recordType, `signature by key ${keyId} does not verify`, true)
    this.keyId = keyId
  }
}

/** A signature by a key the current root does not list at all. */
export class UnknownKeyError extends TrustError {
  override readonly name = 'UnknownKeyError'
  readonly keyId: string

  constructor(recordType: string, keyId: string) {
    super(recordType, `signed by key ${keyId}, which the current root does not list`, true)
    this.keyId = keyId
  }
}

/** A signature by a key the root lists, but for another role than the record needs. */
export class KeyNotInRoleError extends TrustError {
  override readonly name = 'KeyNotInRoleError'
  readonly keyId: string
  readonly role: string

  constructor(recordType: string, keyId: string, role: string) {
    super(
      recordType,
      `signed by key ${keyId}, which is not a ${role} key in the current root`,
      true,
    )
    this.keyId = keyId
    this.role = role
  }
}

/** Fewer distinct valid signatures of the role than its threshold (each key counts once). */
export class ThresholdNotMetError extends TrustError {
  override readonly name = 'ThresholdNotMetError'
  readonly valid: number
  readonly threshold: number

  constructor(recordType: string, role: string, valid: number, threshold: number, note = '') {
    super(recordType, `${valid} valid ${role} signature(s), threshold is ${threshold}${note}`, true)
    this.valid = valid
    this.threshold = threshold
  }
}

/** The envelope carries another kind of record than the one expected. */
export class WrongRecordTypeError extends TrustError {
  override readonly name = 'WrongRecordTypeError'

  constructor(expected: string, actual: string) {
    super(expected, `envelope carries "${actual}"`, true)
  }
}

/** The record's validity ended (beyond the allowed clock skew). */
export class ExpiredRecordError extends TrustError {
  override readonly name = 'ExpiredRecordError'
  readonly expiresAtMs: number

  constructor(recordType: string, expiresAtMs: number, nowMs: number) {
    const ago = formatSpan(nowMs - expiresAtMs)
    super(recordType, `expired at ${iso(expiresAtMs)} (${ago} ago)`, false)
    this.expiresAtMs = expiresAtMs
  }
}

/**
 * The record is correctly signed but this machine's clock is far outside its validity: it was
 * issued later than now plus the allowed skew. The clock, not the record, is the likely fault.
 */
export class ClockSkewError extends TrustError {
  override readonly name = 'ClockSkewError'
  readonly issuedAtMs: number
  readonly nowMs: number

  constructor(recordType: string, issuedAtMs: number, nowMs: number, skewMs: number) {
    super(
      recordType,
      `issued at ${iso(issuedAtMs)}, ${formatSpan(issuedAtMs - nowMs)} after this machine's ` +
        `clock (${iso(nowMs)}; allowed skew ${formatSpan(skewMs)}): check the system clock`,
      false,
    )
    this.issuedAtMs = issuedAtMs
    this.nowMs = nowMs
  }
}

/** A sequence number below the highest already accepted for this record stream. */
export class SequenceRollbackError extends TrustError {
  override readonly name = 'SequenceRollbackError'
  readonly sequence: number
  readonly highest: number

  constructor(recordType: string, stream: string, sequence: number, highest: number) {
    super(
      recordType,
      `${stream}: sequence ${sequence} is below ${highest}, already accepted`,
      false,
    )
    this.sequence = sequence
    this.highest = highest
  }
}

/** The highest accepted sequence number reused for a record with different content. */
export class SequenceReplayError extends TrustError {
  override readonly name = 'SequenceReplayError'
  readonly sequence: number

  constructor(recordType: string, stream: string, sequence: number) {
    super(recordType, `${stream}: sequence ${sequence} was already used by another record`, true)
    this.sequence = sequence
  }
}

/** A manifest that is not the one the announcement names. */
export class ManifestMismatchError extends TrustError {
  override readonly name = 'ManifestMismatchError'
  readonly patchId: string

  constructor(patchId: string, what: string) {
    super('manifest', `patch ${patchId}: ${what}`, true)
    this.patchId = patchId
  }
}

/** A patch its publisher revoked: it verifies, but must not be installed. */
export class PatchRevokedError extends TrustError {
  override readonly name = 'PatchRevokedError'
  readonly patchId: string
  readonly reason: string

  constructor(patchId: string, reason: string) {
    super('revocation', `patch ${patchId} was revoked by its publisher: ${reason}`, false)
    this.patchId = patchId
    this.reason = reason
  }
}

/** A root whose content is inconsistent (a key id that is not its key's hash, a missing role). */
export class InvalidRootError extends TrustError {
  override readonly name = 'InvalidRootError'

  constructor(reason: string) {
    super('root', reason, true)
  }
}

/** A root rotation that is out of order (not exactly one version after the current root). */
export class RootVersionError extends TrustError {
  override readonly name = 'RootVersionError'

  constructor(current: number, offered: number) {
    super(
      'root',
      `version ${offered} cannot follow version ${current} (expected ${current + 1})`,
      false,
    )
  }
}

/**
 * A new root not signed by a threshold of the previous root's root keys (`side` "previous") or
 * of its own root keys (`side` "new"); `cause` holds the underlying signature error.
 */
export class RootRotationError extends TrustError {
  override readonly name = 'RootRotationError'
  readonly side: 'previous' | 'new'

  constructor(version: number, side: 'previous' | 'new', cause: TrustError) {
    const whose = side === 'previous' ? 'the previous root' : 'its own root keys'
    super('root', `version ${version} is not signed by ${whose}: ${cause.message}`, true, { cause })
    this.side = side
  }
}

/** A secret key file that others than its owner can read, or that is not a valid key. */
export class KeyFileError extends Error {
  override readonly name = 'KeyFileError'
  readonly path: string

  constructor(path: string, reason: string) {
    super(`key file ${path}: ${reason}`)
    this.path = path
  }
}

function iso(ms: number): string {
  return new Date(ms).toISOString()
}

/** A duration for humans: "3d 4h", "12m", "850ms". */
export function formatSpan(ms: number): string {
  const abs = Math.abs(ms)
  if (abs < 1000) return `${abs}ms`

  const units: [string, number][] = [
    ['d', 86_400_000],
    ['h', 3_600_000],
    ['m', 60_000],
    ['s', 1000],
  ]
  const parts: string[] = []
  let rest = abs
  for (const [unit, size] of units) {
    const n = Math.floor(rest / size)
    if (n > 0 && parts.length < 2) parts.push(`${n}${unit}`)
    rest -= n * size
  }

  return parts.join(' ')
}
