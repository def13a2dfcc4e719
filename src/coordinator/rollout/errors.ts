/**
 * Raised when a status report is malformed: a missing node id, an unknown state, a sequence that
 * is not a non-negative integer, a negative byte count. Reports come from nodes, so the caller
 * drops the report (and may count it against the sender); the rollout is left unchanged.
 */
export class InvalidReportError extends Error {
  override readonly name = 'InvalidReportError'
  /** The offending field, e.g. "state". */
  readonly field: string
  /** The reporting node, when it could be read. */
  readonly nodeId: string | undefined

  constructor(field: string, reason: string, nodeId?: string) {
    super(
      `invalid status report${nodeId === undefined ? '' : ` from ${nodeId}`}: ${field} ${reason}`,
    )
    this.field = field
    this.nodeId = nodeId
  }
}

/** Raised when a report names a patch other than the rollout's own. */
export class PatchMismatchError extends Error {
  override readonly name = 'PatchMismatchError'
  readonly expected: string
  readonly actual: string

  constructor(expected: string, actual: string) {
    super(`report for patch ${actual} given to the rollout of patch ${expected}`)
    this.expected = expected
    this.actual = actual
  }
}

/** Raised when an approval names a ring the rollout was not created with. */
export class UnknownRingError extends Error {
  override readonly name = 'UnknownRingError'
  readonly ring: string

  /** `known`, when given, is listed in the message so the operator sees the valid rings. */
  constructor(ring: string, known?: readonly string[]) {
    const list = known === undefined ? '' : `; the rings are ${known.join(', ')}`
    super(`unknown ring ${JSON.stringify(ring)}${list}`)
    this.ring = ring
  }
}

/** Raised for approval terms that cannot hold, such as a deadline before the not-before time. */
export class InvalidApprovalError extends Error {
  override readonly name = 'InvalidApprovalError'
  /** The offending field, e.g. "deadlineMs". */
  readonly field: string

  constructor(field: string, reason: string) {
    super(`invalid approval: ${field} ${reason}`)
    this.field = field
  }
}

/** Raised when a rollout is created with, or evaluated under, an invalid field or policy option. */
export class RolloutConfigError extends Error {
  override readonly name = 'RolloutConfigError'
  /** The offending field, e.g. "policy.promoteShare". */
  readonly field: string

  constructor(field: string, reason: string) {
    super(`invalid rollout ${field}: ${reason}`)
    this.field = field
  }
}

/** Raised when a time passed in (now, received at, approved at) is not a finite number of ms. */
export class InvalidTimeError extends RangeError {
  override readonly name = 'InvalidTimeError'
  readonly field: string
  readonly value: unknown

  constructor(field: string, value: unknown) {
    super(`${field} must be a finite number of ms, got ${String(value)}`)
    this.field = field
    this.value = value
  }
}

/** Throws {@link InvalidTimeError} unless `value` is a finite number. */
export function checkTime(field: string, value: number): void {
  if (typeof value !== 'number' || !Number.isFinite(value)) throw new InvalidTimeError(field, value)
}
