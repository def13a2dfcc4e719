/**
 * Raised when bytes from a file or a peer cannot be decoded into the message they claim to be:
 * too long, not protobuf, or a field of the wrong shape. A peer that sends such bytes is to be
 * penalised; a file that holds them is corrupt.
 */
export class WireDecodeError extends Error {
  override readonly name = 'WireDecodeError'
  /** The message type being decoded, e.g. "Announcement". */
  readonly messageType: string
  /** What was wrong, e.g. "field sha256 must be 32 bytes, got 31". */
  readonly reason: string

  constructor(messageType: string, reason: string, options?: ErrorOptions) {
    super(`cannot decode ${messageType}: ${reason}`, options)
    this.messageType = messageType
    this.reason = reason
  }
}
