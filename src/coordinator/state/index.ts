/** The coordinator's persistent state: patches, nodes, rollouts, sequences and signed records. */
export { coordinatorDbPath, CoordinatorStore, openCoordinatorStore } from './store.ts'
export type { StoreChanges } from './store.ts'
export type { HistoryEntry, NodeEntry, PatchEntry, RolloutEntry, StoredState } from './types.ts'
