/**
 * The chunk exchange: one request and one response per yamux stream, each a length-prefixed
 * protobuf frame with a bounded size. The server serves only chunks its source says are held
 * (verified and written), caps how many it serves at once, and waits for upload budget before
 * sending to a peer of another site. The client bounds every request in time: a deadline that
 * grows with the chunk's size at a floor rate, and a stall time-out for a peer that stops.
 */
import type { Connection, PeerId, Stream } from '@libp2p/interface'
import { lpStream } from '@libp2p/utils'
import type { Logger } from '../log.ts'
import { MAX_CHUNK_FRAME_BYTES, MAX_SMALL_FRAME_BYTES } from '../wire/limits.ts'
import {
  ChunkRequest,
  ChunkResponse,
  ChunkStatus,
  decodeChunkRequest,
  decodeChunkResponse,
} from '../wire/mesh.ts'
import type { ChunkFailure } from './errors.ts'
import { ChunkRequestError } from './errors.ts'
import type { Host } from './host.ts'
import { CHUNK_PROTOCOL } from './protocols.ts'

/** What the server asks of the node: the bytes of a held chunk, or why not. */
export interface ChunkSource {
  getChunk(patchId: string, index: number): Promise<Uint8Array | 'not-found' | 'revoked'>
  /** Waits for upload budget when `peer` is at another site; resolves at once otherwise. */
  uploadBudget(peer: PeerId, bytes: number, signal: AbortSignal): Promise<void>
  /** Called after a chunk was sent, for the byte counters. */
  served(peer: PeerId, patchId: string, index: number, bytes: number): void
}

export interface ChunkServerOptions {
  /** Requests served at once; more are answered BUSY. Default 16. */
  maxConcurrent?: number
  /** Longest wait for a request frame, or for upload budget, in ms. Default 30 s. */
  timeoutMs?: number
  /**
   * Slowest transfer of a response accepted, bytes per second: sending a chunk may take
   * `timeoutMs` plus its size at this rate before the stream is dropped. Default 64 KiB/s,
   * the floor the client's own deadline uses.
   */
  minBytesPerSecond?: number
}

/** Registers the chunk protocol handler; returns a function that unregisters it. */
export async function serveChunks(
  host: Host,
  source: ChunkSource,
  log: Logger,
  opts: ChunkServerOptions = {},
): Promise<() => Promise<void>> {
  const maxConcurrent = opts.maxConcurrent ?? 16
  const timeoutMs = opts.timeoutMs ?? 30_000
  let active = 0

  const handler = async (stream: Stream, connection: Connection): Promise<void> => {
    const peer = connection.remotePeer
    const signal = AbortSignal.timeout(timeoutMs)
    const lp = lpStream(stream, { maxDataLength: MAX_SMALL_FRAME_BYTES })
    let request: ChunkRequest | undefined

    try {
      request = decodeChunkRequest((await lp.read({ signal })).subarray())
      const { patchId, index } = request
      if (active >= maxConcurrent) {
        await lp.write(ChunkResponse.encode({ status: ChunkStatus.BUSY, patchId, index }), {
          signal,
        })
        return
      }

      active++
      try {
        const chunk = await source.getChunk(patchId, index)
        if (typeof chunk === 'string') {
          const status = chunk === 'revoked' ? ChunkStatus.REVOKED : ChunkStatus.NOT_FOUND
          await lp.write(ChunkResponse.encode({ status, patchId, index }), { signal })
          return
        }

        await source.uploadBudget(peer, chunk.byteLength, signal)
        const sendMs = timeoutMs + (chunk.byteLength / (opts.minBytesPerSecond ?? 64 * 1024)) * 1000
        await lp.write(
          ChunkResponse.encode({
            status: ChunkStatus.OK,
            patchId,
            index,
            data: chunk as Uint8Array<ArrayBuffer>,
          }),
          { signal: AbortSignal.timeout(Math.ceil(sendMs)) },
        )
        source.served(peer, patchId, index, chunk.byteLength)
      } finally {
        active--
      }
      await stream.close({ signal })
    } catch (err) {
      // A peer that hangs up, stalls or sends garbage costs us this stream, nothing more.
      log.debug(
        { peer: peer.toString(), patch: request?.patchId, chunk: request?.index, err },
        'chunk request not served',
      )
      stream.abort(err instanceof Error ? err : new Error(String(err)))
    }
  }

  await host.handle(CHUNK_PROTOCOL, handler, { maxInboundStreams: maxConcurrent * 4 })

  return () => host.unhandle(CHUNK_PROTOCOL)
}

export interface ChunkRequestOptions {
  /** Expected chunk length, for the deadline. */
  length: number
  /** Fixed part of the deadline, ms. Default 10 s. */
  baseTimeoutMs?: number
  /** Slowest acceptable transfer, bytes per second, for the deadline. Default 64 KiB/s. */
  minBytesPerSecond?: number
  /** No bytes at all for this long aborts the request, ms. Default 10 s. */
  stallTimeoutMs?: number
  signal?: AbortSignal
}

/** Fetches one chunk from `peer`. The caller verifies it; this only checks the framing. */
export async function requestChunk(
  host: Host,
  peer: PeerId,
  patchId: string,
  index: number,
  opts: ChunkRequestOptions,
): Promise<Uint8Array> {
  const deadline = Math.ceil(
    (opts.baseTimeoutMs ?? 10_000) + (opts.length / (opts.minBytesPerSecond ?? 64 * 1024)) * 1000,
  )
  const timeout = AbortSignal.timeout(deadline)
  // Yamux streams keep `inactivityTimeout` as a bare property that nothing enforces, so the
  // stall time-out is a timer of our own, re-armed by every message the stream delivers.
  const stallMs = opts.stallTimeoutMs ?? 10_000
  const stall = new AbortController()
  let stallTimer: NodeJS.Timeout | undefined
  const rearm = (): void => {
    clearTimeout(stallTimer)
    stallTimer = setTimeout(() => stall.abort(new Error(`no bytes for ${stallMs} ms`)), stallMs)
  }
  const signals = [timeout, stall.signal, ...(opts.signal === undefined ? [] : [opts.signal])]
  const signal = AbortSignal.any(signals)
  const fail = (reason: ChunkFailure, detail: string, cause?: unknown): ChunkRequestError =>
    new ChunkRequestError(peer.toString(), patchId, index, reason, detail, { cause })

  let stream: Stream | undefined
  try {
    stream = await host.dialProtocol(peer, CHUNK_PROTOCOL, { signal })
    rearm()
    stream.addEventListener('message', rearm)
    // The read buffer must hold a whole frame: its default (4 MiB) is below the largest chunk.
    const lp = lpStream(stream, {
      maxDataLength: MAX_CHUNK_FRAME_BYTES,
      maxBufferSize: MAX_CHUNK_FRAME_BYTES + 16,
    })
    await lp.write(ChunkRequest.encode({ patchId, index }), { signal })
    const frame = await lp.read({ signal })
    const response = decodeChunkResponse(frame.subarray())

    if (response.patchId !== patchId || response.index !== index) {
      throw fail('protocol', `answered with chunk ${response.index} of ${response.patchId}`)
    }
    switch (response.status) {
      case ChunkStatus.OK:
        await stream.close({ signal }).catch(() => undefined)
        return response.data
      case ChunkStatus.BUSY:
        throw fail('busy', 'peer is serving its maximum')
      case ChunkStatus.NOT_FOUND:
        throw fail('not-found', 'peer does not hold it')
      default:
        throw fail('refused', `status ${response.status}`)
    }
  } catch (err) {
    // Read the stream's state before aborting it: a peer that closed or reset without
    // answering refused, one that went quiet stalled.
    const resetByPeer = stream?.status === 'reset' || stream?.remoteWriteStatus === 'closed'
    stream?.abort(err instanceof Error ? err : new Error(String(err)))
    if (err instanceof ChunkRequestError) throw err
    if (timeout.aborted) throw fail('timeout', `no complete answer within ${deadline} ms`, err)
    if (opts.signal?.aborted === true) throw fail('refused', 'cancelled', err)

    const name = err instanceof Error ? err.name : ''
    if (name === 'WireDecodeError' || name.startsWith('InvalidDataLength')) {
      throw fail('protocol', (err as Error).message, err)
    }
    if (stall.signal.aborted) throw fail('stalled', (err as Error).message, err)
    if (resetByPeer) throw fail('refused', `peer closed the stream: ${(err as Error).message}`, err)
    throw fail('refused', err instanceof Error ? err.message : String(err), err)
  } finally {
    clearTimeout(stallTimer)
  }
}
