/**
 * Signed records on the mesh: gossip for news, and a catch-up exchange for what a node missed
 * while it was away (gossip is not durable). Every record, however it arrives, goes through the
 * node's verifier; the gossip validator rejects what fails, so gossipsub neither delivers nor
 * forwards it and lowers the sender's score.
 *
 * A node catches up from each peer that serves records when it meets it, and again every few
 * minutes from one of them picked at random: gossip that reached no peer (published while the
 * mesh was forming, or lost with a connection) is then still learned within that time, without
 * gossiping records again (a repeated record would count against its sender as a replay).
 */
import { TopicValidatorResult } from '@libp2p/gossipsub'
import type { IdentifyResult, PeerId, Stream } from '@libp2p/interface'
import { lpStream } from '@libp2p/utils'
import type { Logger } from '../log.ts'
import { MAX_ENVELOPE_BYTES } from '../wire/limits.ts'
import type { Host } from './host.ts'
import { ANNOUNCE_TOPIC, APPROVE_TOPIC, RECORDS_PROTOCOL } from './protocols.ts'
import { decodeEnvelope } from '../wire/records.ts'

/** What became of a record: applied (new), dropped quietly (stale, duplicate), or refused. */
export type RecordVerdict = 'accept' | 'ignore' | 'reject'

export interface RecordSink {
  /** Verifies and applies one signed record (envelope bytes) received from `from`. */
  receive(bytes: Uint8Array, from: string, via: 'gossip' | 'catch-up'): Promise<RecordVerdict>
  /** Every record a peer catching up should get (roots first, then the rest). */
  current(): Promise<Uint8Array[]>
}

/** Most records accepted in one catch-up. */
const MAX_CATCH_UP_RECORDS = 10_000

export interface RecordExchangeOptions {
  /**
   * How often to catch up again from a connected peer that serves records, ms, give or take a
   * fifth (so a fleet started together does not ask together). Default 5 minutes; Infinity never.
   */
  catchUpEveryMs?: number
}

const TOPIC_BY_TYPE: Record<string, string> = {
  'patchmesh.root.v1': ANNOUNCE_TOPIC,
  'patchmesh.announcement.v1': ANNOUNCE_TOPIC,
  'patchmesh.revocation.v1': ANNOUNCE_TOPIC,
  'patchmesh.approval.v1': APPROVE_TOPIC,
  'patchmesh.halt.v1': APPROVE_TOPIC,
}

const RESULT: Record<RecordVerdict, TopicValidatorResult> = {
  accept: TopicValidatorResult.Accept,
  ignore: TopicValidatorResult.Ignore,
  reject: TopicValidatorResult.Reject,
}

export class RecordExchange {
  readonly #host: Host
  readonly #sink: RecordSink
  readonly #log: Logger
  readonly #everyMs: number
  /** Connected peers that serve records, by id. */
  readonly #servers = new Map<string, PeerId>()
  #timer: NodeJS.Timeout | undefined

  constructor(host: Host, sink: RecordSink, log: Logger, opts: RecordExchangeOptions = {}) {
    this.#host = host
    this.#sink = sink
    this.#log = log
    this.#everyMs = opts.catchUpEveryMs ?? 5 * 60_000
  }

  async start(): Promise<void> {
    const { pubsub } = this.#host.services
    for (const topic of [ANNOUNCE_TOPIC, APPROVE_TOPIC]) {
      pubsub.topicValidators.set(
        topic,
        async (peer, msg) => RESULT[await this.#sink.receive(msg.data, peer.toString(), 'gossip')],
      )
      pubsub.subscribe(topic)
    }

    await this.#host.handle(RECORDS_PROTOCOL, (stream) => this.#serve(stream), {
      maxInboundStreams: 8,
    })
    this.#host.addEventListener('peer:identify', this.#onIdentify)
    this.#host.addEventListener('peer:disconnect', this.#onDisconnect)
    this.#schedule()
  }

  async stop(): Promise<void> {
    clearTimeout(this.#timer)
    this.#timer = undefined
    this.#host.removeEventListener('peer:identify', this.#onIdentify)
    this.#host.removeEventListener('peer:disconnect', this.#onDisconnect)
    const { pubsub } = this.#host.services
    for (const topic of [ANNOUNCE_TOPIC, APPROVE_TOPIC]) {
      pubsub.unsubscribe(topic)
      pubsub.topicValidators.delete(topic)
    }
    await this.#host.unhandle(RECORDS_PROTOCOL)
  }

  readonly #onIdentify = (evt: CustomEvent<IdentifyResult>): void => {
    const { peerId, protocols } = evt.detail
    if (!protocols.includes(RECORDS_PROTOCOL)) return

    this.#servers.set(peerId.toString(), peerId)
    void this.catchUp(peerId)
  }

  readonly #onDisconnect = (evt: CustomEvent<PeerId>): void => {
    this.#servers.delete(evt.detail.toString())
  }

  #schedule(): void {
    if (!Number.isFinite(this.#everyMs)) return

    const delay = this.#everyMs * (0.8 + 0.4 * Math.random())
    this.#timer = setTimeout(() => void this.#catchUpFromAny(), delay)
    this.#timer.unref()
  }

  /** The periodic catch-up: from one connected server picked at random, then the next round. */
  async #catchUpFromAny(): Promise<void> {
    const servers = [...this.#servers.values()]
    const peer = servers[Math.floor(Math.random() * servers.length)]
    if (peer !== undefined) {
      const count = await this.catchUp(peer)
      this.#log.debug({ peer: peer.toString(), records: count }, 'periodic catch-up done')
    }
    if (this.#timer !== undefined) this.#schedule()
  }

  /** Gossips a record this node made or accepted, on the topic for its type. */
  async publish(bytes: Uint8Array): Promise<void> {
    const topic = TOPIC_BY_TYPE[decodeEnvelope(bytes).payloadType]
    if (topic === undefined) throw new TypeError('not a record type patchmesh gossips')

    await this.#host.services.pubsub.publish(topic, bytes)
  }

  /** Asks `peer` for every current record and feeds them to the sink. */
  async catchUp(peer: PeerId): Promise<number> {
    const id = peer.toString()
    let count = 0
    try {
      const signal = AbortSignal.timeout(30_000)
      const stream = await this.#host.dialProtocol(peer, RECORDS_PROTOCOL, { signal })
      const lp = lpStream(stream, { maxDataLength: MAX_ENVELOPE_BYTES })
      while (count < MAX_CATCH_UP_RECORDS) {
        const frame = await lp.read({ signal }).catch((err: Error) => {
          if (stream.readStatus === 'closed' || err.name === 'UnexpectedEOFError') return undefined
          throw err
        })
        if (frame === undefined) break

        count++
        await this.#sink.receive(frame.subarray(), id, 'catch-up')
      }
      await stream.close().catch(() => undefined)
      this.#log.debug({ peer: id, records: count }, 'caught up from peer')
    } catch (err) {
      this.#log.debug({ peer: id, err }, 'catch-up from peer failed')
    }

    return count
  }

  async #serve(stream: Stream): Promise<void> {
    try {
      const lp = lpStream(stream, { maxDataLength: MAX_ENVELOPE_BYTES })
      const signal = AbortSignal.timeout(30_000)
      for (const record of await this.#sink.current()) await lp.write(record, { signal })
      await stream.close({ signal })
    } catch (err) {
      stream.abort(err instanceof Error ? err : new Error(String(err)))
    }
  }
}
