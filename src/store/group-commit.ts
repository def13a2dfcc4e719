/**
 * Group commit for one data file: chunks written since the last commit are made durable together,
 * one fdatasync and one batch of held marks for all of them. Internal to src/store.
 *
 * An fdatasync costs the same few milliseconds of CPU (journal commit and device flush) for one
 * chunk as for many; one per 1 MiB chunk cost more than all the rest of storing it. A chunk is
 * added only once its bytes are written, and its commit resolves only after the fdatasync that
 * started after that write and the marks naming it both succeeded: batching changes how many
 * chunks share a commit, never the order of write, sync and mark.
 */

export interface GroupCommitOptions {
  /** Commit once this many bytes wait. */
  bytes: number
  /** Commit once the oldest waiting chunk has waited this long, ms. */
  delayMs: number
}

interface Waiter {
  index: number
  resolve: () => void
  reject: (err: Error) => void
}

export class GroupCommit {
  readonly #commit: (indexes: number[]) => Promise<void>
  readonly #errorFor: (err: unknown, index: number) => Error
  readonly #opts: GroupCommitOptions
  #waiting: Waiter[] = []
  #waitingBytes = 0
  #wanted = false
  #timer: NodeJS.Timeout | undefined
  #running: Promise<void> | undefined

  /**
   * `commit` makes the chunks durable and marks them; `errorFor` turns its failure into the
   * error each chunk's commit rejects with.
   */
  constructor(
    commit: (indexes: number[]) => Promise<void>,
    errorFor: (err: unknown, index: number) => Error,
    opts: GroupCommitOptions,
  ) {
    this.#commit = commit
    this.#errorFor = errorFor
    this.#opts = opts
  }

  /**
   * Adds a chunk whose `bytes` are written; resolves once it is committed. With `now`, the
   * commit starts at once (joining whatever else waits) instead of when the batch is full.
   */
  add(index: number, bytes: number, now: boolean): Promise<void> {
    const committed = new Promise<void>((resolve, reject) => {
      this.#waiting.push({ index, resolve, reject })
    })
    this.#waitingBytes += bytes
    if (now || this.#waitingBytes >= this.#opts.bytes) this.#kick()
    else this.#timer ??= setTimeout(() => this.#kick(), this.#opts.delayMs)

    return committed
  }

  /** Commits every chunk waiting now; resolves when that is done, whatever its outcome. */
  async flush(): Promise<void> {
    if (this.#waiting.length > 0) this.#kick()
    while (this.#running !== undefined) await this.#running
  }

  #kick(): void {
    this.#wanted = true
    if (this.#running === undefined && this.#waiting.length > 0) this.#running = this.#drive()
  }

  async #drive(): Promise<void> {
    while (this.#wanted && this.#waiting.length > 0) {
      this.#wanted = false
      clearTimeout(this.#timer)
      this.#timer = undefined
      const batch = this.#waiting
      this.#waiting = []
      this.#waitingBytes = 0

      try {
        await this.#commit(batch.map((w) => w.index))
        for (const w of batch) w.resolve()
      } catch (err) {
        for (const w of batch) w.reject(this.#errorFor(err, w.index))
      }
      // Chunks that arrived during this commit wait for their own trigger, unless one fired.
    }
    this.#running = undefined
  }
}
