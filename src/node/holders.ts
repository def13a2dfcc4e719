/**
 * Finding a patch's holders and its manifest: provider records in the DHT (a CID over the
 * manifest's SHA-256), peers met directly through hello, and the manifest fetched from them,
 * own site first and the origin last, checked against the announcement's hash before it is kept.
 */
import { peerIdFromString } from '@libp2p/peer-id'
import { CID } from 'multiformats/cid'
import { create as createDigest } from 'multiformats/hashes/digest'
import type { Logger } from '../log.ts'
import type { Host } from '../mesh/host.ts'
import { requestManifest } from '../mesh/manifest-protocol.ts'
import type { PeerDirectory } from '../mesh/peers.ts'
import type { NodeStore } from '../store/node-store.ts'
import { checkManifest } from '../trust/index.ts'
import type { Announcement, Manifest } from '../wire/records.ts'
import type { NodeEvents } from './events.ts'

const RAW_CODEC = 0x55
const SHA256_CODE = 0x12
/** How long a node keeps asking for a manifest before it gives up until its next start. */
const MANIFEST_GIVE_UP_MS = 10 * 60_000
/** Providers dialled per DHT lookup. */
const MAX_PROVIDERS_DIALLED = 20

export interface HolderContext {
  host: Host
  site: string
  directory: PeerDirectory
  store: NodeStore
  events: NodeEvents
  log: Logger
  /** True once the patch was revoked: the search stops. */
  revoked(patchId: string): boolean
}

export class Holders {
  readonly #ctx: HolderContext

  constructor(ctx: HolderContext) {
    this.#ctx = ctx
  }

  /** The manifest from the store, or from peers that hold the patch (checked against the hash). */
  async manifestFor(a: Announcement): Promise<Manifest | undefined> {
    const { store, host, events, log } = this.#ctx
    const stored = await store.getManifest(a.patchId)
    if (stored !== undefined) return checkManifest(a, stored)

    const deadline = Date.now() + MANIFEST_GIVE_UP_MS
    for (let attempt = 0; Date.now() < deadline; attempt++) {
      for (const peer of this.#manifestHolders(a.patchId)) {
        try {
          const bytes = await requestManifest(host, peerIdFromString(peer), a.patchId)
          const manifest = checkManifest(a, bytes)
          await store.putManifest(a.patchId, bytes)
          events.publish('manifest_received', { patchId: a.patchId, peer })
          return manifest
        } catch (err) {
          log.debug({ patch: a.patchId, peer, err }, 'manifest not obtained from peer')
        }
      }
      if (this.#ctx.revoked(a.patchId) || host.status !== 'started') return undefined
      if (attempt % 4 === 1) await this.discover(a)
      await new Promise((resolve) => setTimeout(resolve, Math.min(5000, 250 * 2 ** attempt)))
    }
    log.error({ patch: a.patchId }, 'no peer provided the manifest; giving up until restart')

    return undefined
  }

  /** Tells the DHT this node holds (or is fetching) the patch, so others can find it. */
  async provide(a: Announcement): Promise<void> {
    try {
      await this.#ctx.host.contentRouting.provide(patchCid(a), {
        signal: AbortSignal.timeout(60_000),
      })
    } catch (err) {
      this.#ctx.log.debug(
        { patch: a.patchId, err },
        'provider record not published (no DHT peers yet?)',
      )
    }
  }

  /** Connects to holders the DHT knows of, so their hellos list what they hold. */
  async discover(a: Announcement): Promise<void> {
    const { host, directory } = this.#ctx
    try {
      const signal = AbortSignal.timeout(30_000)
      let found = 0
      for await (const provider of host.contentRouting.findProviders(patchCid(a), { signal })) {
        if (provider.id.equals(host.peerId) || directory.get(provider.id.toString())) continue
        await host.dial(provider.id, { signal }).catch(() => undefined)
        if (++found >= MAX_PROVIDERS_DIALLED) break
      }
    } catch (err) {
      this.#ctx.log.debug({ patch: a.patchId, err }, 'no providers found in the DHT')
    }
  }

  #manifestHolders(patchId: string): string[] {
    const { directory, site } = this.#ctx
    const holders = directory.all().filter((p) => p.holdings.has(patchId))
    // Own site first, the origin last: the manifest is small but the WAN is thin.
    holders.sort(
      (x, y) =>
        Number(x.site !== site) - Number(y.site !== site) ||
        Number(x.role === 'authority') - Number(y.role === 'authority'),
    )

    return holders.map((p) => p.id)
  }
}

/** A patch's key in the DHT: a CID over its manifest's SHA-256. */
export function patchCid(a: Announcement): CID {
  return CID.createV1(RAW_CODEC, createDigest(SHA256_CODE, a.manifestSha256))
}
