/**
 * What a node serves: only chunks of its own patch files that are held (verified and durably
 * written) and still match their hash when read back, never those of a revoked patch, with
 * upload budget taken before sending to a peer of another site. Bytes sent are counted by
 * destination (own site or WAN).
 *
 * A chunk read back is hashed again when it was last checked more than `recheckMs` ago (ten
 * minutes by default), not on every request: while a fleet pulls a patch each chunk is served
 * many times a minute, and hashing every copy sent cost the sender more CPU than reading it.
 * Known shortcoming: a chunk damaged on disk within that time after its last check is served
 * damaged until its next check; the peer that gets it finds the mismatch, fetches the chunk
 * elsewhere and counts it against this node.
 */
import type { PeerId } from '@libp2p/interface'
import type { ChunkSource } from '../mesh/chunk-protocol.ts'
import { ChunkMismatchError, verifyChunk } from '../manifest/index.ts'
import type { PeerDirectory } from '../mesh/peers.ts'
import type { TokenBucket } from '../mesh/rate-limit.ts'
import type { PatchFile } from '../store/patch-file.ts'
import type { NodeEvents } from './events.ts'

export interface ServingContext {
  site: string
  directory: PeerDirectory
  /** The node's open patch files, by patch id (shared, live). */
  files: ReadonlyMap<string, PatchFile>
  revoked(patchId: string): boolean
  wanUp: TokenBucket
  events: NodeEvents
  /** A held chunk read back from disk did not match its hash; it is no longer held. */
  onCorrupt(patchId: string, index: number): void
  /** How long a chunk checked on reading is served without hashing it again, ms. Default 10 min. */
  recheckMs?: number
  /** The clock of those checks, ms. Default performance.now. */
  now?: () => number
}

const RECHECK_MS = 10 * 60_000

export class ChunkServing implements ChunkSource {
  /** Bytes sent to peers of the own site and of other sites. */
  readonly sent: Record<'site' | 'wan', number> = { site: 0, wan: 0 }
  readonly #ctx: ServingContext
  /** When each chunk of an open patch file was last read back and found to match, ms. */
  readonly #checkedAt = new WeakMap<PatchFile, Float64Array>()

  constructor(ctx: ServingContext) {
    this.#ctx = ctx
  }

  async getChunk(patchId: string, index: number): Promise<Uint8Array | 'not-found' | 'revoked'> {
    if (this.#ctx.revoked(patchId)) return 'revoked'
    const file = this.#ctx.files.get(patchId)
    if (file === undefined || index >= file.held.length || !file.held.get(index)) return 'not-found'

    const data = await file.readChunk(index)
    const checkedAt = this.#checks(file)
    const now = this.#ctx.now?.() ?? performance.now()
    if (now - checkedAt[index] < (this.#ctx.recheckMs ?? RECHECK_MS)) return data

    // A disk error or a stray write into the data file must never reach a peer (which would
    // ban this node) nor go unnoticed here.
    try {
      verifyChunk(file.manifest, index, data)
    } catch (err) {
      if (!(err instanceof ChunkMismatchError)) throw err
      checkedAt[index] = -Infinity
      await file.forgetChunk(index)
      this.#ctx.events.publish('chunk_corrupt', { patchId, index, path: file.path })
      this.#ctx.onCorrupt(patchId, index)
      return 'not-found'
    }
    checkedAt[index] = now

    return data
  }

  async uploadBudget(peer: PeerId, bytes: number, signal: AbortSignal): Promise<void> {
    if (!this.#sameSite(peer)) await this.#ctx.wanUp.take(bytes, signal)
  }

  served(peer: PeerId, patchId: string, index: number, bytes: number): void {
    const sameSite = this.#sameSite(peer)
    this.sent[sameSite ? 'site' : 'wan'] += bytes
    this.#ctx.events.publish('chunk_served', {
      patchId,
      index,
      peer: peer.toString(),
      bytes,
      sameSite,
    })
  }

  #checks(file: PatchFile): Float64Array {
    let checkedAt = this.#checkedAt.get(file)
    if (checkedAt === undefined) {
      checkedAt = new Float64Array(file.held.length).fill(-Infinity)
      this.#checkedAt.set(file, checkedAt)
    }

    return checkedAt
  }

  /** A peer whose site is unknown counts as another site's: its traffic is budgeted. */
  #sameSite(peer: PeerId): boolean {
    return this.#ctx.directory.get(peer.toString())?.site === this.#ctx.site
  }
}
