import type { Bitfield } from './bitfield.ts'
import type { SchedulerOptions } from './options.ts'

/**
 * Where a request goes: a peer at this node's site (LAN), a peer at another site (WAN) or the
 * origin seed at another site (WAN). An origin at this node's own site counts as `site`.
 */
export type RequestSource = 'site' | 'wan' | 'origin'

/** One request the caller is to send now. */
export interface ScheduledRequest {
  readonly index: number
  readonly peerId: string
  readonly source: RequestSource
  /** Size of the chunk: what the request costs the WAN budget when `source` is not `site`. */
  readonly bytes: number
}

/**
 * Why a request failed. `timeout` and `refused` lower the peer's priority and pause it for a while;
 * `not-found` corrects what we believed the peer holds; `bad-chunk` (the bytes did not verify)
 * counts towards a ban; `local` is this node's own failure (its disk is full, it gave up): the
 * chunk goes back to the pool and the peer is not blamed.
 */
export type FailureReason = 'timeout' | 'bad-chunk' | 'refused' | 'not-found' | 'local'

/**
 * What the caller should do to a peer after a failure: nothing, penalise it in its peer scoring,
 * or disconnect it (it is banned from this patch and will not be chosen again).
 */
export type PeerAction = 'none' | 'penalise' | 'disconnect'

/** A peer as the mesh knows it. */
export interface PeerInfo {
  readonly id: string
  /** The site the peer announced in its hello. */
  readonly site: string
  /** True for the authority's seed of the patch. Default false. */
  readonly isOrigin?: boolean
}

/** What the caller can spend on this call of `next`. */
export interface RequestBudget {
  /** Bytes the WAN token bucket allows now; WAN requests issued by one call never exceed it. */
  readonly wanBytes: number
}

/** Everything a scheduler needs to start one (node, patch) download. */
export interface SchedulerInit {
  readonly selfId: string
  readonly site: string
  readonly chunkCount: number
  readonly chunkSize: number
  /** Size of the last chunk, in (0, chunkSize]. */
  readonly lastChunkSize: number
  /** Chunks already held (e.g. after a restart); copied. Default none. */
  readonly have?: Bitfield
  readonly options?: SchedulerOptions
}

/** Counters by request source. */
export interface SourceCounts {
  site: number
  wan: number
  origin: number
}

/** A snapshot of a download's progress; counters run from the scheduler's construction. */
export interface SchedulerProgress {
  readonly chunkCount: number
  readonly have: number
  readonly remaining: number
  /** Requests in flight, duplicates included. */
  readonly inFlight: number
  /** Chunks with no usable holder among our peers. */
  readonly stalled: number
  /** True while remaining chunks are few enough and all in flight: duplicates are allowed. */
  readonly endGame: boolean
  readonly requested: Readonly<SourceCounts>
  readonly requestedBytes: Readonly<SourceCounts>
  readonly received: Readonly<SourceCounts>
  /** End-game duplicate requests issued. */
  readonly duplicates: number
  /** Requests the caller was told to cancel because another copy arrived first. */
  readonly cancelled: number
  readonly failed: Readonly<Record<FailureReason, number>>
  readonly bannedPeers: number
}
