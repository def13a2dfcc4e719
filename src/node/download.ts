/**
 * One patch's download on one node: the state machine around the scheduler. It feeds the
 * scheduler what the peer directory learns, sends the requests it decides on, verifies every
 * chunk before it is written, and checks the whole file before it calls the patch complete.
 *
 * States: fetching -> verifying -> complete, or failed; paused while the disk is full or a write
 * failed (it retries on its own, so once space is freed it goes on); stopped when the node stops
 * or the patch is revoked.
 *
 * A verified chunk is staged (written) and handed back to the scheduler at once, so the next
 * requests go out while it waits for the data file's group commit; only once committed (synced
 * and marked) is it held: announced to peers, counted and reported. Until then its bytes are kept
 * (in a reused buffer, see chunk-buffers.ts), so a failed commit is retried by writing them again,
 * never by trusting what the file may hold.
 */
import type { EventEmitter } from 'node:events'
import { peerIdFromString } from '@libp2p/peer-id'
import { equals } from 'uint8arrays/equals'
import type { Uint8ArrayList } from 'uint8arraylist'
import type { Logger } from '../log.ts'
import {
  BadChunksError,
  chunkCount,
  chunkRange,
  verifyChunk,
  verifyFile,
} from '../manifest/index.ts'
import { requestChunkPieces } from '../mesh/chunk-protocol.ts'
import { ChunkRequestError } from '../mesh/errors.ts'
import type { Host } from '../mesh/host.ts'
import type { HelloService } from '../mesh/hello.ts'
import type { PeerDirectory, PeerDirectoryEvents, PeerState } from '../mesh/peers.ts'
import type { TokenBucket } from '../mesh/rate-limit.ts'
import { Bitfield } from '../schedule/bitfield.ts'
import { hashString } from '../schedule/hash.ts'
import type { SchedulerOptions } from '../schedule/options.ts'
import { createScheduler } from '../schedule/scheduler.ts'
import type { ChunkScheduler } from '../schedule/scheduler.ts'
import type { FailureReason, ScheduledRequest } from '../schedule/types.ts'
import { DiskFullError } from '../store/errors.ts'
import type { PatchFile } from '../store/patch-file.ts'
import { toHex } from '../util/bytes.ts'
import type { Manifest } from '../wire/records.ts'
import { ChunkBuffers } from './chunk-buffers.ts'
import type { ByteSource, NodeEvents } from './events.ts'

export type DownloadState = 'fetching' | 'paused' | 'verifying' | 'complete' | 'failed' | 'stopped'

/** What a download needs from its node. */
export interface DownloadContext {
  host: Host
  selfId: string
  site: string
  directory: PeerDirectory
  hello: HelloService
  wanDown: TokenBucket
  events: NodeEvents
  log: Logger
  scheduler?: SchedulerOptions
  /** Stall time-out per chunk request, ms. Default 10 s. */
  stallTimeoutMs?: number
  /** How often a download paused on a full disk tries again, ms. Default 5 s. */
  diskRetryMs?: number
  /**
   * How long a new download fetches only from its own site before it pulls over the WAN, ms, so
   * that the hellos of site members fetching the same patch arrive first and the WAN work is
   * split between them from the start. Default 1 500.
   *
   * Known shortcoming: a node that has not met the site member holding the patch by then (peer
   * discovery through the DHT can take longer on a loaded machine) pulls its share over the WAN
   * anyway; the demo saw a site pull 1.3x the file that way in 2 runs out of about 12.
   */
  gatherMs?: number
  /** Bytes by source fetched before this process started (stored by {@link onBytes}). */
  bytesBefore?: Readonly<Record<ByteSource, number>>
  /** Told the bytes by source, all of them, each time a chunk is held. */
  onBytes?: (bytes: Readonly<Record<ByteSource, number>>) => void
  /**
   * The whole-file check found chunks damaged on disk; they are no longer held and this download
   * has stopped: the caller fetches them again.
   */
  onDamaged?: () => void
}

const FAILURE: Record<ChunkRequestError['reason'], FailureReason> = {
  timeout: 'timeout',
  stalled: 'timeout',
  busy: 'refused',
  refused: 'refused',
  'not-found': 'not-found',
  protocol: 'bad-chunk',
}

/** Pooled chunk buffers kept beyond those staged chunks need: requests arrive while they wait. */
const IN_FLIGHT_BUFFERS = 4

/** Rounds of time-outs, with no good chunk between, after which a site peer is hung up on. */
const SITE_TIMEOUT_ROUNDS = 2

/** A chunk verified and written, not yet committed: its bytes, for a retry, and its origin. */
interface Unheld {
  /** From the download's {@link ChunkBuffers}, given back once the chunk is held. */
  data: Buffer
  bytes: number
  peerId: string
  source: ByteSource
  /** Its last commit failed: it is to be written again. */
  failed: boolean
}

export class Download {
  readonly patchId: string
  readonly manifest: Manifest
  /** Bytes of the chunks held, by source, this process and (from the context) before it. */
  readonly bytes: Record<ByteSource, number>
  #state: DownloadState = 'fetching'
  readonly #file: PatchFile
  readonly #ctx: DownloadContext
  readonly #log: Logger
  readonly #scheduler: ChunkScheduler | undefined
  readonly #inFlight = new Map<string, AbortController>()
  /** Chunks staged in the data file and not yet held, by index. */
  readonly #unheld = new Map<number, Unheld>()
  #unheldBytes = 0
  readonly #buffers: ChunkBuffers
  #retrying = false
  /** Site peers whose requests timed out since their last good chunk: rounds, and when last. */
  readonly #timeouts = new Map<string, { rounds: number; at: number }>()
  readonly #done: PromiseWithResolvers<DownloadState> = Promise.withResolvers()
  #timer: NodeJS.Timeout | undefined
  #wanOpensAt = 0
  #lastReported = 0
  /** Paused on a full disk since the last progress report: the next held chunk reports. */
  #reportAfterPause = false
  readonly #listeners: Array<() => void> = []

  constructor(patchId: string, manifest: Manifest, file: PatchFile, ctx: DownloadContext) {
    this.patchId = patchId
    this.manifest = manifest
    this.#file = file
    this.#ctx = ctx
    this.#log = ctx.log.child({ patch: patchId })
    this.bytes = { site: 0, wan: 0, origin: 0, ...ctx.bytesBefore }
    // Enough for every chunk staged while requests wait (see #pump), and the ones in flight.
    const staged = Math.ceil(this.#unheldLimit() / Math.max(1, manifest.chunkSize))
    this.#buffers = new ChunkBuffers(manifest.chunkSize, staged + IN_FLIGHT_BUFFERS)

    const count = chunkCount(manifest)
    if (count > 0 && !file.isComplete()) {
      const have = new Bitfield(count)
      for (const index of file.held.setIndexes()) have.set(index)
      this.#scheduler = createScheduler({
        selfId: ctx.selfId,
        site: ctx.site,
        chunkCount: count,
        chunkSize: manifest.chunkSize,
        lastChunkSize: chunkRange(manifest, count - 1).length,
        have,
        // Every member of a site must split a patch the same way: seed by patch id.
        options: { seed: hashString(patchId), ...ctx.scheduler },
      })
    }
  }

  get state(): DownloadState {
    return this.#state
  }

  get held(): number {
    return this.#file.held.count
  }

  /** Resolves with the final state: complete, failed or stopped. */
  get finished(): Promise<DownloadState> {
    return this.#done.promise
  }

  start(): void {
    if (this.#scheduler === undefined) {
      void this.#finish()
      return
    }

    this.#log.info(
      { held: this.held, chunks: chunkCount(this.manifest), size: this.manifest.size },
      this.held > 0 ? 'resuming download' : 'starting download',
    )
    this.#wanOpensAt = performance.now() + (this.#ctx.gatherMs ?? 1500)
    for (const peer of this.#ctx.directory.all()) this.#addPeer(peer)
    this.#listen('peer', (peer: PeerState) => this.#addPeer(peer))
    this.#listen(
      'have',
      ({ peer, patchId, indexes }: { peer: PeerState; patchId: string; indexes: number[] }) => {
        if (patchId !== this.patchId || this.#scheduler === undefined) return
        this.#ensurePeer(peer)
        const now = performance.now()
        for (const index of indexes) this.#scheduler.peerHas(peer.id, index, now)
        if (peer.site === this.#ctx.site && peer.role === 'node')
          this.#scheduler.setSiteMember(peer.id, true, now)
        this.#pump()
      },
    )
    this.#listen('gone', (id) => {
      this.#scheduler?.removePeer(id, performance.now())
      this.#pump()
    })
    this.#pump()
  }

  /** Stops fetching (node shutdown or revocation); in-flight requests are abandoned. */
  stop(): void {
    if (this.#isFinal()) return
    this.#end('stopped')
  }

  #listen<K extends keyof PeerDirectoryEvents>(
    event: K,
    fn: (...args: PeerDirectoryEvents[K]) => void,
  ): void {
    const directory = this.#ctx.directory as EventEmitter<PeerDirectoryEvents>
    directory.on(event, fn as never)
    this.#listeners.push(() => directory.off(event, fn as never))
  }

  #addPeer(peer: PeerState): void {
    const scheduler = this.#scheduler
    if (scheduler === undefined) return

    this.#ensurePeer(peer)
    const now = performance.now()
    const holding = peer.holdings.get(this.patchId)
    if (holding !== undefined && holding.length === chunkCount(this.manifest)) {
      scheduler.setPeerBitfield(peer.id, holding, now)
    }
    // Site members share the WAN work: same-site nodes that take part in this patch.
    if (peer.site === this.#ctx.site) {
      scheduler.setSiteMember(peer.id, peer.role === 'node' && holding !== undefined, now)
    }
    this.#pump()
  }

  #ensurePeer(peer: PeerState): void {
    try {
      this.#scheduler?.addPeer({
        id: peer.id,
        site: peer.site,
        isOrigin: peer.role === 'authority',
      })
    } catch (err) {
      if ((err as Error).name !== 'DuplicatePeerError') throw err
    }
  }

  #pump(): void {
    const scheduler = this.#scheduler
    if (scheduler === undefined || this.#state !== 'fetching') return
    // Staged chunks wait for a commit; their bytes stay in memory until then. A commit's end
    // pumps again, a failed one after its retry.
    if (this.#unheldBytes >= this.#unheldLimit()) return

    const now = performance.now()
    const { wanDown } = this.#ctx
    const wanBytes = now < this.#wanOpensAt ? 0 : wanDown.budget(this.manifest.chunkSize)
    for (const request of scheduler.next(now, { wanBytes })) {
      if (request.source !== 'site') wanDown.consume(request.bytes)
      void this.#fetch(request)
    }

    clearTimeout(this.#timer)
    let budgetAt = Infinity
    if (now < this.#wanOpensAt) budgetAt = this.#wanOpensAt - now
    else if (!wanDown.unlimited) budgetAt = wanDown.waitFor(this.manifest.chunkSize) + 5
    const wake = Math.min(scheduler.nextWakeAt(now) - now, budgetAt)
    if (Number.isFinite(wake)) this.#timer = setTimeout(() => this.#pump(), Math.max(5, wake))
  }

  async #fetch(request: ScheduledRequest): Promise<void> {
    const scheduler = this.#scheduler!
    const { index, peerId, source } = request
    const key = `${index}:${peerId}`
    const sentAt = performance.now()
    const abort = new AbortController()
    this.#inFlight.set(key, abort)

    try {
      const pieces = await requestChunkPieces(
        this.#ctx.host,
        peerIdFromString(peerId),
        this.patchId,
        index,
        {
          length: request.bytes,
          stallTimeoutMs: this.#ctx.stallTimeoutMs,
          signal: abort.signal,
        },
      )
      // Paused on a full disk: still store it (or fail it back to the scheduler), else the
      // scheduler keeps the request booked as in flight for good and never asks for it again.
      if (this.#state !== 'fetching' && this.#state !== 'paused') return

      const data = this.#join(index, pieces)
      if (!this.#verified(index, peerId, data)) {
        this.#buffers.release(data)
        return
      }
      // A second copy (end game) of a chunk staged or held already: settle its request only.
      const copy = this.#unheld.has(index) || this.#file.held.get(index)
      const { committed } = copy
        ? { committed: undefined }
        : await this.#file.stageChunk(index, data)
      this.#timeouts.delete(peerId)
      for (const other of scheduler.received(index, peerId, performance.now())) {
        this.#inFlight.get(`${other.index}:${other.peerId}`)?.abort()
      }
      if (committed === undefined) {
        this.#buffers.release(data)
        return
      }

      const entry = { data, bytes: data.byteLength, peerId, source, failed: false }
      this.#unheld.set(index, entry)
      this.#unheldBytes += entry.bytes
      this.#whenCommitted(index, committed)
      // Nothing more to fetch: the last chunks need not wait for a full batch.
      if (scheduler.isComplete()) void this.#file.flush()
    } catch (err) {
      if (abort.signal.aborted || this.#isFinal()) return
      this.#failed(index, peerId, err, sentAt)
    } finally {
      this.#inFlight.delete(key)
      this.#pump()
    }
  }

  #whenCommitted(index: number, committed: Promise<void>): void {
    committed
      .then(
        () => this.#held(index),
        (err: unknown) => this.#commitFailed(index, err),
      )
      .catch((err: unknown) => this.#log.error({ chunk: index, err }, 'stored chunk not booked'))
  }

  /** Chunk `index` is durable and marked: only now is it the peers' to fetch, and counted. */
  #held(index: number): void {
    const entry = this.#unheld.get(index)
    if (entry === undefined) return
    this.#unheld.delete(index)
    this.#unheldBytes -= entry.bytes
    this.#buffers.release(entry.data)
    if (this.#isFinal()) return

    const { peerId, source, bytes } = entry
    this.bytes[source] += bytes
    this.#ctx.onBytes?.(this.bytes)
    this.#ctx.hello.have(this.patchId, chunkCount(this.manifest), index)
    this.#ctx.events.publish('chunk_received', {
      patchId: this.patchId,
      index,
      peer: peerId,
      source,
      bytes,
    })
    if (this.#log.isLevelEnabled('trace')) {
      this.#log.trace({ chunk: index, peer: peerId, source }, 'chunk stored')
    }
    this.#reportProgress()
    if (this.#file.isComplete()) void this.#finish()
    else this.#pump()
  }

  /** A commit failed: its chunks stay staged, to be written again once the pause is over. */
  #commitFailed(index: number, err: unknown): void {
    const entry = this.#unheld.get(index)
    if (entry === undefined || this.#isFinal()) return

    entry.failed = true
    this.#pause(err)
  }

  /** Writes again every chunk whose commit failed; pauses again if that fails too. */
  async #restage(): Promise<void> {
    if (this.#retrying) return

    this.#retrying = true
    try {
      for (const [index, entry] of this.#unheld) {
        if (!entry.failed || this.#isFinal()) continue
        try {
          const { committed } = await this.#file.stageChunk(index, entry.data)
          entry.failed = false
          this.#whenCommitted(index, committed)
        } catch (err) {
          this.#pause(err)
          return
        }
      }
      await this.#file.flush()
    } finally {
      this.#retrying = false
    }
  }

  /** Bytes staged and not yet held beyond which no request is sent: two full batches. */
  #unheldLimit(): number {
    return 2 * Math.max(this.#file.commitBytes, this.manifest.chunkSize)
  }

  /**
   * The chunk's pieces in one buffer of the pool; pieces of the wrong length (which fail
   * verification) in a buffer of their own.
   */
  #join(index: number, pieces: Uint8ArrayList): Buffer {
    const { length } = chunkRange(this.manifest, index)
    if (pieces.byteLength !== length) return Buffer.from(pieces.subarray())

    return this.#buffers.copy(pieces, length)
  }

  #verified(index: number, peerId: string, data: Uint8Array): boolean {
    try {
      verifyChunk(this.manifest, index, data)
      return true
    } catch (err) {
      this.#ctx.events.publish('chunk_rejected', {
        patchId: this.patchId,
        index,
        peer: peerId,
        reason: (err as Error).message,
      })
      this.#log.warn(
        { chunk: index, peer: peerId },
        'peer sent a chunk that does not match the manifest',
      )
      this.#penalise(index, peerId, 'bad-chunk')
      return false
    }
  }

  #failed(index: number, peerId: string, err: unknown, sentAt: number): void {
    const scheduler = this.#scheduler!
    if (err instanceof DiskFullError) {
      // Our disk, not the peer's fault: give the chunk back and pause until there is room.
      scheduler.failed(index, peerId, 'local', performance.now())
      this.#pause(err)
      return
    }
    if (err instanceof ChunkRequestError) {
      this.#log.debug({ chunk: index, peer: peerId, reason: err.reason }, 'chunk request failed')
      this.#penalise(index, peerId, FAILURE[err.reason])
      if (FAILURE[err.reason] === 'timeout') this.#timedOut(peerId, sentAt)
      return
    }

    this.#log.error({ chunk: index, peer: peerId, err }, 'chunk could not be stored')
    scheduler.failed(index, peerId, 'local', performance.now())
  }

  #penalise(index: number, peerId: string, reason: FailureReason): void {
    const action = this.#scheduler!.failed(index, peerId, reason, performance.now())
    if (action === 'none') return

    this.#ctx.events.publish('peer_penalised', { patchId: this.patchId, peer: peerId, action })
    if (action === 'disconnect') {
      this.#log.warn(
        { peer: peerId },
        'peer sent bad chunks repeatedly; banned from this patch and disconnected',
      )
      void this.#ctx.host.hangUp(peerIdFromString(peerId)).catch(() => undefined)
    }
  }

  /**
   * The scheduler never fetches over the WAN what a site peer holds (outside the end game), so a
   * site peer that claims chunks and never delivers them would hold the download up for good:
   * after it times out again once its back-off is over, with no good chunk between, hang up on
   * it, which drops its claims. An honest peer that reconnects says hello and is tried again.
   */
  #timedOut(peerId: string, sentAt: number): void {
    if (this.#ctx.directory.get(peerId)?.site !== this.#ctx.site) return

    const seen = this.#timeouts.get(peerId) ?? { rounds: 0, at: -Infinity }
    // Requests that were in flight together when the peer stopped make one round.
    if (sentAt < seen.at) return
    seen.rounds++
    seen.at = performance.now()
    this.#timeouts.set(peerId, seen)
    if (seen.rounds < SITE_TIMEOUT_ROUNDS) return

    seen.rounds = 0
    this.#ctx.events.publish('peer_penalised', {
      patchId: this.patchId,
      peer: peerId,
      action: 'disconnect',
    })
    this.#log.warn({ peer: peerId }, 'site peer keeps timing out; disconnected')
    void this.#ctx.host.hangUp(peerIdFromString(peerId)).catch(() => undefined)
  }

  /**
   * Pauses fetching after a full disk or a failed write, and goes on after `diskRetryMs`: first
   * writing again what failed to commit, then fetching.
   */
  #pause(err: unknown): void {
    if (this.#state === 'paused') return

    this.#state = 'paused'
    if (err instanceof DiskFullError) {
      this.#ctx.events.publish('disk_full', {
        patchId: this.patchId,
        index: err.index,
        message: err.message,
        path: err.path,
        code: err.code,
      })
      this.#reportAfterPause = true
      this.#log.error({ chunk: err.index, path: err.path }, err.message)
    } else {
      this.#log.error({ err }, 'chunks could not be stored; trying again')
    }
    setTimeout(() => {
      if (this.#state !== 'paused') return
      this.#state = 'fetching'
      this.#log.info('retrying after a full disk or a failed write')
      this.#restage()
        .catch((err: unknown) => this.#log.error({ err }, 'could not write chunks again'))
        .finally(() => this.#pump())
    }, this.#ctx.diskRetryMs ?? 5000)
  }

  /** Progress goes out every tenth, and with the first chunk held after a full disk's pause. */
  #reportProgress(): void {
    const count = chunkCount(this.manifest)
    const tenth = Math.floor((this.held * 10) / count)
    if (tenth <= this.#lastReported && !this.#reportAfterPause) return

    this.#reportAfterPause = false
    this.#lastReported = Math.max(this.#lastReported, tenth)
    this.#ctx.events.publish('download_progress', {
      patchId: this.patchId,
      held: this.held,
      chunkCount: count,
      bytes: { ...this.bytes },
    })
    this.#log.info({ held: this.held, chunks: count, bytes: this.bytes }, `fetched ${tenth * 10}%`)
  }

  async #finish(): Promise<void> {
    if (this.#isFinal() || this.#state === 'verifying') return

    this.#state = 'verifying'
    try {
      await this.#checkWholeFile()
    } catch (err) {
      if (err instanceof BadChunksError && this.#ctx.onDamaged !== undefined) {
        await this.#forgetDamaged(err)
        return
      }
      this.#log.error(
        { err },
        'whole-file check failed after every chunk verified; the data file changed on disk',
      )
      this.#ctx.events.publish('patch_failed', {
        patchId: this.patchId,
        reason: (err as Error).message,
      })
      this.#end('failed')
      return
    }

    const sha256 = toHex(this.manifest.sha256)
    this.#log.info(
      { sha256, bytes: this.bytes, path: this.#file.path },
      'patch complete and verified',
    )
    this.#ctx.events.publish('patch_complete', {
      patchId: this.patchId,
      sha256,
      path: this.#file.path,
      bytes: { ...this.bytes },
    })
    this.#end('complete')
  }

  /**
   * The data file hashes to the announced SHA-256: one read of it and one hash. Only when it does
   * not is it checked chunk by chunk, for an error that names what differs.
   */
  async #checkWholeFile(): Promise<void> {
    if (equals(await this.#file.sha256(), this.manifest.sha256)) return

    await verifyFile(this.#file.path, this.manifest)
    throw new Error(`data file ${this.#file.path} does not hash to the announced SHA-256`)
  }

  /**
   * Chunks that were verified and written no longer match on disk (a disk error, or something
   * wrote into the data file): they stop being held, and the caller fetches them again, rather
   * than the patch failing for good.
   */
  async #forgetDamaged(err: BadChunksError): Promise<void> {
    this.#log.error(
      { chunks: err.badChunks.length, path: this.#file.path },
      `${err.message}; fetching them again`,
    )
    try {
      for (const index of err.badChunks) {
        await this.#file.forgetChunk(index)
        this.#ctx.events.publish('chunk_corrupt', {
          patchId: this.patchId,
          index,
          path: this.#file.path,
        })
      }
    } catch (forgetErr) {
      this.#log.error({ err: forgetErr }, 'could not drop the damaged chunks; the patch failed')
      this.#ctx.events.publish('patch_failed', { patchId: this.patchId, reason: err.message })
      this.#end('failed')
      return
    }
    this.#end('stopped')
    this.#ctx.onDamaged?.()
  }

  #isFinal(): boolean {
    return this.#state === 'complete' || this.#state === 'failed' || this.#state === 'stopped'
  }

  #end(state: DownloadState): void {
    this.#state = state
    clearTimeout(this.#timer)
    for (const abort of this.#inFlight.values()) abort.abort()
    for (const off of this.#listeners.splice(0)) off()
    this.#done.resolve(state)
  }
}
