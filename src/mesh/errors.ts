/** Why a chunk request to a peer failed, in the scheduler's terms. */
export type ChunkFailure = 'timeout' | 'stalled' | 'refused' | 'busy' | 'not-found' | 'protocol'

/**
 * A chunk request that did not produce a chunk. `penalize` is set when the peer broke the
 * protocol (garbage, a response for another chunk): that counts against it like a bad chunk.
 */
export class ChunkRequestError extends Error {
  override readonly name = 'ChunkRequestError'
  readonly peer: string
  readonly patchId: string
  readonly index: number
  readonly reason: ChunkFailure
  readonly penalize: boolean

  constructor(
    peer: string,
    patchId: string,
    index: number,
    reason: ChunkFailure,
    detail: string,
    options?: ErrorOptions,
  ) {
    super(`chunk ${index} of patch ${patchId} from ${peer}: ${reason} (${detail})`, options)
    this.peer = peer
    this.patchId = patchId
    this.index = index
    this.reason = reason
    this.penalize = reason === 'protocol'
  }
}

/** A manifest or record request that failed. */
export class MeshRequestError extends Error {
  override readonly name = 'MeshRequestError'
  readonly peer: string

  constructor(peer: string, what: string, options?: ErrorOptions) {
    super(`${what} from ${peer}`, options)
    this.peer = peer
  }
}

/** A status report that cannot be sent as it is: a field is malformed or out of range. */
export class InvalidStatusReportError extends Error {
  override readonly name = 'InvalidStatusReportError'
  /** The patch the report is about; '' for the reporter's own settings. */
  readonly patchId: string
  /** What is wrong, naming the field, e.g. "field site contains control characters". */
  readonly reason: string

  constructor(patchId: string, reason: string, options?: ErrorOptions) {
    const about = patchId === '' ? 'status reports' : `status report for patch ${patchId}`
    super(`${about} cannot be sent: ${reason}`, options)
    this.patchId = patchId
    this.reason = reason
  }
}

/**
 * A rate limit that is not a number of 0 or more (NaN, negative). Such a value used to mean "no
 * limit" by accident; only 0 (for Mbit/s) or Infinity says that, on purpose.
 */
export class InvalidRateError extends RangeError {
  override readonly name = 'InvalidRateError'
  /** What was being limited, e.g. "rate" or "burst". */
  readonly field: string
  readonly value: number

  constructor(field: string, value: number, expected: string) {
    super(`invalid ${field}: expected ${expected}, got ${value}`)
    this.field = field
    this.value = value
  }
}
