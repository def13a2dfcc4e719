/**
 * Errors of the coordinator's service and API. Each is told apart by its `name`; the HTTP layer
 * maps them to status codes (see src/coordinator/http/errors.ts). Errors about a request field
 * carry the field's name, so a 400 answer says which one is wrong.
 */

/** No verified announcement of this patch has reached the coordinator. */
export class UnknownPatchError extends Error {
  override readonly name = 'UnknownPatchError'
  /** The patch id or name@version asked for. */
  readonly patch: string

  constructor(patch: string) {
    super(`unknown patch ${JSON.stringify(patch)}: no verified announcement of it has been seen`)
    this.patch = patch
  }
}

/** A name@version that names more than one patch (two files published under one version). */
export class AmbiguousPatchError extends Error {
  override readonly name = 'AmbiguousPatchError'
  readonly patch: string
  readonly patchIds: readonly string[]

  constructor(patch: string, patchIds: readonly string[]) {
    super(`${patch} names ${patchIds.length} patches (${patchIds.join(', ')}): use the patch id`)
    this.patch = patch
    this.patchIds = patchIds
  }
}

/** The publisher revoked the patch: nothing about it may be approved any more. */
export class PatchRevokedError extends Error {
  override readonly name = 'PatchRevokedError'
  readonly patchId: string

  constructor(patchId: string, reason: string) {
    const why = reason === '' ? '' : ` (${reason})`
    super(`patch ${patchId} was revoked by its publisher${why}; it cannot be approved`)
    this.patchId = patchId
  }
}

/**
 * The patch's announcement no longer verifies under the mesh's current root (its publisher key
 * was rotated out): nodes dropped it, so nothing about it may be approved until it is announced
 * again under a current key.
 */
export class PatchUntrustedError extends Error {
  override readonly name = 'PatchUntrustedError'
  readonly patchId: string
  readonly reason: string

  constructor(patchId: string, reason: string) {
    super(
      `patch ${patchId} is no longer trusted: its announcement does not verify under the ` +
        `current root (${reason}); it cannot be approved until it is announced again`,
    )
    this.patchId = patchId
    this.reason = reason
  }
}

/** A halt asked for while the rollout is halted already. */
export class AlreadyHaltedError extends Error {
  override readonly name = 'AlreadyHaltedError'
  readonly patchId: string

  constructor(patchId: string, since: string) {
    super(`patch ${patchId} is already halted (${since}); approve a ring or group to resume`)
    this.patchId = patchId
  }
}

/** A request field that is missing, malformed or out of range. */
export class InvalidFieldError extends Error {
  override readonly name = 'InvalidFieldError'
  /** The field as the request names it, e.g. "deadline" or "windows[1]". */
  readonly field: string

  constructor(field: string, reason: string) {
    super(`${field}: ${reason}`)
    this.field = field
  }
}

/**
 * A report the coordinator cannot place yet or at all. `retry` says whether the sender should
 * keep it and send it again later (the patch's announcement has not arrived yet) or drop it.
 */
export class ReportRefusedError extends Error {
  override readonly name = 'ReportRefusedError'
  readonly nodeId: string
  readonly retry: boolean

  constructor(nodeId: string, reason: string, retry: boolean) {
    super(`report from ${nodeId} refused: ${reason}`)
    this.nodeId = nodeId
    this.retry = retry
  }
}

/**
 * A record the coordinator signed would not be accepted by the nodes (for instance its keys are
 * not the coordinator keys of the mesh's current root, or the root expired). Nothing was stored
 * or gossiped.
 */
export class SigningError extends Error {
  override readonly name = 'SigningError'

  constructor(reason: string, options?: ErrorOptions) {
    super(`the coordinator cannot sign records nodes accept: ${reason}`, options)
  }
}
