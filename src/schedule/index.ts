/**
 * The pure chunk scheduler: which chunk of a patch to ask from which peer. Used by the node and
 * by the fleet simulator alike; no I/O, no clock, no randomness of its own.
 */
export { Bitfield } from './bitfield.ts'
export {
  BitfieldLengthError,
  BitfieldPaddingError,
  ChunkIndexError,
  DuplicatePeerError,
  NotSitePeerError,
  SchedulerConfigError,
  UnknownPeerError,
} from './errors.ts'
export { hashString } from './hash.ts'
export { DEFAULT_SCHEDULER_OPTIONS, type SchedulerOptions } from './options.ts'
export { ChunkScheduler, createScheduler } from './scheduler.ts'
export type {
  FailureReason,
  PeerAction,
  PeerInfo,
  RequestBudget,
  RequestSource,
  ScheduledRequest,
  SchedulerInit,
  SchedulerProgress,
  SourceCounts,
} from './types.ts'
