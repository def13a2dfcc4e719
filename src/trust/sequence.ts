/**
 * Replay and rollback protection. Every signed record belongs to a stream (all records about
 * one patch from the publisher, the approvals of one ring for one patch, ...) and carries a
 * sequence number; a node accepts a record only if its number is not below the highest it has
 * accepted on that stream. The highest numbers are persisted, so this survives restarts.
 */
import { SequenceReplayError, SequenceRollbackError } from './errors.ts'

/** The highest sequence accepted on a stream and a digest of the record that carried it. */
export interface SeenSequence {
  sequence: number
  digest: string
}

/** Where the highest sequence numbers are kept; src/store has the LevelDB implementation. */
export interface SequenceStore {
  get(stream: string): Promise<SeenSequence | undefined>
  put(stream: string, seen: SeenSequence): Promise<void>
}

/** For tests and one-shot tools: forgets everything when the process ends. */
export class MemorySequenceStore implements SequenceStore {
  readonly #seen = new Map<string, SeenSequence>()

  get(stream: string): Promise<SeenSequence | undefined> {
    return Promise.resolve(this.#seen.get(stream))
  }

  put(stream: string, seen: SeenSequence): Promise<void> {
    this.#seen.set(stream, seen)
    return Promise.resolve()
  }
}

/**
 * Admits records in sequence order, one stream check at a time so two records racing on one
 * stream cannot both pass.
 */
export class SequenceGuard {
  readonly #store: SequenceStore
  #queue: Promise<unknown> = Promise.resolve()

  constructor(store: SequenceStore) {
    this.#store = store
  }

  /**
   * Returns "new" and records the sequence when it is above the highest seen, "duplicate" for
   * the very record seen last (same sequence, same digest). Throws SequenceRollbackError for a
   * lower sequence and SequenceReplayError for the same sequence with other content.
   */
  admit(recordType: string, stream: string, sequence: number, digest: string) {
    const run = async (): Promise<'new' | 'duplicate'> => {
      const seen = await this.#store.get(stream)
      if (seen !== undefined) {
        if (sequence < seen.sequence) {
          throw new SequenceRollbackError(recordType, stream, sequence, seen.sequence)
        }
        if (sequence === seen.sequence) {
          if (digest === seen.digest) return 'duplicate'
          throw new SequenceReplayError(recordType, stream, sequence)
        }
      }
      await this.#store.put(stream, { sequence, digest })

      return 'new'
    }
    const result = this.#queue.then(run, run)
    this.#queue = result.catch(() => undefined)

    return result
  }
}
