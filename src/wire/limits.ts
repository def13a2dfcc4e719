/**
 * Size limits on everything decoded from the wire or from disk. Every decode checks its input
 * against one of these before parsing, so a peer cannot make a node allocate more than this.
 * LIMITS.md explains the choice of each figure.
 */

/** Smallest chunk size a manifest may use: 16 KiB. */
export const MIN_CHUNK_SIZE = 16 * 1024

/** Largest chunk size a manifest may use: 16 MiB. */
export const MAX_CHUNK_SIZE = 16 * 1024 * 1024

/** Default chunk size: 1 MiB. */
export const DEFAULT_CHUNK_SIZE = 1024 * 1024

/** Most chunks one manifest may list (32 MiB of hashes), so at 1 MiB chunks a 1 TiB patch. */
export const MAX_CHUNKS = 1024 * 1024

/** An encoded signed record (root, announcement, revocation, approval, halt): 64 KiB. */
export const MAX_ENVELOPE_BYTES = 64 * 1024

/** An encoded manifest: its chunk hashes plus a little framing. */
export const MAX_MANIFEST_BYTES = MAX_CHUNKS * 32 + 1024

/** A hello frame, holdings included. */
export const MAX_HELLO_BYTES = 1024 * 1024

/** A chunk response frame: the largest chunk plus framing. */
export const MAX_CHUNK_FRAME_BYTES = MAX_CHUNK_SIZE + 1024

/** Any other small mesh frame (chunk request, have, status report). */
export const MAX_SMALL_FRAME_BYTES = 64 * 1024

/** Longest name, version, reason or selector string accepted in a record. */
export const MAX_TEXT_LENGTH = 1024

/** Most status reports a node sends on one status stream; the coordinator closes it after. */
export const MAX_STATUS_BATCH = 256

/** Most bytes of report frames a node sends on one status stream, together. */
export const MAX_STATUS_BATCH_BYTES = 1024 * 1024

/** Most undelivered reports a node's stored outbox holds (the StatusOutbox limit in mesh.proto). */
export const MAX_STATUS_OUTBOX_REPORTS = 256

/** A node's stored outbox, encoded: its most reports, each at most one small frame. */
export const MAX_STATUS_OUTBOX_BYTES = MAX_STATUS_OUTBOX_REPORTS * (MAX_SMALL_FRAME_BYTES + 8) + 64
