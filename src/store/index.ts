/**
 * A node's storage: signed records, manifests, sequence numbers and patch state in LevelDB, and
 * chunk bytes in one sparse data file per patch.
 */
export { openNodeStore, NodeStore } from './node-store.ts'
export type { NodeStoreOptions } from './node-store.ts'
export { PatchFile } from './patch-file.ts'
export { LevelSequenceStore } from './sequences.ts'
export {
  ChunkLengthError,
  ChunkNotHeldError,
  DataDirLockedError,
  DataFileChangedError,
  DiskFullError,
  InvalidPatchIdError,
  ManifestConflictError,
  StoreClosedError,
} from './errors.ts'
export type {
  PatchState,
  PatchStateEntry,
  ReadonlyBitfield,
  RecordKind,
  StoredRecord,
} from './types.ts'
