/**
 * Errors raised by the install side. Each is told apart by its `name` and carries what failed as
 * fields. A failed install is not an error: it is an outcome, stored in the ledger and reported.
 * These are for misuse and misconfiguration (a time zone that does not exist, an install begun
 * twice) and for stored bytes that cannot be read.
 */

/** A node's time zone is not an IANA name (or offset) this runtime knows. */
export class InvalidTimeZoneError extends RangeError {
  override readonly name = 'InvalidTimeZoneError'
  readonly timeZone: string

  constructor(timeZone: string, options?: ErrorOptions) {
    super(
      `unknown time zone ${JSON.stringify(timeZone.slice(0, 80))}: expected an IANA name ` +
        `such as "Europe/London"`,
      options,
    )
    this.timeZone = timeZone
  }
}

/** A maintenance window has a field outside its range (see the Window message in proto/). */
export class InvalidWindowError extends RangeError {
  override readonly name = 'InvalidWindowError'
  /** Position of the window in the list it came in. */
  readonly index: number
  /** The offending field, e.g. "startMinute". */
  readonly field: string

  constructor(index: number, field: string, reason: string) {
    super(`maintenance window ${index}: ${field} ${reason}`)
    this.index = index
    this.field = field
  }
}

/** An install action is configured wrongly (an empty command, a time-out that is not positive). */
export class InstallActionError extends Error {
  override readonly name = 'InstallActionError'
  /** The offending field, e.g. "timeoutMs". */
  readonly field: string

  constructor(field: string, reason: string) {
    super(`invalid install action: ${field} ${reason}`)
    this.field = field
  }
}

/**
 * An install was begun for a patch the ledger already has an entry for, and not as a retry of a
 * failed one (a success is never run again, nor an install still running). `state` says what is
 * there ("running", "finished", or "interrupted" for one a previous process began and never
 * finished).
 */
export class InstallAlreadyBegunError extends Error {
  override readonly name = 'InstallAlreadyBegunError'
  readonly patchId: string
  readonly state: 'running' | 'finished' | 'interrupted'

  constructor(patchId: string, state: 'running' | 'finished' | 'interrupted') {
    super(`install of patch ${patchId} was already begun (${state}); it is not begun again`)
    this.patchId = patchId
    this.state = state
  }
}

/** An install was finished that this ledger did not begin (or has already finished). */
export class InstallNotBegunError extends Error {
  override readonly name = 'InstallNotBegunError'
  readonly patchId: string

  constructor(patchId: string) {
    super(`install of patch ${patchId} is not running in this process`)
    this.patchId = patchId
  }
}

/** A ledger entry's stored bytes are not a record this version can read. */
export class LedgerRecordError extends Error {
  override readonly name = 'LedgerRecordError'
  readonly patchId: string

  constructor(patchId: string, reason: string, options?: ErrorOptions) {
    super(`install ledger entry of patch ${patchId} is unreadable: ${reason}`, options)
    this.patchId = patchId
  }
}
