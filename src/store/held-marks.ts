/**
 * The held-chunk marks of every patch: one LevelDB key per chunk, so marking a chunk is one small
 * put whatever the patch's size. Internal to src/store.
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

  /** Drops every mark of `patchId`. */
  async clear(patchId: string): Promise<void> {
    await this.#db.clear(heldRange(patchId))
  }
}
