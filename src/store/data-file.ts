/**
 * The open data file of one patch, shared by every {@link PatchFile} handle on it. Internal to
 * src/store: callers get PatchFile handles from NodeStore.openPatch.
 */
import { open } from 'node:fs/promises'
import type { FileHandle } from 'node:fs/promises'

import type { Logger } from '../log.ts'
import { chunkCount, chunkRange } from '../manifest/index.ts'
import { Bitfield } from '../schedule/bitfield.ts'
import type { Manifest } from '../wire/records.ts'
import {
  ChunkLengthError,
  ChunkNotHeldError,
  DataFileChangedError,
  DiskFullError,
  StoreClosedError,
} from './errors.ts'
import type { HeldMarks } from './held-marks.ts'

export interface DataFileContext {
  patchId: string
  manifest: Manifest
  path: string
  /** The LevelDB folder, named when marking fails for lack of space. */
  metaPath: string
  marks: HeldMarks
  log: Logger
}

export class DataFile {
  readonly patchId: string
  readonly manifest: Manifest
  readonly path: string
  readonly held: Bitfield
  readonly #handle: FileHandle
  readonly #marks: HeldMarks
  readonly #metaPath: string
  #busy = 0
  #idle: (() => void) | undefined
  #closed = false

  private constructor(ctx: DataFileContext, handle: FileHandle, held: Bitfield) {
    this.patchId = ctx.patchId
    this.manifest = ctx.manifest
    this.path = ctx.path
    this.held = held
    this.#handle = handle
    this.#marks = ctx.marks
    this.#metaPath = ctx.metaPath
  }

  /**
   * Opens or creates the data file as a sparse file of the manifest's size and loads the held
   * marks. When the file is missing or its size is wrong, something outside the node touched it:
   * the marks can no longer be trusted, so they are dropped and the download starts over.
   */
  static async open(ctx: DataFileContext): Promise<DataFile> {
    const { patchId, manifest, path, marks, log } = ctx
    let held = await marks.load(patchId, chunkCount(manifest))
    const { handle, created } = await openOrCreate(path)

    try {
      const { size } = await handle.stat()
      if (size !== manifest.size) {
        if (!held.isEmpty()) {
          const why = created ? 'data file is missing' : 'data file has the wrong size'
          log.warn(
            { patchId, path, size, expectedSize: manifest.size, droppedChunks: held.count },
            `${why}; dropping its held chunks, the patch downloads again`,
          )
          await marks.clear(patchId)
          held = new Bitfield(held.length)
        }
        // Down to nothing first, so stale bytes are released; then up to size without writing.
        await handle.truncate(0)
        await handle.truncate(manifest.size)
      }
    } catch (err) {
      await handle.close()
      throw err
    }

    log.debug({ patchId, path, heldChunks: held.count }, 'patch data file open')

    return new DataFile(ctx, handle, held)
  }

  /** See {@link PatchFile.writeChunk}. */
  async write(index: number, data: Uint8Array): Promise<void> {
    const { offset, length } = chunkRange(this.manifest, index)
    if (data.byteLength !== length) {
      throw new ChunkLengthError(this.patchId, index, length, data.byteLength)
    }

    await this.#run(async () => {
      if (this.held.get(index)) return

      try {
        let done = 0
        while (done < length) {
          const { bytesWritten } = await this.#handle.write(
            data,
            done,
            length - done,
            offset + done,
          )
          done += bytesWritten
        }
        await this.#handle.datasync()
      } catch (err) {
        throw this.#diskFull(errnoCode(err), index, this.path, err) ?? err
      }

      // Only now: a mark must never name a chunk that is not durably in the file.
      try {
        await this.#marks.mark(this.patchId, index)
      } catch (err) {
        throw this.#diskFull(levelCode(err), index, this.#metaPath, err) ?? err
      }
      this.held.set(index)
    })
  }

  /** See {@link PatchFile.readChunk}. */
  async read(index: number): Promise<Uint8Array> {
    const { offset, length } = chunkRange(this.manifest, index)

    return await this.#run(async () => {
      if (!this.held.get(index)) throw new ChunkNotHeldError(this.patchId, index)

      const buf = Buffer.allocUnsafe(length)
      let done = 0
      while (done < length) {
        const { bytesRead } = await this.#handle.read(buf, done, length - done, offset + done)
        if (bytesRead === 0) throw new DataFileChangedError(this.patchId, index, this.path)
        done += bytesRead
      }

      return buf
    })
  }

  /** Waits for reads and writes under way, then closes the file. Idempotent. */
  async close(): Promise<void> {
    if (this.#closed) return

    this.#closed = true
    if (this.#busy > 0) await new Promise<void>((resolve) => (this.#idle = resolve))
    await this.#handle.close()
  }

  async #run<T>(work: () => Promise<T>): Promise<T> {
    if (this.#closed) throw new StoreClosedError(`patch ${this.patchId}`)

    this.#busy++
    try {
      return await work()
    } finally {
      if (--this.#busy === 0) this.#idle?.()
    }
  }

  #diskFull(code: string | undefined, index: number, path: string, cause: unknown) {
    if (code !== 'ENOSPC' && code !== 'EDQUOT') return undefined

    return new DiskFullError(this.patchId, index, path, code, { cause })
  }
}

function errnoCode(err: unknown): string | undefined {
  return (err as NodeJS.ErrnoException | undefined)?.code
}

/**
 * The errno behind a LevelDB write failure. classic-level passes on only LevelDB's status text
 * (code LEVEL_IO_ERROR, "...: No space left on device"), so the text is all there is to read.
 */
function levelCode(err: unknown): string | undefined {
  const { code, message } = (err ?? {}) as { code?: unknown; message?: unknown }
  if (code !== 'LEVEL_IO_ERROR' || typeof message !== 'string') return undefined
  if (message.includes('No space left on device')) return 'ENOSPC'
  if (message.includes('Disk quota exceeded')) return 'EDQUOT'

  return undefined
}

async function openOrCreate(path: string): Promise<{ handle: FileHandle; created: boolean }> {
  try {
    return { handle: await open(path, 'r+'), created: false }
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err
  }

  return { handle: await open(path, 'w+', 0o600), created: true }
}
