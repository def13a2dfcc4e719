/**
 * A patchmesh node: joins the mesh, verifies every record and chunk, fetches the patches its
 * install policy calls for (own site first), installs them when approved and inside a window,
 * serves what it holds, and resumes where it stopped after a restart. The authority runs the
 * same node with role "authority" and seeds its bundles; the coordinator runs it with role
 * "coordinator" for the records. Neither of those fetches or installs anything.
 */
import { join } from 'node:path'
import type { PeerId } from '@libp2p/interface'
import { component } from '../log.ts'
import type { Logger } from '../log.ts'
import { chunkCount, chunkRange, verifyChunk } from '../manifest/index.ts'
import { serveChunks } from '../mesh/chunk-protocol.ts'
import type { ChunkServerOptions } from '../mesh/chunk-protocol.ts'
import { HelloService } from '../mesh/hello.ts'
import { createHost, keepBootstrapped } from '../mesh/host.ts'
import type { Host } from '../mesh/host.ts'
import { loadOrCreateIdentity } from '../mesh/identity.ts'
import { serveManifests } from '../mesh/manifest-protocol.ts'
import { PeerDirectory } from '../mesh/peers.ts'
import { MESH_PROTOCOL_VERSION } from '../mesh/protocols.ts'
import { mbitToBytesPerSecond, TokenBucket } from '../mesh/rate-limit.ts'
import { RecordExchange } from '../mesh/records.ts'
import type { SchedulerOptions } from '../schedule/options.ts'
import { openNodeStore } from '../store/node-store.ts'
import type { NodeStore } from '../store/node-store.ts'
import type { PatchFile } from '../store/patch-file.ts'
import { checkManifest, loadAnchor, RecordVerifier } from '../trust/index.ts'
import type { TrustedRoot } from '../trust/index.ts'
import type { Hello } from '../wire/mesh.ts'
import { createInstallLedger } from '../install/index.ts'
import type { InstallAction } from '../install/index.ts'
import type { Announcement, Manifest, Revocation } from '../wire/records.ts'
import { decodeAnnouncement, decodeEnvelope, decodeRevocation } from '../wire/records.ts'
import { Download } from './download.ts'
import { NodeEvents } from './events.ts'
import type { ByteSource } from './events.ts'
import { Holders } from './holders.ts'
import { InstallController } from './installs.ts'
import type { ReportedState } from './installs.ts'
import { NodeRecords } from './records.ts'
import { ChunkServing } from './serving.ts'

/** The stored state of a patch whose every chunk and whole file were verified. */
export const VERIFIED_STATE = 'verified'

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
  }
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

export class PatchNode {
  readonly events: NodeEvents
  readonly directory = new PeerDirectory()
  readonly #opts: PatchNodeOptions
  readonly #log: Logger
  readonly #downloads = new Map<string, Download>()
  readonly #files = new Map<string, PatchFile>()
  readonly #revoked = new Set<string>()
  /** Patches whose every chunk and whole file were verified, by this process or before it. */
  readonly #verified = new Set<string>()
  /** Bytes received for patches completed before this start, from their stored state. */
  readonly #receivedBefore = new Map<string, Record<ByteSource, number>>()
  #store!: NodeStore
  #host!: Host
  #verifier!: RecordVerifier
  #hello!: HelloService
  #records!: RecordExchange
  #sink!: NodeRecords
  #wanDown!: TokenBucket
  #holders!: Holders
  #serving!: ChunkServing
  #installs: InstallController | undefined
  #stopServing: (() => Promise<void>) | undefined
  #stopBootstrap: (() => void) | undefined

  constructor(opts: PatchNodeOptions) {
    this.#opts = opts
    this.#log = component(opts.log, opts.role ?? 'node')
    this.events = new NodeEvents(opts.eventsFile)
  }

  get host(): Host {
    return this.#host
  }

  get peerId(): PeerId {
    return this.#host.peerId
  }

  get site(): string {
    return this.#opts.site
  }

  get role(): NodeRole {
    return this.#opts.role ?? 'node'
  }

  get store(): NodeStore {
    return this.#store
  }

  get root(): TrustedRoot {
    return this.#verifier.root
  }

  /** Multiaddrs peers can dial, with this node's peer id. */
  addresses(): string[] {
    return this.#host.getMultiaddrs().map(String)
  }

  async start(): Promise<void> {
    const opts = this.#opts
    this.#store = await openNodeStore(opts.dataDir, { log: opts.log })
    try {
      this.#verifier = new RecordVerifier(await this.#loadRoot(), this.#store.sequences, {
        now: opts.now,
      })
      this.#wanDown = new TokenBucket(mbitToBytesPerSecond(opts.wanDownMbit))
      this.#host = await createHost({
        privateKey: await loadOrCreateIdentity(opts.dataDir),
        listen: opts.listen,
        bootstrap: opts.bootstrap,
        mdns: opts.mdns,
      })
      const revoked = (patchId: string): boolean => this.#revoked.has(patchId)
      this.#holders = new Holders({
        host: this.#host,
        site: this.site,
        directory: this.directory,
        store: this.#store,
        events: this.events,
        log: component(opts.log, 'node:holders'),
        revoked,
      })
      this.#serving = new ChunkServing({
        site: this.site,
        directory: this.directory,
        files: this.#files,
        revoked,
        wanUp: new TokenBucket(mbitToBytesPerSecond(opts.wanUpMbit)),
        events: this.events,
      })

      this.#hello = new HelloService(
        this.#host,
        this.directory,
        () => this.#helloMessage(),
        component(opts.log, 'mesh:hello'),
      )
      const sink = (this.#sink = new NodeRecords(
        this.#verifier,
        this.#store,
        {
          announcement: (a) => this.#onAnnouncement(a),
          revocation: (r) => this.#onRevocation(r),
          decision: (patchId) => void this.#installs?.evaluate(patchId),
        },
        component(opts.log, 'node:records'),
      ))
      this.#records = new RecordExchange(this.#host, sink, component(opts.log, 'mesh:records'))
      this.#stopServing = await serveChunks(
        this.#host,
        this.#serving,
        component(opts.log, 'mesh:chunk'),
        opts.server,
      )
      await serveManifests(this.#host, async (patchId) =>
        this.#revoked.has(patchId) ? undefined : this.#store.getManifest(patchId),
      )
      if (this.role === 'node') this.#installs = this.#installController()
      await this.#hello.start()
      await this.#records.start()
      await this.#host.start()
      this.#stopBootstrap = keepBootstrapped(this.#host, opts.bootstrap ?? [])
      await this.#resume()
      this.#log.info(
        { peer: this.peerId.toString(), site: this.site, addresses: this.addresses() },
        'node started',
      )
    } catch (err) {
      await this.#store.close().catch(() => undefined)
      throw err
    }
  }

  /**
   * Stops the node. An install in progress is waited for (an installer cut off halfway may leave
   * a machine broken), up to the install action's time-out.
   */
  async stop(): Promise<void> {
    for (const download of this.#downloads.values()) download.stop()
    await this.#installs?.stop()
    this.#stopBootstrap?.()
    await this.#stopServing?.()
    await this.#hello?.stop().catch(() => undefined)
    await this.#records?.stop().catch(() => undefined)
    await this.#host?.stop()
    for (const file of this.#files.values()) await file.close()
    await this.#store?.close()
    await this.events.close()
    this.#log.info('node stopped')
  }

  /** Gossips a signed record (the authority's announcements and revocations). */
  async publish(bytes: Uint8Array): Promise<void> {
    const verdict = await this.#sink.receive(bytes, this.peerId.toString(), 'gossip')
    if (verdict === 'reject')
      throw new Error('refusing to publish a record this node does not accept')
    await this.#records.publish(bytes)
  }

  /** The download of a patch, if one was started. */
  download(patchId: string): Download | undefined {
    return this.#downloads.get(patchId)
  }

  /** Patch ids this node holds completely, verified. */
  completePatches(): string[] {
    return [...this.#files.values()].filter((f) => f.isComplete()).map((f) => f.patchId)
  }

  /** Bytes received by source (own site, other sites, origin) and sent, over all patches. */
  counters(): { received: Record<ByteSource, number>; sent: Record<'site' | 'wan', number> } {
    const received: Record<ByteSource, number> = { site: 0, wan: 0, origin: 0 }
    const perPatch = [
      ...this.#receivedBefore.values(),
      ...[...this.#downloads.values()].map((d) => d.bytes),
    ]
    for (const bytes of perPatch) {
      for (const source of ['site', 'wan', 'origin'] as const) received[source] += bytes[source]
    }

    return { received, sent: { ...this.#serving.sent } }
  }

  /**
   * Adds a patch this node already has whole (the authority's bundles): each chunk is verified
   * against the manifest as it is stored, then the node serves it.
   */
  async seed(
    announcementBytes: Uint8Array,
    manifestBytes: Uint8Array,
    read: (offset: number, length: number) => Promise<Uint8Array>,
  ): Promise<string> {
    const announcement = decodeAnnouncement(decodeEnvelope(announcementBytes).payload)
    const manifest = checkManifest(announcement, manifestBytes)
    await this.#store.putManifest(announcement.patchId, manifestBytes)
    const file = await this.#openFile(announcement.patchId, manifest)
    for (let index = 0; index < chunkCount(manifest); index++) {
      if (file.held.get(index)) continue
      const { offset, length } = chunkRange(manifest, index)
      const data = await read(offset, length)
      verifyChunk(manifest, index, data)
      await file.writeChunk(index, data)
    }
    // Every chunk was checked against the manifest as it was stored: the file is the patch.
    await this.#markVerified(announcement.patchId, { site: 0, wan: 0, origin: 0 })
    this.#hello.refresh()
    void this.#holders.provide(announcement)
    this.#log.info(
      { patch: announcement.patchId, name: announcement.name, version: announcement.version },
      'seeding patch',
    )

    return announcement.patchId
  }

  async #loadRoot(): Promise<TrustedRoot> {
    const stored = await this.#store.getTrustRoot()
    if (stored !== undefined) return loadAnchor(stored)
    if (this.#opts.root === undefined) {
      throw new Error(`${this.#opts.dataDir} has no trust root yet: start the node with --root`)
    }

    const anchor = loadAnchor(this.#opts.root)
    await this.#store.putTrustRoot(anchor.bytes)

    return anchor
  }

  async #resume(): Promise<void> {
    const { observe } = this.#opts
    const revocations = await this.#store.listRecords('revocation')
    for (const { patchId } of revocations) this.#revoked.add(patchId)
    for (const { envelope } of await this.#store.listRecords('announcement')) {
      await this.#onAnnouncement(decodeAnnouncement(decodeEnvelope(envelope).payload), false)
    }
    for (const { envelope } of revocations) {
      await observe?.revocation?.(decodeRevocation(decodeEnvelope(envelope).payload))
    }
  }

  #helloMessage(): Hello {
    return {
      protocolVersion: MESH_PROTOCOL_VERSION,
      site: this.site,
      role: this.role,
      ring: this.#opts.ring ?? '',
      groups: this.#opts.groups ?? [],
      holdings: [...this.#files.values()]
        .filter((f) => !this.#revoked.has(f.patchId))
        .map((f) => ({
          patchId: f.patchId,
          chunkCount: f.held.length,
          bitfield: f.held.toBytes() as Uint8Array<ArrayBuffer>,
        })),
    }
  }

  /** `fresh` is false for announcements read back from the store at start. */
  async #onAnnouncement(a: Announcement, fresh = true): Promise<void> {
    if (fresh) {
      this.events.publish('patch_announced', {
        patchId: a.patchId,
        name: a.name,
        version: a.version,
        size: a.size,
      })
    }
    await this.#opts.observe?.announcement?.(a)
    if (this.#revoked.has(a.patchId)) return

    await this.#reopen(a)
    if (this.#installs === undefined) return
    if (fresh) this.#installs.observed(a.patchId, 'announced')
    void this.#installs.evaluate(a.patchId)
  }

  /**
   * Opens the data of a patch this node has begun or finished before, so that it serves the
   * chunks it holds whether or not it fetches more. A patch stored as verified whole, with every
   * chunk still marked held, is taken as it is rather than hashed all again.
   */
  async #reopen(a: Announcement): Promise<void> {
    if (this.#files.has(a.patchId)) return
    const bytes = await this.#store.getManifest(a.patchId)
    if (bytes === undefined) return

    const file = await this.#openFile(a.patchId, checkManifest(a, bytes))
    const stored = await this.#store.getPatchState(a.patchId)
    if (stored?.state === VERIFIED_STATE && file.isComplete()) {
      const c = stored.counters ?? {}
      this.#receivedBefore.set(a.patchId, {
        site: c.bytesSite ?? 0,
        wan: c.bytesWan ?? 0,
        origin: c.bytesOrigin ?? 0,
      })
      this.#verified.add(a.patchId)
    }
    this.#hello.refresh()
    void this.#holders.provide(a)
  }

  /** Starts the download of an announced patch, unless it is under way or verified already. */
  async #fetch(patchId: string): Promise<void> {
    if (this.#downloads.has(patchId) || this.#verified.has(patchId)) return
    if (this.#revoked.has(patchId)) return
    const envelope = await this.#store.getRecord('announcement', patchId)
    if (envelope === undefined) return
    const a = decodeAnnouncement(decodeEnvelope(envelope).payload)

    const manifest = await this.#holders.manifestFor(a)
    if (manifest === undefined || this.#downloads.has(patchId)) return

    const file = await this.#openFile(patchId, manifest)
    this.#hello.refresh()
    const download = new Download(patchId, manifest, file, {
      host: this.#host,
      selfId: this.peerId.toString(),
      site: this.site,
      directory: this.directory,
      hello: this.#hello,
      wanDown: this.#wanDown,
      events: this.events,
      log: component(this.#opts.log, 'node:fetch'),
      scheduler: this.#opts.scheduler,
      stallTimeoutMs: this.#opts.stallTimeoutMs,
      diskRetryMs: this.#opts.diskRetryMs,
    })
    this.#downloads.set(patchId, download)
    download.start()
    this.#installs?.observed(patchId, 'downloading')
    void download.finished
      .then(async (state) => {
        if (state !== 'complete') return
        await this.#markVerified(patchId, download.bytes)
        this.#installs?.observed(patchId, 'downloaded')
        await this.#installs?.evaluate(patchId)
      })
      .catch((err: unknown) =>
        this.#log.error({ patch: patchId, err }, 'could not record the patch as verified'),
      )
    void this.#holders.provide(a)
  }

  async #markVerified(patchId: string, bytes: Record<ByteSource, number>): Promise<void> {
    const now = Date.now()
    const previous = await this.#store.getPatchState(patchId)
    await this.#store.putPatchState(patchId, {
      state: VERIFIED_STATE,
      createdAtMs: previous?.createdAtMs ?? now,
      updatedAtMs: now,
      counters: { bytesSite: bytes.site, bytesWan: bytes.wan, bytesOrigin: bytes.origin },
    })
    this.#verified.add(patchId)
  }

  #installController(): InstallController {
    const opts = this.#opts
    const installs = new InstallController({
      store: this.#store,
      ledger: createInstallLedger(this.#store),
      profile: {
        ring: opts.ring ?? '',
        groups: opts.groups ?? [],
        timeZone: opts.timeZone ?? Intl.DateTimeFormat().resolvedOptions().timeZone,
      },
      action: opts.install ?? { kind: 'stage', directory: join(opts.dataDir, 'staged') },
      prefetch: opts.prefetch ?? false,
      verifiedPath: (patchId) =>
        this.#verified.has(patchId) ? this.#files.get(patchId)?.path : undefined,
      fetch: (patchId) => this.#fetch(patchId),
      report: (patchId, state, reason) => opts.onStep?.(this.#step(patchId, state, reason)),
      events: this.events,
      log: opts.log,
      now: opts.now,
    })
    this.events.on('download_progress', ({ patchId }) => installs.observed(patchId, 'downloading'))
    this.events.on('patch_failed', ({ patchId, reason }) =>
      installs.observed(patchId, 'failed', reason),
    )

    return installs
  }

  #step(patchId: string, state: ReportedState, reason: string): PatchStep {
    const file = this.#files.get(patchId)
    const bytes = this.#downloads.get(patchId)?.bytes ??
      this.#receivedBefore.get(patchId) ?? { site: 0, wan: 0, origin: 0 }

    return {
      patchId,
      state,
      reason,
      chunksHeld: file?.held.count ?? 0,
      chunkCount: file?.held.length ?? 0,
      bytes: { ...bytes },
    }
  }

  async #onRevocation(r: Revocation): Promise<void> {
    this.#revoked.add(r.patchId)
    this.#downloads.get(r.patchId)?.stop()
    this.#downloads.delete(r.patchId)
    const file = this.#files.get(r.patchId)
    this.#files.delete(r.patchId)
    await file?.close()
    await this.#store.removePatch(r.patchId)
    this.#hello.refresh()
    this.events.publish('patch_revoked', { patchId: r.patchId, reason: r.reason })
    this.#log.warn(
      { patch: r.patchId, reason: r.reason },
      'patch revoked: stopped fetching, serving and removed its data',
    )
    void this.#installs?.evaluate(r.patchId)
    await this.#opts.observe?.revocation?.(r)
  }

  async #openFile(patchId: string, manifest: Manifest): Promise<PatchFile> {
    let file = this.#files.get(patchId)
    if (file === undefined) {
      file = await this.#store.openPatch(patchId, manifest)
      this.#files.set(patchId, file)
    }

    return file
  }
}
