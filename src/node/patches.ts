/**
 * The patch data a node holds: one open data file per patch, its download while one runs, and
 * which patches are verified whole. A patch counts as verified only after every chunk was
 * checked as it was written and the whole file matched the announcement; that fact is stored,
 * so a restarted node serves and installs it without hashing it all again.
 */
import type { Logger } from '../log.ts'
import { component } from '../log.ts'
import { chunkCount, chunkRange, verifyChunk } from '../manifest/index.ts'
import type { Host } from '../mesh/host.ts'
import type { PeerDirectory } from '../mesh/peers.ts'
import type { TokenBucket } from '../mesh/rate-limit.ts'
import type { SchedulerOptions } from '../schedule/options.ts'
import type { NodeStore } from '../store/node-store.ts'
import type { PatchFile } from '../store/patch-file.ts'
import { checkManifest } from '../trust/index.ts'
import type { Holding } from '../wire/mesh.ts'
import type { Announcement, Manifest } from '../wire/records.ts'
import { CounterSaver, countsFromStored, countsToStored } from './byte-counters.ts'
import { Download } from './download.ts'
import type { HelloService } from '../mesh/hello.ts'
import type { ByteSource, NodeEvents } from './events.ts'
import type { Holders } from './holders.ts'

/** The stored state of a patch whose every chunk and whole file were verified. */
export const VERIFIED_STATE = 'verified'
/** The stored state of a patch being fetched: its counters are the bytes received so far. */
export const FETCHING_STATE = 'fetching'

const NO_BYTES: Readonly<Record<ByteSource, number>> = Object.freeze({ site: 0, wan: 0, origin: 0 })

export interface NodePatchesContext {
  store: NodeStore
  host: Host
  site: string
  directory: PeerDirectory
  hello: HelloService
  holders: Holders
  wanDown: TokenBucket
  events: NodeEvents
  log: Logger
  scheduler?: SchedulerOptions
  stallTimeoutMs?: number
  diskRetryMs?: number
  /** Called once a download has completed and the patch is recorded as verified. */
  onVerified(patchId: string): Promise<void> | void
}

export class NodePatches {
  /** Open data files by patch id (the chunk server reads them). */
  readonly files = new Map<string, PatchFile>()
  readonly #ctx: NodePatchesContext
  readonly #log: Logger
  readonly #downloads = new Map<string, Download>()
  readonly #verified = new Set<string>()
  /** Downloads being started, by patch id: see {@link fetch}. */
  readonly #starting = new Map<string, Promise<Download | undefined>>()
  /**
   * Bytes received for each patch before this start, from its stored state, until a download of it
   * takes them over.
   */
  readonly #receivedBefore = new Map<string, Record<ByteSource, number>>()

  constructor(ctx: NodePatchesContext) {
    this.#ctx = ctx
    this.#log = component(ctx.log, 'node:patches')
  }

  download(patchId: string): Download | undefined {
    return this.#downloads.get(patchId)
  }

  /** The data file's path once the patch is verified whole; undefined before. */
  verifiedPath(patchId: string): string | undefined {
    return this.#verified.has(patchId) ? this.files.get(patchId)?.path : undefined
  }

  /** Patch ids held completely. */
  complete(): string[] {
    return [...this.files.values()].filter((f) => f.isComplete()).map((f) => f.patchId)
  }

  /** Chunks held and bytes received, by source, for one patch. */
  progress(patchId: string): { held: number; count: number; bytes: Record<ByteSource, number> } {
    const file = this.files.get(patchId)
    const bytes =
      this.#downloads.get(patchId)?.bytes ?? this.#receivedBefore.get(patchId) ?? NO_BYTES

    return { held: file?.held.count ?? 0, count: file?.held.length ?? 0, bytes: { ...bytes } }
  }

  /** Bytes received by source over every patch, this process and before it. */
  received(): Record<ByteSource, number> {
    const total: Record<ByteSource, number> = { site: 0, wan: 0, origin: 0 }
    const perPatch = [
      ...this.#receivedBefore.values(),
      ...[...this.#downloads.values()].map((d) => d.bytes),
    ]
    for (const bytes of perPatch) {
      for (const source of ['site', 'wan', 'origin'] as const) total[source] += bytes[source]
    }

    return total
  }

  /** What the hello exchange tells peers: the chunks held of every patch not excluded. */
  holdings(exclude: (patchId: string) => boolean): Holding[] {
    return [...this.files.values()]
      .filter((f) => !exclude(f.patchId))
      .map((f) => ({
        patchId: f.patchId,
        chunkCount: f.held.length,
        bitfield: f.held.toBytes() as Uint8Array<ArrayBuffer>,
      }))
  }

  /**
   * Opens the data of a patch begun or finished before, so its chunks are served whether or not
   * more are fetched. One stored as verified, with every chunk still marked held, is taken as it
   * is.
   */
  async reopen(a: Announcement): Promise<void> {
    if (this.files.has(a.patchId)) return
    const bytes = await this.#ctx.store.getManifest(a.patchId)
    if (bytes === undefined) return

    const file = await this.#open(a.patchId, checkManifest(a, bytes))
    const stored = await this.#ctx.store.getPatchState(a.patchId)
    // Bytes fetched before this start count until a download goes on (which takes them over).
    if (stored !== undefined) this.#receivedBefore.set(a.patchId, countsFromStored(stored.counters))
    if (stored?.state === VERIFIED_STATE && file.isComplete()) this.#verified.add(a.patchId)
    this.#ctx.hello.refresh()
    void this.#ctx.holders.provide(a)
  }

  /**
   * Starts the download of an announced patch, unless one runs or it is verified already.
   * Resolves once the download is under way (or there is nothing to do), not when it ends.
   */
  fetch(a: Announcement): Promise<Download | undefined> {
    // One start at a time per patch: two callers at once (an approval and a repair, say) must not
    // both pass the checks below and run two downloads of one file.
    const starting = this.#starting.get(a.patchId)
    if (starting !== undefined) return starting

    const started = this.#start(a).finally(() => this.#starting.delete(a.patchId))
    this.#starting.set(a.patchId, started)
    return started
  }

  /**
   * Chunks of the patch were found damaged and are no longer held: fetches them again. A download
   * under way (or ended) is replaced by one that starts from what is held now, since its
   * scheduler still counts the lost chunks as held.
   */
  async refetch(a: Announcement): Promise<Download | undefined> {
    const { patchId } = a
    this.#verified.delete(patchId)
    await this.#starting.get(patchId)?.catch(() => undefined)
    const previous = this.#downloads.get(patchId)
    if (previous !== undefined) {
      this.#downloads.delete(patchId)
      previous.stop()
      await previous.finished
    }

    return await this.fetch(a)
  }

  async #start(a: Announcement): Promise<Download | undefined> {
    const { patchId } = a
    if (this.#downloads.has(patchId) || this.#verified.has(patchId)) return undefined

    const manifest = await this.#ctx.holders.manifestFor(a)
    if (manifest === undefined || this.#downloads.has(patchId)) return undefined

    const ctx = this.#ctx
    const file = await this.#open(patchId, manifest)
    ctx.hello.refresh()
    const stored = await ctx.store.getPatchState(patchId)
    const createdAtMs = stored?.createdAtMs ?? Date.now()
    const counters = new CounterSaver(
      (bytes) => this.#putState(patchId, FETCHING_STATE, bytes, createdAtMs),
      this.#log.child({ patch: patchId }),
    )
    this.#receivedBefore.delete(patchId)
    const download = new Download(patchId, manifest, file, {
      host: ctx.host,
      selfId: ctx.host.peerId.toString(),
      site: ctx.site,
      directory: ctx.directory,
      hello: ctx.hello,
      wanDown: ctx.wanDown,
      events: ctx.events,
      log: component(ctx.log, 'node:fetch'),
      scheduler: ctx.scheduler,
      stallTimeoutMs: ctx.stallTimeoutMs,
      diskRetryMs: ctx.diskRetryMs,
      // A patch fetched again (a damaged chunk) adds to what its earlier download counted.
      bytesBefore: countsFromStored(stored?.counters),
      onBytes: (bytes) => counters.save(bytes),
      onDamaged: () => {
        this.refetch(a).catch((err: unknown) =>
          this.#log.error({ patch: patchId, err }, 'could not fetch the damaged chunks again'),
        )
      },
    })
    this.#downloads.set(patchId, download)
    download.start()
    void download.finished
      .then(async (state) => {
        // Every count is written before the verified state, which must be the last write.
        await counters.close()
        if (state !== 'complete') return
        await this.#markVerified(patchId, download.bytes)
        await ctx.onVerified(patchId)
      })
      .catch((err: unknown) =>
        this.#log.error({ patch: patchId, err }, 'could not record the patch as verified'),
      )
    void ctx.holders.provide(a)

    return download
  }

  /**
   * Adds a patch held whole elsewhere (the authority's bundles): each chunk is checked against
   * the manifest as it is stored.
   */
  async seed(
    a: Announcement,
    manifestBytes: Uint8Array,
    read: (offset: number, length: number) => Promise<Uint8Array>,
  ): Promise<void> {
    const manifest = checkManifest(a, manifestBytes)
    await this.#ctx.store.putManifest(a.patchId, manifestBytes)
    const file = await this.#open(a.patchId, manifest)
    for (let index = 0; index < chunkCount(manifest); index++) {
      if (file.held.get(index)) continue
      const { offset, length } = chunkRange(manifest, index)
      const data = await read(offset, length)
      verifyChunk(manifest, index, data)
      await file.writeChunk(index, data)
    }
    await this.#markVerified(a.patchId, NO_BYTES)
    this.#ctx.hello.refresh()
    void this.#ctx.holders.provide(a)
  }

  /** Stops the patch's download and deletes its data (a revocation). */
  async remove(patchId: string): Promise<void> {
    this.#downloads.get(patchId)?.stop()
    this.#downloads.delete(patchId)
    const file = this.files.get(patchId)
    this.files.delete(patchId)
    this.#verified.delete(patchId)
    await file?.close()
    await this.#ctx.store.removePatch(patchId)
    this.#ctx.hello.refresh()
  }

  stopDownloads(): void {
    for (const download of this.#downloads.values()) download.stop()
  }

  async close(): Promise<void> {
    for (const file of this.files.values()) await file.close()
  }

  async #markVerified(patchId: string, bytes: Readonly<Record<ByteSource, number>>): Promise<void> {
    const previous = await this.#ctx.store.getPatchState(patchId)
    await this.#putState(patchId, VERIFIED_STATE, bytes, previous?.createdAtMs ?? Date.now())
    this.#verified.add(patchId)
  }

  async #putState(
    patchId: string,
    state: string,
    bytes: Readonly<Record<ByteSource, number>>,
    createdAtMs: number,
  ): Promise<void> {
    await this.#ctx.store.putPatchState(patchId, {
      state,
      createdAtMs,
      updatedAtMs: Date.now(),
      counters: countsToStored(bytes),
    })
  }

  async #open(patchId: string, manifest: Manifest): Promise<PatchFile> {
    let file = this.files.get(patchId)
    if (file === undefined) {
      file = await this.#ctx.store.openPatch(patchId, manifest)
      this.files.set(patchId, file)
    }

    return file
  }
}
