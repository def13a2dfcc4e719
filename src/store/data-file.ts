/**
 * The open data file of one patch, shared by every {@link PatchFile} handle on it. Internal to
 * src/store: callers get PatchFile handles from NodeStore.openPatch.
 */
import { createHash } from 'node:crypto'
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
import { GroupCommit } from './group-commit.ts'
import type { HeldMarks } from './held-marks.ts'
import { preallocate } from './preallocate.ts'

/** Chunk bytes: one array, or the pieces they arrived in, in order. */
export type ChunkBytes = Uint8Array | readonly Uint8Array[]

/**
 * Staged chunks are committed (fdatasync, then marks) once this many bytes wait, or once the
 * oldest has waited {@link COMMIT_DELAY_MS}. A node killed before a commit fetches at most about
 * this much again; nothing is ever marked that was not synced first.
 */
export const COMMIT_BYTES = 4 * 1024 * 1024
const COMMIT_DELAY_MS = 50
/** Read size of the whole-file hash: a few large reads, into two buffers used in turn. */
const HASH_READ_BYTES = 4 * 1024 * 1024

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
  readonly #commits: GroupCommit
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
    this.#commits = new GroupCommit(
      (indexes) => this.#commit(indexes),
      (err, index) => this.#commitError(err, index),
      { bytes: COMMIT_BYTES, delayMs: COMMIT_DELAY_MS },
    )
  }

  /**
   * Opens or creates the data file as a file of the manifest's size, its blocks reserved (see
   * preallocate.ts) while chunks are missing, and loads the held marks. When the file is missing
   * or its size is wrong, something outside the node touched it: the marks can no longer be
   * trusted, so they are dropped and the download starts over.
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
      // Chunks are still to come: reserve their blocks now rather than page by page.
      if (!held.isFull()) {
        const reservation = await preallocate(path, manifest.size)
        if (!reservation.reserved) {
          const level = /space|quota/i.test(reservation.why) ? 'warn' : 'debug'
          log[level](
            { patchId, path, size: manifest.size, why: reservation.why },
            'could not reserve the data file’s space; it stays sparse and fills as chunks arrive',
          )
        }
      }
    } catch (err) {
      await handle.close()
      throw err
    }

    log.debug({ patchId, path, heldChunks: held.count }, 'patch data file open')

    return new DataFile(ctx, handle, held)
  }

  /** See {@link PatchFile.writeChunk}. */
  async write(index: number, data: ChunkBytes): Promise<void> {
    const { committed } = await this.stage(index, data, true)
    await committed
  }

  /**
   * See {@link PatchFile.stageChunk}. With `now`, the commit starts at once rather than when the
   * batch is full.
   */
  async stage(index: number, data: ChunkBytes, now = false): Promise<{ committed: Promise<void> }> {
    const { offset, length } = chunkRange(this.manifest, index)
    const pieces = data instanceof Uint8Array ? [data] : data
    const given = pieces.reduce((sum, piece) => sum + piece.byteLength, 0)
    if (given !== length) throw new ChunkLengthError(this.patchId, index, length, given)

    const staged = await this.#run(async () => {
      if (this.held.get(index)) return false

      try {
        await writeAt(this.#handle, pieces, offset)
      } catch (err) {
        throw this.#diskFull(errnoCode(err), index, this.path, err) ?? err
      }

      return true
    })
    const committed = staged ? this.#commits.add(index, length, now) : Promise.resolve()
    // The caller may learn of a failure late, or (after a stop) not at all.
    committed.catch(() => undefined)

    return { committed }
  }

  /** Commits every staged chunk now; resolves once that is done, whatever its outcome. */
  async flush(): Promise<void> {
    await this.#commits.flush()
  }

  /** SHA-256 of the whole data file, read in a few large reads into two reused buffers. */
  async sha256(): Promise<Uint8Array> {
    return await this.#run(async () => {
      const size = this.manifest.size
      const hash = createHash('sha256')
      const buffers = [0, 1].map(() => Buffer.allocUnsafeSlow(Math.min(HASH_READ_BYTES, size)))
      const read = (at: number, buf: Buffer) =>
        this.#readAt(buf, at, Math.min(buf.length, size - at))

      let next = size > 0 ? read(0, buffers[0]) : undefined
      for (let at = 0, turn = 0; next !== undefined; turn ^= 1) {
        const part = await next
        at += part.byteLength
        // The next read fills the other buffer while this one is hashed.
        next = at < size ? read(at, buffers[turn ^ 1]) : undefined
        next?.catch(() => undefined)
        hash.update(part)
      }

      return hash.digest()
    })
  }

  /** See {@link PatchFile.readChunk}. */
  async read(index: number): Promise<Uint8Array> {
    const { offset, length } = chunkRange(this.manifest, index)

    return await this.#run(async () => {
      if (!this.held.get(index)) throw new ChunkNotHeldError(this.patchId, index)

      return await this.#readAt(Buffer.allocUnsafe(length), offset, length, index)
    })
  }

  /** Waits for reads and writes under way, then closes the file. Idempotent. */
  async close(): Promise<void> {
    if (this.#closed) return

    this.#closed = true
    if (this.#busy > 0) await new Promise<void>((resolve) => (this.#idle = resolve))
    // Staged chunks are committed, not dropped: they were verified and written.
    await this.#commits.flush()
    await this.#handle.close()
  }

  /** See {@link PatchFile.forgetChunk}. */
  async forget(index: number): Promise<void> {
    await this.#run(async () => {
      if (!this.held.get(index)) return

      // The mark goes first: a node killed between the two fetches the chunk again at its next
      // start, which is what it must do anyway.
      await this.#marks.unmark(this.patchId, index)
      this.held.clear(index)
    })
  }

  /** Fills `buf` with `length` bytes from `offset`; running out means the file changed. */
  async #readAt(buf: Buffer, offset: number, length: number, index?: number): Promise<Buffer> {
    let done = 0
    while (done < length) {
      const { bytesRead } = await this.#handle.read(buf, done, length - done, offset + done)
      if (bytesRead === 0) {
        const chunk = index ?? Math.floor((offset + done) / this.manifest.chunkSize)
        throw new DataFileChangedError(this.patchId, chunk, this.path)
      }
      done += bytesRead
    }

    return buf.subarray(0, length)
  }

  /**
   * Makes staged chunks durable and marks them held. Only after the fdatasync: a mark must never
   * name a chunk that is not durably in the file.
   */
  async #commit(indexes: number[]): Promise<void> {
    try {
      await this.#handle.datasync()
    } catch (err) {
      throw new CommitFailure('data', err)
    }
    try {
      await this.#marks.markMany(this.patchId, indexes)
    } catch (err) {
      throw new CommitFailure('marks', err)
    }
    for (const index of indexes) this.held.set(index)
  }

  #commitError(err: unknown, index: number): Error {
    if (!(err instanceof CommitFailure)) return err as Error
    if (err.step === 'data') {
      return this.#diskFull(errnoCode(err.cause), index, this.path, err.cause) ?? asError(err.cause)
    }

    return (
      this.#diskFull(levelCode(err.cause), index, this.#metaPath, err.cause) ?? asError(err.cause)
    )
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

/** Which step of a commit failed, around the error it failed with. */
class CommitFailure extends Error {
  override readonly name = 'CommitFailure'
  readonly step: 'data' | 'marks'

  constructor(step: 'data' | 'marks', cause: unknown) {
    super(`commit failed at ${step}`, { cause })
    this.step = step
  }
}

function asError(err: unknown): Error {
  return err instanceof Error ? err : new Error(String(err))
}

/** Writes every piece, in order, from `offset`; a short write goes on where it stopped. */
async function writeAt(
  handle: FileHandle,
  pieces: readonly Uint8Array[],
  offset: number,
): Promise<void> {
  const left = pieces.filter((piece) => piece.byteLength > 0)
  let at = offset
  while (left.length > 0) {
    const { bytesWritten } = await handle.writev(left, at)
    at += bytesWritten
    let skip = bytesWritten
    while (left.length > 0 && skip >= left[0].byteLength) skip -= left.shift()!.byteLength
    if (skip > 0) left[0] = left[0].subarray(skip)
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
