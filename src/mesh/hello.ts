/**
 * The hello exchange. After identify, each side opens one long-lived stream to the other and
 * sends a Hello (site, role, ring, groups, holdings), then Have frames as it verifies chunks,
 * batched per peer. Inbound streams feed the PeerDirectory. A peer whose frames do not decode
 * loses the stream; the peer stays unknown, so no chunk is asked of it.
 */
import type { IdentifyResult, PeerId, Stream } from '@libp2p/interface'
import { lpStream } from '@libp2p/utils'
import type { LengthPrefixedStream } from '@libp2p/utils'
import type { Logger } from '../log.ts'
import { MAX_HELLO_BYTES } from '../wire/limits.ts'
import { decodeHave, decodeHello, Have, Hello } from '../wire/mesh.ts'
import type { Host } from './host.ts'
import type { PeerDirectory } from './peers.ts'
import { HELLO_PROTOCOL } from './protocols.ts'

/** Frame type tags: a Hello frame starts with 0x01, a Have frame with 0x02. */
const HELLO = 1
const HAVE = 2

interface Outbound {
  lp: LengthPrefixedStream<Stream>
  stream: Stream
  pending: Map<string, { chunkCount: number; indexes: number[] }>
}

export interface HelloOptions {
  /** How long Have updates are batched before they are sent, ms. Default 100. */
  haveBatchMs?: number
}

export class HelloService {
  readonly #host: Host
  readonly #directory: PeerDirectory
  readonly #local: () => Hello
  readonly #log: Logger
  readonly #batchMs: number
  readonly #outbound = new Map<string, Outbound>()
  #timer: NodeJS.Timeout | undefined

  /** `local` builds this node's current Hello whenever one is sent. */
  constructor(
    host: Host,
    directory: PeerDirectory,
    local: () => Hello,
    log: Logger,
    opts: HelloOptions = {},
  ) {
    this.#host = host
    this.#directory = directory
    this.#local = local
    this.#log = log
    this.#batchMs = opts.haveBatchMs ?? 100
  }

  async start(): Promise<void> {
    await this.#host.handle(
      HELLO_PROTOCOL,
      (stream, connection) => this.#receive(stream, connection.remotePeer),
      {
        maxInboundStreams: 2,
      },
    )
    this.#host.addEventListener('peer:identify', this.#onIdentify)
    this.#host.addEventListener('peer:disconnect', this.#onDisconnect)
    this.#timer = setInterval(() => this.#flush(), this.#batchMs)
  }

  async stop(): Promise<void> {
    this.#host.removeEventListener('peer:identify', this.#onIdentify)
    this.#host.removeEventListener('peer:disconnect', this.#onDisconnect)
    clearInterval(this.#timer)
    for (const out of this.#outbound.values()) out.stream.abort(new Error('node stopping'))
    this.#outbound.clear()
    await this.#host.unhandle(HELLO_PROTOCOL)
  }

  readonly #onIdentify = (evt: CustomEvent<IdentifyResult>): void => {
    if (evt.detail.protocols.includes(HELLO_PROTOCOL)) void this.#open(evt.detail.peerId)
  }

  readonly #onDisconnect = (evt: CustomEvent<PeerId>): void => {
    const id = evt.detail.toString()
    this.#outbound.delete(id)
    this.#directory.remove(id)
  }

  /** Tells every peer, in the next batch, that this node now holds chunk `index`. */
  have(patchId: string, chunkCount: number, index: number): void {
    for (const out of this.#outbound.values()) {
      let entry = out.pending.get(patchId)
      if (entry === undefined) {
        entry = { chunkCount, indexes: [] }
        out.pending.set(patchId, entry)
      }
      entry.indexes.push(index)
    }
  }

  /** Sends a fresh Hello to every peer (after holdings changed other than by a chunk). */
  refresh(): void {
    for (const [id, out] of this.#outbound)
      void this.#send(id, out, HELLO, Hello.encode(this.#local()))
  }

  async #open(peer: PeerId): Promise<void> {
    const id = peer.toString()
    if (this.#outbound.has(id)) return

    try {
      const stream = await this.#host.dialProtocol(peer, HELLO_PROTOCOL, {
        signal: AbortSignal.timeout(10_000),
      })
      const out: Outbound = {
        stream,
        lp: lpStream(stream, { maxDataLength: MAX_HELLO_BYTES }),
        pending: new Map(),
      }
      this.#outbound.set(id, out)
      stream.addEventListener('close', () => {
        if (this.#outbound.get(id) === out) this.#outbound.delete(id)
      })
      await this.#send(id, out, HELLO, Hello.encode(this.#local()))
    } catch (err) {
      this.#log.debug({ peer: id, err }, 'hello not sent')
    }
  }

  async #send(id: string, out: Outbound, tag: number, body: Uint8Array): Promise<void> {
    const frame = new Uint8Array(body.byteLength + 1)
    frame[0] = tag
    frame.set(body, 1)
    try {
      await out.lp.write(frame, { signal: AbortSignal.timeout(30_000) })
    } catch (err) {
      this.#log.debug({ peer: id, err }, 'hello stream failed')
      out.stream.abort(err instanceof Error ? err : new Error(String(err)))
      this.#outbound.delete(id)
    }
  }

  #flush(): void {
    for (const [id, out] of this.#outbound) {
      for (const [patchId, { chunkCount, indexes }] of out.pending) {
        // A Have frame carries at most 4096 indexes (its decode limit).
        for (let at = 0; at < indexes.length; at += 4096) {
          const body = Have.encode({ patchId, chunkCount, indexes: indexes.slice(at, at + 4096) })
          void this.#send(id, out, HAVE, body)
        }
      }
      out.pending.clear()
    }
  }

  async #receive(stream: Stream, peer: PeerId): Promise<void> {
    const id = peer.toString()
    const lp = lpStream(stream, { maxDataLength: MAX_HELLO_BYTES })
    try {
      for (;;) {
        const frame = (await lp.read()).subarray()
        const body = frame.subarray(1)
        if (frame[0] === HELLO) {
          const state = this.#directory.hello(id, decodeHello(body))
          this.#log.debug({ peer: id, site: state.site, role: state.role }, 'hello')
        } else if (frame[0] === HAVE) {
          this.#directory.have(id, decodeHave(body))
        } else {
          throw new Error(`unknown hello frame type ${frame[0]}`)
        }
      }
    } catch (err) {
      if (stream.status === 'open') {
        this.#log.info({ peer: id, err }, 'hello stream from peer broken; dropping it')
        stream.abort(err instanceof Error ? err : new Error(String(err)))
      }
    }
  }
}
