/** A keys directory that is missing, incomplete or would be overwritten. */
export class KeysDirError extends Error {
  override readonly name = 'KeysDirError'
  readonly dir: string

  constructor(dir: string, reason: string) {
    super(`keys directory ${dir}: ${reason}`)
    this.dir = dir
  }
}

/** A bundle directory that is missing a part, or an output directory that is not empty. */
export class BundleError extends Error {
  override readonly name = 'BundleError'
  readonly dir: string

  constructor(dir: string, reason: string) {
    super(`bundle ${dir}: ${reason}`)
    this.dir = dir
  }
}

/** A publish refused before anything is signed: the input or an option cannot make a patch. */
export class PublishError extends Error {
  override readonly name = 'PublishError'

  constructor(reason: string) {
    super(`cannot publish: ${reason}`)
  }
}
