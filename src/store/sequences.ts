import type { SeenSequence, SequenceStore } from '../trust/sequence.ts'

/** The part of a LevelDB sublevel (JSON values) this store uses. */
interface Sublevel {
  get(key: string): Promise<SeenSequence | undefined>
  put(key: string, value: SeenSequence): Promise<void>
}

/** The highest accepted sequence of every record stream, in LevelDB, so it survives restarts. */
export class LevelSequenceStore implements SequenceStore {
  readonly #db: Sublevel

  /** `db`: a sublevel with JSON values, e.g. `db.sublevel("seq", { valueEncoding: "json" })`. */
  constructor(db: Sublevel) {
    this.#db = db
  }

  async get(stream: string): Promise<SeenSequence | undefined> {
    return await this.#db.get(stream)
  }

  async put(stream: string, seen: SeenSequence): Promise<void> {
    await this.#db.put(stream, seen)
  }
}
