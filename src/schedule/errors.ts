/**
 * Raised when a bitfield's bytes are not exactly ceil(length / 8) long. Holdings come from peers,
 * so a peer that sends such bytes is to be penalised.
 */
export class BitfieldLengthError extends Error {
  override readonly name = 'BitfieldLengthError'
  /** Bytes a bitfield of this many bits takes. */
  readonly expectedBytes: number
  /** Bytes received. */
  readonly actualBytes: number

  constructor(expectedBytes: number, actualBytes: number) {
    super(`bitfield must be ${expectedBytes} bytes, got ${actualBytes}`)
    this.expectedBytes = expectedBytes
    this.actualBytes = actualBytes
  }
}

/**
 * Raised when a bitfield's last byte has bits set past its length. The wire format requires them
 * to be zero, so stray bits mean a buggy or hostile sender.
 */
export class BitfieldPaddingError extends Error {
  override readonly name = 'BitfieldPaddingError'
  /** Length of the bitfield in bits. */
  readonly length: number

  constructor(length: number) {
    super(`bitfield of ${length} bits has bits set past its end`)
    this.length = length
  }
}

/** Raised for a chunk index that is not an integer in [0, chunkCount). */
export class ChunkIndexError extends RangeError {
  override readonly name = 'ChunkIndexError'
  readonly index: number
  readonly chunkCount: number

  constructor(index: number, chunkCount: number) {
    super(`chunk index ${index} is outside [0, ${chunkCount})`)
    this.index = index
    this.chunkCount = chunkCount
  }
}

/** Raised when a peer event names a peer the scheduler was never told about (or was removed). */
export class UnknownPeerError extends Error {
  override readonly name = 'UnknownPeerError'
  readonly peerId: string

  constructor(peerId: string) {
    super(`unknown peer ${peerId}`)
    this.peerId = peerId
  }
}

/** Raised when a peer is added twice without being removed in between. */
export class DuplicatePeerError extends Error {
  override readonly name = 'DuplicatePeerError'
  readonly peerId: string

  constructor(peerId: string) {
    super(`peer ${peerId} is already known`)
    this.peerId = peerId
  }
}

/** Raised when a peer at another site is declared a member of this node's site. */
export class NotSitePeerError extends Error {
  override readonly name = 'NotSitePeerError'
  readonly peerId: string

  constructor(peerId: string) {
    super(`peer ${peerId} is not at this node's site`)
    this.peerId = peerId
  }
}

/** Raised when a scheduler is constructed with an invalid field or option. */
export class SchedulerConfigError extends Error {
  override readonly name = 'SchedulerConfigError'
  /** The offending field, e.g. "options.maxInFlight". */
  readonly field: string

  constructor(field: string, reason: string) {
    super(`invalid scheduler ${field}: ${reason}`)
    this.field = field
  }
}
