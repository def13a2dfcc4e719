/**
 * The held-chunk marks of every patch: one LevelDB key per chunk, so marking a chunk is one small
 * put whatever the patch's size, and marking a batch of them one small write. Internal to
 * src/store.
 */
import { Bitfield } from '../schedule/bitfield.ts'
import { heldKey, heldRange, indexOfHeldKey } from './layout.ts'
import type { HeldSublevel } from './layout.ts'

const EMPTY = new Uint8Array(0)

export class HeldMarks {
  readonly #db: HeldSublevel

  constructor(db: HeldSublevel) {
    this.#db = db
  }

  /**
   * The marks of `patchId` as a bitfield of `chunkCount` bits. A patch id is derived from its
   * manifest, so every mark names a chunk in range; one that does not is ignored.
   */
  async load(patchId: string, chunkCount: number): Promise<Bitfield> {
    const held = new Bitfield(chunkCount)

    for await (const key of this.#db.keys(heldRange(patchId))) {
      const index = indexOfHeldKey(key)
      if (Number.isInteger(index) && index >= 0 && index < chunkCount) held.set(index)
    }

    return held
  }

  async mark(patchId: string, index: number): Promise<void> {
    await this.#db.put(heldKey(patchId, index), EMPTY)
  }

  /** Marks several chunks in one LevelDB batch: all of them or, on failure, none. */
  async markMany(patchId: string, indexes: readonly number[]): Promise<void> {
    if (indexes.length === 1) return await this.mark(patchId, indexes[0])

    await this.#db.batch(
      indexes.map((index) => ({
        type: 'put' as const,
        key: heldKey(patchId, index),
        value: EMPTY,
      })),
    )
  }

  /** Drops the mark of one chunk (its bytes on disk turned out not to be the chunk). */
  async unmark(patchId: string, index: number): Promise<void> {
    await this.#db.del(heldKey(patchId, index))
  }

  /** Drops every mark of `patchId`. */
  async clear(patchId: string): Promise<void> {
    await this.#db.clear(heldRange(patchId))
  }
}
