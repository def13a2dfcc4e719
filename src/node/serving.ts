/**
 * What a node serves: only chunks of its own patch files that are held (verified and durably
 * written) and still match their hash when read back, never those of a revoked patch, with upload budget taken before sending to a peer of
 * another site. Bytes sent are counted by destination (own site or WAN).
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
}

export class ChunkServing implements ChunkSource {
  /** Bytes sent to peers of the own site and of other sites. */
  readonly sent: Record<'site' | 'wan', number> = { site: 0, wan: 0 }
  readonly #ctx: ServingContext

  constructor(ctx: ServingContext) {
    this.#ctx = ctx
  }

  async getChunk(patchId: string, index: number): Promise<Uint8Array | 'not-found' | 'revoked'> {
    if (this.#ctx.revoked(patchId)) return 'revoked'
    const file = this.#ctx.files.get(patchId)
    if (file === undefined || index >= file.held.length || !file.held.get(index)) return 'not-found'

    const data = await file.readChunk(index)
    // Checked again on every read: a disk error or a stray write into the data file must never
    // reach a peer (which would ban this node) nor go unnoticed here.
    try {
      verifyChunk(file.manifest, index, data)
    } catch (err) {
      if (!(err instanceof ChunkMismatchError)) throw err
      await file.forgetChunk(index)
      this.#ctx.events.publish('chunk_corrupt', { patchId, index, path: file.path })
      this.#ctx.onCorrupt(patchId, index)
      return 'not-found'
    }

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

  /** A peer whose site is unknown counts as another site's: its traffic is budgeted. */
  #sameSite(peer: PeerId): boolean {
    return this.#ctx.directory.get(peer.toString())?.site === this.#ctx.site
  }
}
