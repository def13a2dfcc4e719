/**
 * A patchmesh node: joins the mesh, verifies every record and chunk, fetches the patches its
 * install policy calls for (own site first), installs them when approved and inside a window,
 * serves what it holds, and resumes where it stopped after a restart. The authority runs the
 * same node with role "authority" and seeds its bundles; the coordinator runs it with role
 * "coordinator" for the records. Neither of those fetches or installs anything.
 */
import { join } from 'node:path'
import type { PeerId } from '@libp2p/interface'
import { peerIdFromString } from '@libp2p/peer-id'
import { multiaddr } from '@multiformats/multiaddr'
import { component } from '../log.ts'
import type { Logger } from '../log.ts'
import { serveChunks } from '../mesh/chunk-protocol.ts'
import { HelloService } from '../mesh/hello.ts'
import { createHost, keepBootstrapped } from '../mesh/host.ts'
import type { Host } from '../mesh/host.ts'
import { loadOrCreateIdentity } from '../mesh/identity.ts'
import { serveManifests } from '../mesh/manifest-protocol.ts'
import { PeerDirectory } from '../mesh/peers.ts'
import { MESH_PROTOCOL_VERSION } from '../mesh/protocols.ts'
import { mbitToBytesPerSecond, TokenBucket } from '../mesh/rate-limit.ts'
import { RecordExchange } from '../mesh/records.ts'
import { openNodeStore } from '../store/node-store.ts'
import type { NodeStore } from '../store/node-store.ts'
import { loadAnchor, RecordVerifier } from '../trust/index.ts'
import type { TrustedRoot } from '../trust/index.ts'
import type { Hello } from '../wire/mesh.ts'
import { checkTimeZone, createInstallLedger } from '../install/index.ts'
import type { Announcement, Revocation } from '../wire/records.ts'
import { decodeAnnouncement, decodeEnvelope, decodeRevocation } from '../wire/records.ts'
import type { Download } from './download.ts'
import { NodeEvents } from './events.ts'
import { Holders } from './holders.ts'
import { NodePatches } from './patches.ts'
import type { NodeRole, PatchNodeOptions, PatchStep } from './options.ts'
import type { ByteSource } from './events.ts'
import { InstallController } from './installs.ts'
import type { ReportedState } from './installs.ts'
import { NodeRecords } from './records.ts'
import type { DroppedRecord } from './records.ts'
import { StatusReporter } from './reporter.ts'
import { ChunkServing } from './serving.ts'

export type { NodeRole, PatchNodeOptions, PatchStep } from './options.ts'

export class PatchNode {
  readonly events: NodeEvents
  readonly directory = new PeerDirectory()
  readonly #opts: PatchNodeOptions
  readonly #log: Logger
  readonly #revoked = new Set<string>()
  #store!: NodeStore
  #host!: Host
  #verifier!: RecordVerifier
  #hello!: HelloService
  #records!: RecordExchange
  #sink!: NodeRecords
  #patches!: NodePatches
  #holders!: Holders
  #serving!: ChunkServing
  #installs: InstallController | undefined
  #reporter: StatusReporter | undefined
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

  /**
   * Starts the node. Throws InvalidTimeZoneError for an unknown `timeZone` and InvalidRateError
   * for a WAN limit that is NaN or negative, before anything is opened.
   */
  async start(): Promise<void> {
    const opts = this.#opts
    const wanDown = new TokenBucket(mbitToBytesPerSecond(opts.wanDownMbit))
    const wanUp = new TokenBucket(mbitToBytesPerSecond(opts.wanUpMbit))
    if (this.role === 'node') checkTimeZone(this.#timeZone())
    this.#store = await openNodeStore(opts.dataDir, { log: opts.log })
    try {
      this.#verifier = new RecordVerifier(await this.#loadRoot(), this.#store.sequences, {
        now: opts.now,
      })
      this.#host = await createHost({
        privateKey: await loadOrCreateIdentity(opts.dataDir),
        listen: opts.listen,
        bootstrap: this.#peersToKeep(),
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
      this.#hello = new HelloService(
        this.#host,
        this.directory,
        () => this.#helloMessage(),
        component(opts.log, 'mesh:hello'),
      )
      this.#patches = new NodePatches({
        store: this.#store,
        host: this.#host,
        site: this.site,
        directory: this.directory,
        hello: this.#hello,
        holders: this.#holders,
        wanDown,
        events: this.events,
        log: opts.log,
        scheduler: opts.scheduler,
        stallTimeoutMs: opts.stallTimeoutMs,
        diskRetryMs: opts.diskRetryMs,
        onVerified: async (patchId) => {
          this.#installs?.observed(patchId, 'downloaded')
          await this.#installs?.evaluate(patchId)
        },
      })
      this.#serving = new ChunkServing({
        site: this.site,
        directory: this.directory,
        files: this.#patches.files,
        revoked,
        wanUp,
        events: this.events,
        onCorrupt: (patchId, index) => void this.#repair(patchId, index),
        recheckMs: opts.servedRecheckMs,
      })
      const sink = (this.#sink = new NodeRecords(
        this.#verifier,
        this.#store,
        {
          announcement: (a) => this.#onAnnouncement(a),
          revocation: (r) => this.#onRevocation(r),
          decision: (patchId) => void this.#installs?.evaluate(patchId),
          dropped: (record) => this.#onDropped(record),
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
      // Only of patches whose announcement stands: not one revoked or dropped under a new root.
      await serveManifests(this.#host, async (patchId) =>
        this.#revoked.has(patchId) ||
        (await this.#store.getRecord('announcement', patchId)) === undefined
          ? undefined
          : this.#store.getManifest(patchId),
      )
      if (this.role === 'node') this.#installs = this.#installController()
      await this.#hello.start()
      await this.#records.start()
      await this.#host.start()
      this.#stopBootstrap = keepBootstrapped(this.#host, this.#peersToKeep())
      await this.#startReporter()
      // Records stored before a root update that was cut short (or by an older patchmesh) are
      // checked under the stored root before anything acts on them.
      await this.#sink.recheck()
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
    this.#patches?.stopDownloads()
    await this.#installs?.stop()
    await this.#reporter?.stop()
    this.#stopBootstrap?.()
    await this.#stopServing?.()
    await this.#hello?.stop().catch(() => undefined)
    await this.#records?.stop().catch(() => undefined)
    await this.#host?.stop()
    await this.#patches?.close()
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
    return this.#patches.download(patchId)
  }

  /** Patch ids this node holds completely, verified. */
  completePatches(): string[] {
    return this.#patches.complete()
  }

  /** Bytes received by source (own site, other sites, origin) and sent, over all patches. */
  counters(): { received: Record<ByteSource, number>; sent: Record<'site' | 'wan', number> } {
    return { received: this.#patches.received(), sent: { ...this.#serving.sent } }
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
    await this.#patches.seed(announcement, manifestBytes, read)
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
      holdings: this.#patches.holdings((patchId) => this.#revoked.has(patchId)),
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

    await this.#patches.reopen(a)
    if (this.#installs === undefined) return
    if (fresh) this.#installs.observed(a.patchId, 'announced')
    void this.#installs.evaluate(a.patchId)
  }

  #installController(): InstallController {
    const opts = this.#opts
    const installs = new InstallController({
      store: this.#store,
      ledger: createInstallLedger(this.#store),
      profile: {
        ring: opts.ring ?? '',
        groups: opts.groups ?? [],
        timeZone: this.#timeZone(),
      },
      action: opts.install ?? { kind: 'stage', directory: join(opts.dataDir, 'staged') },
      prefetch: opts.prefetch ?? false,
      verifiedPath: (patchId) => this.#patches.verifiedPath(patchId),
      fetch: (patchId) => this.#fetch(patchId),
      report: (patchId, state, reason) => this.#onStep(this.#step(patchId, state, reason)),
      events: this.events,
      log: opts.log,
      now: opts.now,
    })
    this.events.on('download_progress', ({ patchId }) => installs.observed(patchId, 'downloading'))
    // Still downloading as far as the policy goes, but held up: the coordinator shows why.
    this.events.on('disk_full', ({ patchId, path, code }) => {
      const what = code === 'EDQUOT' ? 'disk quota exceeded' : 'disk full'
      installs.observed(patchId, 'downloading', `${what}: ${path}`)
    })
    this.events.on('patch_failed', ({ patchId, reason }) =>
      installs.observed(patchId, 'failed', reason),
    )

    return installs
  }

  #timeZone(): string {
    return this.#opts.timeZone ?? Intl.DateTimeFormat().resolvedOptions().timeZone
  }

  /** Bootstrap peers, and the coordinator: the node keeps a way into the mesh and to it. */
  #peersToKeep(): string[] {
    const { bootstrap = [], coordinator } = this.#opts

    return coordinator === undefined ? bootstrap : [...bootstrap, coordinator]
  }

  async #startReporter(): Promise<void> {
    const { coordinator } = this.#opts
    if (this.role !== 'node') return
    if (coordinator === undefined) {
      this.#log.info('no coordinator configured: install steps are not reported')
      return
    }

    const address = multiaddr(coordinator)
    const id = address.getComponents().findLast((c) => c.name === 'p2p')?.value
    if (id === undefined) {
      throw new Error(`the coordinator address ${coordinator} has no /p2p/<peer id> part`)
    }
    const peer = peerIdFromString(id)
    await this.#host.peerStore.merge(peer, { multiaddrs: [address] })
    this.#reporter = new StatusReporter({
      host: this.#host,
      store: this.#store,
      site: this.site,
      ring: this.#opts.ring,
      groups: this.#opts.groups,
      coordinator: () => peer,
      log: this.#opts.log,
    })
    await this.#reporter.start()
  }

  #onStep(step: PatchStep): void {
    this.#opts.onStep?.(step)
    const reporter = this.#reporter
    if (reporter === undefined) return

    const fields = {
      state: step.state,
      reason: step.reason,
      chunksHeld: step.chunksHeld,
      chunkCount: step.chunkCount,
      bytesOwnSite: step.bytes.site,
      bytesOtherSites: step.bytes.wan,
      bytesOrigin: step.bytes.origin,
    }
    reporter.report(step.patchId, fields).catch((err: unknown) => {
      this.#log.error({ patch: step.patchId, state: step.state, err }, 'status report not queued')
    })
  }

  #step(patchId: string, state: ReportedState, reason: string): PatchStep {
    const { held, count, bytes } = this.#patches.progress(patchId)

    return { patchId, state, reason, chunksHeld: held, chunkCount: count, bytes }
  }

  /** Starts the download of an announced patch (the install policy asks for it). */
  /** With `again`, chunks were lost: a download under way starts over from what is held. */
  async #fetch(patchId: string, opts: { again?: boolean } = {}): Promise<void> {
    if (this.#revoked.has(patchId)) return
    const envelope = await this.#store.getRecord('announcement', patchId)
    if (envelope === undefined) return

    const announcement = decodeAnnouncement(decodeEnvelope(envelope).payload)
    const download = opts.again
      ? await this.#patches.refetch(announcement)
      : await this.#patches.fetch(announcement)
    // A repair of the node's copy does not change how far the patch got on this machine.
    if (download !== undefined && opts.again !== true)
      this.#installs?.observed(patchId, 'downloading')
  }

  /** A held chunk was found damaged on disk: the patch is fetched again, from peers as usual. */
  async #repair(patchId: string, index: number): Promise<void> {
    this.#log.error(
      { patch: patchId, chunk: index },
      'chunk on disk does not match its hash; no longer served, fetching it again',
    )
    this.#hello.refresh()
    await this.#fetch(patchId, { again: true }).catch((err: unknown) =>
      this.#log.error({ patch: patchId, err }, 'could not fetch the damaged chunk again'),
    )
  }

  /**
   * A stored record no longer verifies under a newer root (its key was rotated out). Without its
   * announcement a patch is no longer fetched, served nor installed, and its data is deleted as
   * for a revocation: only the dropped key vouched for those bytes, and the site's peers can
   * share them again should the publisher announce the patch anew. Without its revocation a
   * patch is live again, as on a node that never saw it. Approvals and halts are re-read by the
   * install policy.
   */
  async #onDropped({ kind, patchId, reason }: DroppedRecord): Promise<void> {
    if (kind === 'announcement') await this.#patches.remove(patchId)
    if (kind === 'revocation') {
      this.#revoked.delete(patchId)
      const envelope = await this.#store.getRecord('announcement', patchId)
      if (envelope !== undefined) {
        await this.#onAnnouncement(decodeAnnouncement(decodeEnvelope(envelope).payload), false)
      }
    }
    this.events.publish('record_dropped', { kind, patchId, reason: reason.message })
    void this.#installs?.evaluate(patchId)
    await this.#opts.observe?.dropped?.(kind, patchId, reason.message)
  }

  async #onRevocation(r: Revocation): Promise<void> {
    this.#revoked.add(r.patchId)
    await this.#patches.remove(r.patchId)
    this.events.publish('patch_revoked', { patchId: r.patchId, reason: r.reason })
    this.#log.warn(
      { patch: r.patchId, reason: r.reason },
      'patch revoked: stopped fetching, serving and removed its data',
    )
    void this.#installs?.evaluate(r.patchId)
    await this.#opts.observe?.revocation?.(r)
  }
}
