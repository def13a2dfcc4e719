/**
 * The coordinator's state in LevelDB, in a database of its own at `<dataDir>/coordinator` (the
 * node the coordinator runs keeps its store at `<dataDir>/meta`). One sublevel per kind:
 *
 *   patch   patch id -> PatchEntry               every verified announcement seen
 *   node    node id -> NodeEntry                 every node that reported
 *   rollout patch id -> RolloutEntry             approvals, halt, history of each patch
 *   report  <patch id>!<node id> -> NodeRecord   each node's latest report on each patch
 *   seq     stream -> number                     the last sequence used per record stream
 *   record  stream -> envelope bytes             the newest signed record of each stream
 *
 * Changes that belong together (a signed record, its sequence and the rollout it changed) are
 * written in one batch, so a crash leaves all of them or none.
 */
import { makeDirectory } from '../../util/files.ts'
import { join, resolve } from 'node:path'
import { Level } from 'level'
import type { NodeRecord } from '../rollout/index.ts'
import { DataDirLockedError } from '../../store/errors.ts'
import type { NodeEntry, PatchEntry, RolloutEntry, StoredState } from './types.ts'

type Db = Level<string, unknown>

/** The coordinator database's folder inside a data directory. */
export function coordinatorDbPath(dataDir: string): string {
  return join(resolve(dataDir), 'coordinator')
}

/**
 * Opens (creating when missing) the coordinator's database under `dataDir`. Throws a
 * DataDirLockedError when another process holds it.
 */
export async function openCoordinatorStore(dataDir: string): Promise<CoordinatorStore> {
  const path = coordinatorDbPath(dataDir)
  await makeDirectory(path, 0o700)
  const db: Db = new Level<string, unknown>(path, { valueEncoding: 'json' })
  try {
    await db.open()
  } catch (err) {
    const e = err as { code?: unknown; cause?: { code?: unknown } }
    if (e.code === 'LEVEL_LOCKED' || e.cause?.code === 'LEVEL_LOCKED') {
      throw new DataDirLockedError(path, { cause: err })
    }
    throw err
  }

  return new CoordinatorStore(db)
}

/** A set of changes written together by {@link CoordinatorStore.write}. */
export interface StoreChanges {
  patches?: PatchEntry[]
  nodes?: NodeEntry[]
  rollouts?: RolloutEntry[]
  reports?: Array<{ patchId: string; record: NodeRecord }>
  sequences?: Array<{ stream: string; sequence: number }>
  records?: Array<{ stream: string; bytes: Uint8Array }>
}

export class CoordinatorStore {
  readonly #db: Db
  readonly #sub

  constructor(db: Db) {
    this.#db = db
    const json = { valueEncoding: 'json' } as const
    this.#sub = {
      patch: db.sublevel<string, PatchEntry>('patch', json),
      node: db.sublevel<string, NodeEntry>('node', json),
      rollout: db.sublevel<string, RolloutEntry>('rollout', json),
      report: db.sublevel<string, NodeRecord>('report', json),
      seq: db.sublevel<string, number>('seq', json),
      record: db.sublevel<string, Uint8Array>('record', { valueEncoding: 'view' }),
    }
  }

  /** Writes every change given in one atomic batch. */
  async write(changes: StoreChanges): Promise<void> {
    const s = this.#sub
    const batch = this.#db.batch()
    for (const p of changes.patches ?? []) batch.put(p.patchId, p, { sublevel: s.patch })
    for (const n of changes.nodes ?? []) batch.put(n.nodeId, n, { sublevel: s.node })
    for (const r of changes.rollouts ?? []) {
      batch.put(r.snapshot.patchId, r, { sublevel: s.rollout })
    }
    for (const { patchId, record } of changes.reports ?? []) {
      batch.put(reportKey(patchId, record.nodeId), record, { sublevel: s.report })
    }
    for (const { stream, sequence } of changes.sequences ?? []) {
      batch.put(stream, sequence, { sublevel: s.seq })
    }
    for (const { stream, bytes } of changes.records ?? []) {
      batch.put(stream, bytes, { sublevel: s.record })
    }
    await batch.write()
  }

  /** Reads everything back, as the coordinator needs it at start. */
  async load(): Promise<StoredState> {
    const s = this.#sub
    const patches = await s.patch.values().all()
    const nodes = await s.node.values().all()
    const reports = new Map<string, NodeRecord[]>()
    for await (const [key, record] of s.report.iterator()) {
      const patchId = key.slice(0, key.indexOf('!'))
      const list = reports.get(patchId)
      if (list === undefined) reports.set(patchId, [record])
      else list.push(record)
    }
    const rollouts = (await s.rollout.values().all()).map((entry) => ({
      entry,
      nodes: reports.get(entry.snapshot.patchId) ?? [],
    }))

    return {
      patches,
      nodes,
      rollouts,
      sequences: new Map(await s.seq.iterator().all()),
      records: new Map(await s.record.iterator().all()),
    }
  }

  async close(): Promise<void> {
    await this.#db.close()
  }
}

function reportKey(patchId: string, nodeId: string): string {
  return `${patchId}!${nodeId}`
}
