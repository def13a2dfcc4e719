/**
 * The chunk exchange: one request and one response per yamux stream, each a length-prefixed
 * protobuf frame with a bounded size. The server serves only chunks its source says are held
 * (verified and written), caps how many it serves at once, and waits for upload budget before
 * sending to a peer of another site. The client bounds every request in time: a deadline that
 * grows with the chunk's size at a floor rate, and a stall time-out for a peer that stops.
 *
 * Chunk bytes are never copied here: the server sends the response header and the chunk it read
 * as two parts of one frame, and the client hands on the chunk as the pieces the stream delivered
 * it in. At a few hundred MB/s, a copy of every chunk on each side cost more CPU (mostly in the
 * garbage collector, which the extra megabytes of buffers set off) than the whole protocol did.
 */
import type { Connection, PeerId, Stream } from '@libp2p/interface'
import { lpStream } from '@libp2p/utils'
import { Uint8ArrayList } from 'uint8arraylist'
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
        await lp.write(okFrame(patchId, index, chunk), {
          signal: AbortSignal.timeout(Math.ceil(sendMs)),
        })
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

/** Fetches one chunk from `peer`, as one array. The caller verifies it. */
export async function requestChunk(
  host: Host,
  peer: PeerId,
  patchId: string,
  index: number,
  opts: ChunkRequestOptions,
): Promise<Uint8Array> {
  return (await requestChunkPieces(host, peer, patchId, index, opts)).subarray()
}

/**
 * Fetches one chunk from `peer` as the pieces it arrived in, without joining them. The caller
 * verifies it; this only checks the framing.
 */
export async function requestChunkPieces(
  host: Host,
  peer: PeerId,
  patchId: string,
  index: number,
  opts: ChunkRequestOptions,
): Promise<Uint8ArrayList> {
  const deadline = Math.ceil(
    (opts.baseTimeoutMs ?? 10_000) + (opts.length / (opts.minBytesPerSecond ?? 64 * 1024)) * 1000,
  )
  const stallMs = opts.stallTimeoutMs ?? 10_000
  const fail = (reason: ChunkFailure, detail: string, cause?: unknown): ChunkRequestError =>
    new ChunkRequestError(peer.toString(), patchId, index, reason, detail, { cause })
  const limits = new RequestLimits(deadline, stallMs, opts.signal)
  const { signal } = limits

  let stream: Stream | undefined
  try {
    stream = await host.dialProtocol(peer, CHUNK_PROTOCOL, { signal })
    limits.watch(stream)
    // The read buffer must hold a whole frame: its default (4 MiB) is below the largest chunk.
    const lp = lpStream(stream, {
      maxDataLength: MAX_CHUNK_FRAME_BYTES,
      maxBufferSize: MAX_CHUNK_FRAME_BYTES + 16,
    })
    await lp.write(ChunkRequest.encode({ patchId, index }), { signal })
    const { response, data } = decodeFrame(await lp.read({ signal }))

    if (response.patchId !== patchId || response.index !== index) {
      throw fail('protocol', `answered with chunk ${response.index} of ${response.patchId}`)
    }
    switch (response.status) {
      case ChunkStatus.OK:
        await stream.close({ signal }).catch(() => undefined)
        return data
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
    if (limits.timedOut) throw fail('timeout', `no complete answer within ${deadline} ms`, err)
    if (opts.signal?.aborted === true) throw fail('refused', 'cancelled', err)

    const name = err instanceof Error ? err.name : ''
    if (name === 'WireDecodeError' || name.startsWith('InvalidDataLength')) {
      throw fail('protocol', (err as Error).message, err)
    }
    if (limits.stalled) throw fail('stalled', (err as Error).message, err)
    if (resetByPeer) throw fail('refused', `peer closed the stream: ${(err as Error).message}`, err)
    throw fail('refused', err instanceof Error ? err.message : String(err), err)
  } finally {
    limits.clear()
  }
}

/**
 * The deadline, the stall time-out and the caller's signal of one request, as one signal. Plain
 * timers rather than AbortSignal.timeout and AbortSignal.any: those live on until they fire,
 * tens of seconds after a request that took milliseconds. Yamux streams keep
 * `inactivityTimeout` as a bare property that nothing enforces, so the stall time-out is ours:
 * one timer that looks at when the stream last delivered a message.
 */
class RequestLimits {
  readonly #controller = new AbortController()
  readonly #stallMs: number
  readonly #caller: AbortSignal | undefined
  readonly #deadline: NodeJS.Timeout
  #stallTimer: NodeJS.Timeout | undefined
  #lastMessageAt = 0
  #stream: Stream | undefined
  timedOut = false
  stalled = false

  constructor(deadlineMs: number, stallMs: number, caller: AbortSignal | undefined) {
    this.#stallMs = stallMs
    this.#caller = caller
    this.#deadline = setTimeout(() => {
      this.timedOut = true
      this.#controller.abort(new Error(`no complete answer within ${deadlineMs} ms`))
    }, deadlineMs)
    if (caller?.aborted === true) this.#cancel()
    else caller?.addEventListener('abort', this.#cancel, { once: true })
  }

  get signal(): AbortSignal {
    return this.#controller.signal
  }

  /** Starts the stall time-out, which every message on `stream` puts off again. */
  watch(stream: Stream): void {
    this.#stream = stream
    this.#lastMessageAt = performance.now()
    stream.addEventListener('message', this.#onMessage)
    this.#stallTimer = setTimeout(this.#checkStall, this.#stallMs)
  }

  clear(): void {
    clearTimeout(this.#deadline)
    clearTimeout(this.#stallTimer)
    this.#caller?.removeEventListener('abort', this.#cancel)
    this.#stream?.removeEventListener('message', this.#onMessage)
  }

  readonly #onMessage = (): void => {
    this.#lastMessageAt = performance.now()
  }

  readonly #checkStall = (): void => {
    const quiet = performance.now() - this.#lastMessageAt
    if (quiet < this.#stallMs) {
      this.#stallTimer = setTimeout(this.#checkStall, this.#stallMs - quiet)
      return
    }

    this.stalled = true
    this.#controller.abort(new Error(`no bytes for ${this.#stallMs} ms`))
  }

  readonly #cancel = (): void => {
    this.#controller.abort(this.#caller?.reason)
  }
}

/** Protobuf key of ChunkResponse field 4 (data), length-delimited: (4 << 3) | 2. */
const DATA_KEY = 0x22
/** Where a well-formed response has its data field: after status, a patch id and an index. */
const HEADER_SCAN_BYTES = 128

/** An OK response frame: the encoded header and then the data field, `chunk` itself uncopied. */
function okFrame(patchId: string, index: number, chunk: Uint8Array): Uint8ArrayList {
  const header = ChunkResponse.encode({ status: ChunkStatus.OK, patchId, index })
  if (chunk.byteLength === 0) return new Uint8ArrayList(header)

  // What ChunkResponse.encode would write for the whole message: fields in number order.
  return new Uint8ArrayList(header, Uint8Array.from([DATA_KEY, ...varint(chunk.byteLength)]), chunk)
}

/**
 * Decodes a response frame without joining the pieces of its data field. The fields before the
 * data are decoded (and checked) as usual, the data is cut out of the frame as it lies. A frame
 * of any other shape (no data near the start, anything after it) is joined and decoded whole,
 * with exactly the decoder's semantics.
 */
function decodeFrame(frame: Uint8ArrayList): { response: ChunkResponse; data: Uint8ArrayList } {
  const data = findData(frame)
  if (data === undefined || data.end !== frame.byteLength) {
    const response = decodeChunkResponse(frame.subarray())
    return { response, data: new Uint8ArrayList(response.data) }
  }

  const response = decodeChunkResponse(frame.subarray(0, data.key))

  return { response, data: frame.sublist(data.start, data.end) }
}

/**
 * Where the first data field of an encoded ChunkResponse starts (its key) and where its bytes
 * lie, if it starts within the first {@link HEADER_SCAN_BYTES}; undefined for anything odd.
 */
function findData(frame: Uint8ArrayList): { key: number; start: number; end: number } | undefined {
  const head = frame.subarray(0, Math.min(frame.byteLength, HEADER_SCAN_BYTES))
  let at = 0
  while (at < head.byteLength) {
    const key = at
    const tag = readVarint(head, at)
    if (tag === undefined) return undefined
    at = tag.next

    const wireType = tag.value & 7
    if (wireType === 0) {
      const value = readVarint(head, at)
      if (value === undefined) return undefined
      at = value.next
    } else if (wireType === 2) {
      const length = readVarint(head, at)
      if (length === undefined) return undefined
      if (tag.value === DATA_KEY) {
        const end = length.next + length.value
        return end <= frame.byteLength ? { key, start: length.next, end } : undefined
      }
      at = length.next + length.value
    } else {
      return undefined
    }
  }

  return undefined
}

/** A varint of at most 4 bytes (values below 2^28, more than any frame) at `at`. */
function readVarint(bytes: Uint8Array, at: number): { value: number; next: number } | undefined {
  let value = 0
  for (let i = 0; i < 4 && at + i < bytes.byteLength; i++) {
    const byte = bytes[at + i]
    value += (byte & 0x7f) * 2 ** (7 * i)
    if (byte < 0x80) return { value, next: at + i + 1 }
  }

  return undefined
}

function varint(value: number): number[] {
  const out: number[] = []
  for (; value >= 0x80; value = Math.floor(value / 0x80)) out.push((value & 0x7f) | 0x80)
  out.push(value)

  return out
}
