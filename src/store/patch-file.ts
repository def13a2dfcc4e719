/**
 * A handle on one patch's data file, from NodeStore.openPatch. Chunk i lives at offset
 * i * chunkSize of `<dataDir>/patches/<patchId>.data`, a file of the manifest's size.
 */
import type { Manifest } from '../wire/records.ts'
import { COMMIT_BYTES } from './data-file.ts'
import type { ChunkBytes, DataFile } from './data-file.ts'
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
   * held is left alone. `data` may be the chunk's pieces, in order.
   *
   * Throws a DiskFullError when the file system is full or over quota (nothing is marked, and
   * the same write succeeds once space is freed), a ChunkLengthError when `data` is not the
   * chunk's length, and the manifest's ChunkIndexError for an index out of range.
   */
  async writeChunk(index: number, data: ChunkBytes): Promise<void> {
    this.#check()
    await this.#file.write(index, data)
  }

  /**
   * {@link writeChunk} in two steps, for a stream of chunks: resolves once the bytes are written,
   * with `committed`, which resolves once they are durable and marked held. Chunks staged one
   * after another share one fdatasync and one batch of marks, committed once
   * {@link commitBytes} wait or the oldest has waited 50 ms (or at {@link flush} or close).
   *
   * The write throws as writeChunk does; `committed` rejects with a DiskFullError (or the I/O
   * error) when the sync or the marks fail, and then nothing of the batch is marked: the caller
   * writes the chunk again (or fetches it again) to retry.
   */
  async stageChunk(index: number, data: ChunkBytes): Promise<{ committed: Promise<void> }> {
    this.#check()

    return await this.#file.stage(index, data)
  }

  /** Staged bytes waiting after which they are committed without waiting any longer. */
  get commitBytes(): number {
    return COMMIT_BYTES
  }

  /** Commits every staged chunk now; resolves when that is done, however it went. */
  async flush(): Promise<void> {
    await this.#file.flush()
  }

  /** SHA-256 of the whole data file as it is on disk, for the check once it is complete. */
  async sha256(): Promise<Uint8Array> {
    this.#check()

    return await this.#file.sha256()
  }

  /**
   * The bytes of chunk `index`, for serving a peer. Throws a ChunkNotHeldError unless the chunk
   * is held: a node serves only chunks it verified and stored.
   */
  async readChunk(index: number): Promise<Uint8Array> {
    this.#check()

    return await this.#file.read(index)
  }

  /**
   * Stops holding chunk `index`: its bytes on disk were found not to be the chunk (a disk error,
   * or someone wrote into the data file). It is no longer served and is fetched again.
   */
  async forgetChunk(index: number): Promise<void> {
    this.#check()
    await this.#file.forget(index)
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
