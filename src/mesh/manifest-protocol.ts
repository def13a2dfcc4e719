/**
 * Manifests travel apart from announcements (they can be megabytes): a node asks a peer that
 * holds the patch for it by id, and checks the answer against the announced hash.
 */
import type { PeerId, Stream } from '@libp2p/interface'
import { lpStream } from '@libp2p/utils'
import { MAX_MANIFEST_BYTES } from '../wire/limits.ts'
import { MeshRequestError } from './errors.ts'
import type { Host } from './host.ts'
import { MANIFEST_PROTOCOL } from './protocols.ts'

export type ManifestSource = (patchId: string) => Promise<Uint8Array | undefined>

export async function serveManifests(host: Host, source: ManifestSource): Promise<void> {
  await host.handle(
    MANIFEST_PROTOCOL,
    async (stream: Stream) => {
      try {
        const signal = AbortSignal.timeout(30_000)
        const lp = lpStream(stream, { maxDataLength: 64 })
        const patchId = new TextDecoder().decode((await lp.read({ signal })).subarray())
        const manifest = /^[0-9a-f]{32}$/.test(patchId) ? await source(patchId) : undefined
        const out = lpStream(lp.unwrap(), { maxDataLength: MAX_MANIFEST_BYTES })
        await out.write(manifest ?? new Uint8Array(0), { signal })
        await stream.close({ signal })
      } catch (err) {
        stream.abort(err instanceof Error ? err : new Error(String(err)))
      }
    },
    { maxInboundStreams: 8 },
  )
}

/** The manifest bytes `peer` holds for `patchId`; the caller checks them against the hash. */
export async function requestManifest(
  host: Host,
  peer: PeerId,
  patchId: string,
): Promise<Uint8Array> {
  const signal = AbortSignal.timeout(60_000)
  let stream: Stream | undefined
  try {
    stream = await host.dialProtocol(peer, MANIFEST_PROTOCOL, { signal })
    // The read buffer must hold a whole frame; its default (4 MiB) is below the largest manifest.
    const lp = lpStream(stream, {
      maxDataLength: MAX_MANIFEST_BYTES,
      maxBufferSize: MAX_MANIFEST_BYTES + 16,
    })
    await lp.write(new TextEncoder().encode(patchId), { signal })
    const bytes = (await lp.read({ signal })).subarray()
    await stream.close({ signal }).catch(() => undefined)
    if (bytes.byteLength === 0)
      throw new MeshRequestError(peer.toString(), `no manifest for ${patchId}`)

    return bytes
  } catch (err) {
    stream?.abort(err instanceof Error ? err : new Error(String(err)))
    if (err instanceof MeshRequestError) throw err
    throw new MeshRequestError(peer.toString(), `manifest ${patchId} not received`, { cause: err })
  }
}
