/**
 * A node's storage: metadata in LevelDB at `<dataDir>/meta`, chunk bytes in one data file per
 * patch under `<dataDir>/patches/`. LevelDB's lock on its folder keeps a second process off the
 * same data directory.
 */
import { makeDirectory } from '../util/files.ts'
import { rm, stat } from 'node:fs/promises'
import { resolve } from 'node:path'

import { Level } from 'level'
import { equals } from 'uint8arrays/equals'

import { component } from '../log.ts'
import type { Logger } from '../log.ts'
import type { SequenceStore } from '../trust/index.ts'
import type { Manifest } from '../wire/records.ts'
import { DataFile } from './data-file.ts'
import { DataDirLockedError, ManifestConflictError, StoreClosedError } from './errors.ts'
import { HeldMarks } from './held-marks.ts'
import {
  checkPatchId,
  dataFilePath,
  metaPath,
  patchesPath,
  recordKey,
  recordRange,
  splitRecordKey,
  sublevels,
} from './layout.ts'
import type { MetaDb, Sublevels } from './layout.ts'
import { PatchFile } from './patch-file.ts'
import { LevelSequenceStore } from './sequences.ts'
import type { PatchState, PatchStateEntry, RecordKind, StoredRecord } from './types.ts'

export interface NodeStoreOptions {
  log: Logger
}

/**
 * Opens the node's data directory, creating it (mode 0700) when missing. Throws a
 * DataDirLockedError when another process (or another open store in this one) is using it.
 */
export async function openNodeStore(dataDir: string, opts: NodeStoreOptions): Promise<NodeStore> {
  const dir = resolve(dataDir)
  const log = component(opts.log, 'store')

  await makeDirectory(dir, 0o700)
  const { mode } = await stat(dir)
  if ((mode & 0o077) !== 0) {
    log.warn({ dataDir: dir, mode: (mode & 0o777).toString(8) }, 'data directory is not private')
  }

  const db: MetaDb = new Level<string, Uint8Array>(metaPath(dir), { valueEncoding: 'view' })
  try {
    await db.open()
  } catch (err) {
    if (isLocked(err)) throw new DataDirLockedError(dir, { cause: err })
    throw err
  }

  try {
    await makeDirectory(patchesPath(dir), 0o700)
  } catch (err) {
    await db.close()
    throw err
  }
  log.info({ dataDir: dir }, 'node store open')

  return new NodeStore(dir, db, log)
}

interface OpenPatch {
  file: Promise<DataFile>
  refs: number
}

/** The node's metadata and patch data files. Made by {@link openNodeStore}. */
export class NodeStore {
  /** The data directory, as an absolute path. */
  readonly dataDir: string
  /** The highest accepted sequence of every signed record stream. */
  readonly sequences: SequenceStore
  readonly #db: MetaDb
  readonly #sub: Sublevels
  readonly #marks: HeldMarks
  readonly #log: Logger
  readonly #patches = new Map<string, OpenPatch>()
  #closed = false

  constructor(dataDir: string, db: MetaDb, log: Logger) {
    this.dataDir = dataDir
    this.#db = db
    this.#sub = sublevels(db)
    this.#marks = new HeldMarks(this.#sub.held)
    this.#log = log
    this.sequences = new LevelSequenceStore(this.#sub.seq)
  }

  /** The envelope bytes of the current trust root, if one was stored. */
  async getTrustRoot(): Promise<Uint8Array | undefined> {
    return await this.#sub.trust.get('root')
  }

  /** Stores the envelope bytes of the trust root; the caller has verified the rotation. */
  async putTrustRoot(envelope: Uint8Array): Promise<void> {
    await this.#sub.trust.put('root', envelope)
  }

  /**
   * Stores a signed record's envelope bytes under its kind, patch and subject, replacing the one
   * stored before under the same three. The subject tells apart records of one kind that stand
   * side by side for a patch: an approval's ring or group ("ring:canary", "group:tills"). Default
   * '' (one record of the kind per patch).
   */
  async putRecord(
    kind: RecordKind,
    patchId: string,
    envelope: Uint8Array,
    subject = '',
  ): Promise<void> {
    checkPatchId(patchId)
    await this.#sub.records[kind].put(recordKey(patchId, subject), envelope)
  }

  async getRecord(
    kind: RecordKind,
    patchId: string,
    subject = '',
  ): Promise<Uint8Array | undefined> {
    checkPatchId(patchId)

    return await this.#sub.records[kind].get(recordKey(patchId, subject))
  }

  /** Deletes a stored record (one that no longer verifies); deleting a missing one is no error. */
  async deleteRecord(kind: RecordKind, patchId: string, subject = ''): Promise<void> {
    checkPatchId(patchId)
    await this.#sub.records[kind].del(recordKey(patchId, subject))
  }

  /** Every stored record of one kind, by patch id then subject; only `patchId`'s when given. */
  async listRecords(kind: RecordKind, patchId?: string): Promise<StoredRecord[]> {
    if (patchId !== undefined) checkPatchId(patchId)
    const range = patchId === undefined ? {} : recordRange(patchId)
    const out: StoredRecord[] = []
    for await (const [key, envelope] of this.#sub.records[kind].iterator(range)) {
      out.push({ ...splitRecordKey(key), envelope })
    }

    return out
  }

  /** Stores a manifest's encoded bytes; the caller has checked them against the announcement. */
  async putManifest(patchId: string, bytes: Uint8Array): Promise<void> {
    checkPatchId(patchId)
    await this.#sub.manifests.put(patchId, bytes)
  }

  async getManifest(patchId: string): Promise<Uint8Array | undefined> {
    checkPatchId(patchId)

    return await this.#sub.manifests.get(patchId)
  }

  async putPatchState(patchId: string, state: PatchState): Promise<void> {
    checkPatchId(patchId)
    await this.#sub.patches.put(patchId, state)
  }

  async getPatchState(patchId: string): Promise<PatchState | undefined> {
    checkPatchId(patchId)

    return await this.#sub.patches.get(patchId)
  }

  /** Every patch's state record, by patch id ascending. */
  async listPatchStates(): Promise<PatchStateEntry[]> {
    const out: PatchStateEntry[] = []
    for await (const [patchId, state] of this.#sub.patches.iterator()) out.push({ patchId, state })

    return out
  }

  /** A small value of the node's own (identity key, enrolment, ...), as bytes. */
  async getValue(key: string): Promise<Uint8Array | undefined> {
    return await this.#sub.kv.get(key)
  }

  async putValue(key: string, value: Uint8Array): Promise<void> {
    await this.#sub.kv.put(key, value)
  }

  /**
   * Opens the data file of `patchId` for download and serving, creating it when needed; the
   * manifest is the verified one the patch id was derived from. Opening an open patch again
   * returns another handle on the same file; every handle must be closed.
   */
  async openPatch(patchId: string, manifest: Manifest): Promise<PatchFile> {
    this.#check()
    checkPatchId(patchId)

    let entry = this.#patches.get(patchId)
    if (entry === undefined) {
      const path = dataFilePath(this.dataDir, patchId)
      const file = DataFile.open({
        patchId,
        manifest,
        path,
        metaPath: metaPath(this.dataDir),
        marks: this.#marks,
        log: this.#log,
      })
      entry = { file, refs: 0 }
      this.#patches.set(patchId, entry)
    }
    const opened = entry

    opened.refs++
    let file: DataFile
    try {
      file = await opened.file
      if (!sameManifest(file.manifest, manifest)) throw new ManifestConflictError(patchId)
    } catch (err) {
      await this.#release(patchId, opened)
      throw err
    }

    return new PatchFile(file, () => this.#release(patchId, opened))
  }

  /**
   * Deletes the data file and held marks of `patchId` (a revoked patch), closing it first if
   * open: its handles then refuse further use. Its manifest, records and state are kept.
   */
  async removePatch(patchId: string): Promise<void> {
    this.#check()
    checkPatchId(patchId)

    const entry = this.#patches.get(patchId)
    if (entry !== undefined) {
      this.#patches.delete(patchId)
      await closeQuietly(entry)
    }
    // Marks first: a crash between the two leaves a file without marks, which is harmless.
    await this.#marks.clear(patchId)
    await rm(dataFilePath(this.dataDir, patchId), { force: true })
    this.#log.info({ patchId }, 'patch data removed')
  }

  /** Closes every open patch file and the database, releasing the data directory. */
  async close(): Promise<void> {
    if (this.#closed) return

    this.#closed = true
    const open = [...this.#patches.values()]
    this.#patches.clear()
    await Promise.all(open.map(closeQuietly))
    await this.#db.close()
    this.#log.info({ dataDir: this.dataDir }, 'node store closed')
  }

  async #release(patchId: string, entry: OpenPatch): Promise<void> {
    if (--entry.refs > 0) return

    if (this.#patches.get(patchId) === entry) this.#patches.delete(patchId)
    await closeQuietly(entry)
  }

  #check(): void {
    if (this.#closed) throw new StoreClosedError('node store')
  }
}

/** Closes an open patch's file; one that failed to open has nothing to close. */
async function closeQuietly(entry: OpenPatch): Promise<void> {
  const file = await entry.file.catch(() => undefined)
  await file?.close()
}

function sameManifest(a: Manifest, b: Manifest): boolean {
  if (a === b) return true

  return (
    a.size === b.size &&
    a.chunkSize === b.chunkSize &&
    equals(a.sha256, b.sha256) &&
    equals(a.chunkHashes, b.chunkHashes)
  )
}

/** classic-level reports a held LOCK file as LEVEL_DATABASE_NOT_OPEN caused by LEVEL_LOCKED. */
function isLocked(err: unknown): boolean {
  const e = err as { code?: unknown; cause?: { code?: unknown } } | undefined

  return e?.code === 'LEVEL_LOCKED' || e?.cause?.code === 'LEVEL_LOCKED'
}
