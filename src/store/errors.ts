/**
 * Errors raised by the node's storage. Each is told apart by its `name` and carries what failed
 * as fields; messages are for operators, not for matching.
 */

/** Another process (or another store in this process) holds the data directory's lock. */
export class DataDirLockedError extends Error {
  override readonly name = 'DataDirLockedError'
  /** The data directory that is in use. */
  readonly dataDir: string

  constructor(dataDir: string, options?: ErrorOptions) {
    super(
      `data directory ${dataDir} is locked: another patchmesh process is using it; stop that ` +
        `process or give this one its own data directory`,
      options,
    )
    this.dataDir = dataDir
  }
}

/**
 * A chunk was asked for that this node does not hold. A node serves only chunks it has verified
 * and durably stored, so the requester should ask another peer.
 */
export class ChunkNotHeldError extends Error {
  override readonly name = 'ChunkNotHeldError'
  readonly patchId: string
  readonly index: number

  constructor(patchId: string, index: number) {
    super(`chunk ${index} of patch ${patchId} is not held`)
    this.patchId = patchId
    this.index = index
  }
}

/**
 * Writing a chunk failed because the file system is full (ENOSPC) or the user's quota is used up
 * (EDQUOT). Nothing was marked held; once space is freed the same write succeeds.
 */
export class DiskFullError extends Error {
  override readonly name = 'DiskFullError'
  readonly patchId: string
  /** Index of the chunk being written. */
  readonly index: number
  /** The patch's data file. */
  readonly path: string
  /** The system error code: "ENOSPC" or "EDQUOT". */
  readonly code: string

  constructor(patchId: string, index: number, path: string, code: string, options?: ErrorOptions) {
    const what = code === 'EDQUOT' ? 'disk quota exceeded' : 'no space left'
    super(
      `${what} on the file system of ${path} writing chunk ${index} of patch ${patchId}; ` +
        `free space and the download will resume`,
      options,
    )
    this.patchId = patchId
    this.index = index
    this.path = path
    this.code = code
  }
}

/** Chunk bytes handed to a patch file do not have the length the manifest gives that chunk. */
export class ChunkLengthError extends Error {
  override readonly name = 'ChunkLengthError'
  readonly patchId: string
  readonly index: number
  readonly expected: number
  readonly actual: number

  constructor(patchId: string, index: number, expected: number, actual: number) {
    super(`chunk ${index} of patch ${patchId} must be ${expected} bytes, got ${actual}`)
    this.patchId = patchId
    this.index = index
    this.expected = expected
    this.actual = actual
  }
}

/**
 * A patch id is not 32 lowercase hex characters. Patch ids name files and keys, so anything else
 * (a path separator, "..") is refused before it reaches the file system.
 */
export class InvalidPatchIdError extends Error {
  override readonly name = 'InvalidPatchIdError'
  readonly patchId: string

  constructor(patchId: string) {
    super(`invalid patch id ${JSON.stringify(patchId.slice(0, 80))}: expected 32 lowercase hex`)
    this.patchId = patchId
  }
}

/** A patch is opened with a manifest other than the one it is already open with. */
export class ManifestConflictError extends Error {
  override readonly name = 'ManifestConflictError'
  readonly patchId: string

  constructor(patchId: string) {
    super(`patch ${patchId} is already open with a different manifest`)
    this.patchId = patchId
  }
}

/** A patch file or node store was used after it was closed (or the patch was removed). */
export class StoreClosedError extends Error {
  override readonly name = 'StoreClosedError'
  /** What was closed: "node store" or "patch <id>". */
  readonly what: string

  constructor(what: string) {
    super(`${what} is closed`)
    this.what = what
  }
}

/**
 * A patch's data file changed behind the node's back while it was open (a read came back short).
 * Nothing is served from it; reopening the patch checks the file and starts over if needed.
 */
export class DataFileChangedError extends Error {
  override readonly name = 'DataFileChangedError'
  readonly patchId: string
  readonly index: number
  readonly path: string

  constructor(patchId: string, index: number, path: string) {
    super(`data file ${path} of patch ${patchId} ended before chunk ${index}: it changed on disk`)
    this.patchId = patchId
    this.index = index
    this.path = path
  }
}
