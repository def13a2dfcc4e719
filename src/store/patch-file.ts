/**
 * A handle on one patch's data file, from NodeStore.openPatch. Chunk i lives at offset
 * i * chunkSize of `<dataDir>/patches/<patchId>.data`, a sparse file of the manifest's size.
 */
import type { Manifest } from '../wire/records.ts'
import type { DataFile } from './data-file.ts'
import { StoreClosedError } from './errors.ts'
import type { ReadonlyBitfield } from './types.ts'

/**
 * One opener's handle on a patch's data file. Handles on the same patch share the file and its
 * held chunks; the file closes when the last handle is closed or the patch is removed.
 */
export class PatchFile {
  readonly #file: DataFile
  readonly #release: () => Promise<void>
  #closed = false

  /** Made by NodeStore.openPatch. */
  constructor(file: DataFile, release: () => Promise<void>) {
    this.#file = file
    this.#release = release
  }

  get patchId(): string {
    return this.#file.patchId
  }

  get manifest(): Manifest {
    return this.#file.manifest
  }

  /** The data file, for the whole-file check and installation once {@link isComplete}. */
  get path(): string {
    return this.#file.path
  }

  /** The chunks durably written and marked: a live view that follows later writes. */
  get held(): ReadonlyBitfield {
    return this.#file.held
  }

  /** True when every chunk is held (also for a zero-byte patch). */
  isComplete(): boolean {
    return this.#file.held.isFull()
  }

  /**
   * Stores chunk `index`, which the caller has already verified against the manifest: writes it
   * at its offset, waits for it to reach the disk (fdatasync), and only then marks it held, so a
   * node killed at any moment never holds a mark for bytes that are not on disk. A chunk already
   * held is left alone.
   *
   * Throws a DiskFullError when the file system is full or over quota (nothing is marked, and
   * the same write succeeds once space is freed), a ChunkLengthError when `data` is not the
   * chunk's length, and the manifest's ChunkIndexError for an index out of range.
   */
  async writeChunk(index: number, data: Uint8Array): Promise<void> {
    this.#check()
    await this.#file.write(index, data)
  }

  /**
   * The bytes of chunk `index`, for serving a peer. Throws a ChunkNotHeldError unless the chunk
   * is held: a node serves only chunks it verified and stored.
   */
  async readChunk(index: number): Promise<Uint8Array> {
    this.#check()

    return await this.#file.read(index)
  }

  /** Closes this handle; the file closes with the last handle. Idempotent. */
  async close(): Promise<void> {
    if (this.#closed) return

    this.#closed = true
    await this.#release()
  }

  #check(): void {
    if (this.#closed) throw new StoreClosedError(`patch ${this.patchId}`)
  }
}
