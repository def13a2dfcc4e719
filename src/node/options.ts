/** What a node is configured with, and what it tells its reporter. */
import type { InstallAction } from '../install/index.ts'
import type { Logger } from '../log.ts'
import type { ChunkServerOptions } from '../mesh/chunk-protocol.ts'
import type { SchedulerOptions } from '../schedule/options.ts'
import type { SignedKind as RecordKind } from '../trust/index.ts'
import type { Announcement, Revocation } from '../wire/records.ts'
import type { ByteSource } from './events.ts'
import type { ReportedState } from './installs.ts'

export type NodeRole = 'node' | 'authority' | 'coordinator'

export interface PatchNodeOptions {
  dataDir: string
  /** The root to enrol with (signed bytes). Needed on first start; later the stored root wins. */
  root?: Uint8Array
  site: string
  /** Default "node". */
  role?: NodeRole
  /** The rollout ring this node is in; '' or absent: none (only group approvals apply). */
  ring?: string
  groups?: string[]
  /** IANA time zone maintenance windows are read in. Default: the system's. */
  timeZone?: string
  /**
   * What installing a patch means on this node (role "node" only). Default: staging the verified
   * file into `<dataDir>/staged`.
   */
  install?: InstallAction
  /**
   * Called with every install lifecycle step of a patch (the node's reporter sends them to the
   * coordinator). Progress fields come from the download.
   */
  onStep?: (step: PatchStep) => void
  /**
   * Told of every verified announcement and revocation: as it arrives, and at start for those
   * stored before (the coordinator records patches from it).
   */
  observe?: {
    announcement?(a: Announcement): Promise<void> | void
    revocation?(r: Revocation): Promise<void> | void
    /**
     * A stored record of `kind` no longer verifies under a newer root and was deleted: a patch
     * without its announcement is no longer trusted; one without its revocation is not revoked.
     */
    dropped?(kind: RecordKind, patchId: string, reason: string): Promise<void> | void
  }
  /**
   * The coordinator's multiaddr, with its /p2p/<peer id>: where install steps are reported (role
   * "node" only). Absent: nothing is reported.
   */
  coordinator?: string
  /** Default `/ip4/0.0.0.0/tcp/0`. */
  listen?: string[]
  bootstrap?: string[]
  /** Default false. */
  mdns?: boolean
  /** Download limit for traffic with other sites, Mbit/s; 0 or absent: none. */
  wanDownMbit?: number
  /** Upload limit for traffic with other sites, Mbit/s; 0 or absent: none. */
  wanUpMbit?: number
  /** Fetch patches as soon as they are announced, before any approval. Default false. */
  prefetch?: boolean
  log: Logger
  /** Append every node event to this file as JSON lines. */
  eventsFile?: string
  scheduler?: SchedulerOptions
  server?: ChunkServerOptions
  stallTimeoutMs?: number
  /** A served chunk is hashed again once its last check is this old, ms. Default 10 minutes. */
  servedRecheckMs?: number
  /** How often a download paused on a full disk tries again, ms. Default 5 s. */
  diskRetryMs?: number
  /** The clock for record validity (tests pass their own). Default Date.now. */
  now?: () => number
}

/** One step of a patch's lifecycle on a node, with its progress, as the coordinator gets it. */
export interface PatchStep {
  patchId: string
  state: ReportedState
  reason: string
  chunksHeld: number
  chunkCount: number
  bytes: Record<ByteSource, number>
}
