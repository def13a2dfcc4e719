/**
 * Where things live in a data directory and in its LevelDB: one sublevel per kind of metadata,
 * and the key of every held-chunk mark. Internal to src/store.
 *
 *   <dataDir>/meta/               LevelDB (its LOCK file keeps a second process out)
 *   <dataDir>/patches/<id>.data   one data file per patch (blocks reserved up front), chunk i at i * chunkSize
 */
import { join } from 'node:path'

import type { Level } from 'level'

import type { SeenSequence } from '../trust/index.ts'
import { InvalidPatchIdError } from './errors.ts'
import type { PatchState } from './types.ts'

export type MetaDb = Level<string, Uint8Array>

/** Decimal digits of the largest chunk index (MAX_CHUNKS is 1,048,576), so keys sort by index. */
const INDEX_DIGITS = 7

const PATCH_ID = /^[0-9a-f]{32}$/

export function metaPath(dataDir: string): string {
  return join(dataDir, 'meta')
}

export function patchesPath(dataDir: string): string {
  return join(dataDir, 'patches')
}

export function dataFilePath(dataDir: string, patchId: string): string {
  return join(patchesPath(dataDir), `${patchId}.data`)
}

/** Throws an {@link InvalidPatchIdError} unless `patchId` is 32 lowercase hex characters. */
export function checkPatchId(patchId: string): void {
  if (!PATCH_ID.test(patchId)) throw new InvalidPatchIdError(patchId)
}

/** The key of a signed record: its patch, then '/' and its subject when it has one. */
export function recordKey(patchId: string, subject: string): string {
  return subject === '' ? patchId : `${patchId}/${subject}`
}

/** Range options covering every record of `patchId` ('0' is the character after '/'). */
export function recordRange(patchId: string): { gte: string; lt: string } {
  return { gte: patchId, lt: `${patchId}0` }
}

export function splitRecordKey(key: string): { patchId: string; subject: string } {
  const slash = key.indexOf('/')

  return slash < 0
    ? { patchId: key, subject: '' }
    : { patchId: key.slice(0, slash), subject: key.slice(slash + 1) }
}

/** The mark saying chunk `index` of `patchId` is durably in its data file. */
export function heldKey(patchId: string, index: number): string {
  return `${patchId}!${String(index).padStart(INDEX_DIGITS, '0')}`
}

/** Range options covering every held mark of `patchId` ('~' sorts after every digit). */
export function heldRange(patchId: string): { gt: string; lt: string } {
  return { gt: `${patchId}!`, lt: `${patchId}!~` }
}

/** The chunk index in a key made by {@link heldKey}. */
export function indexOfHeldKey(key: string): number {
  return Number(key.slice(key.indexOf('!') + 1))
}

/** The sublevels of the metadata database. */
export function sublevels(db: MetaDb) {
  const bytes = { valueEncoding: 'view' } as const
  const json = { valueEncoding: 'json' } as const

  return {
    trust: db.sublevel<string, Uint8Array>('trust', bytes),
    records: {
      announcement: db.sublevel<string, Uint8Array>('announcement', bytes),
      revocation: db.sublevel<string, Uint8Array>('revocation', bytes),
      approval: db.sublevel<string, Uint8Array>('approval', bytes),
      halt: db.sublevel<string, Uint8Array>('halt', bytes),
    },
    manifests: db.sublevel<string, Uint8Array>('manifest', bytes),
    seq: db.sublevel<string, SeenSequence>('seq', json),
    patches: db.sublevel<string, PatchState>('patch', json),
    held: db.sublevel<string, Uint8Array>('held', bytes),
    kv: db.sublevel<string, Uint8Array>('kv', bytes),
  }
}

export type Sublevels = ReturnType<typeof sublevels>
export type HeldSublevel = Sublevels['held']
