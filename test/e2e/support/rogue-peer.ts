/**
 * A rogue peer for adversarial tests: a bare libp2p host that speaks patchmesh's hello and chunk
 * protocols. It claims, in a Hello, to be a node at the victim's own site holding every chunk of
 * a patch, so the victim's scheduler prefers it, and then misbehaves on every chunk request in
 * one of a few ways (or, as `slow`, answers honestly but with staggered delays).
 */
import { randomBytes } from 'node:crypto'
import { open } from 'node:fs/promises'
import { generateKeyPair } from '@libp2p/crypto/keys'
import type { PeerId, Stream } from '@libp2p/interface'
import { lpStream } from '@libp2p/utils'
import { multiaddr } from '@multiformats/multiaddr'
import { createHost } from '../../../src/mesh/host.ts'
import type { Host } from '../../../src/mesh/host.ts'
import {
  CHUNK_PROTOCOL,
  HELLO_PROTOCOL,
  MESH_PROTOCOL_VERSION,
} from '../../../src/mesh/protocols.ts'
import { MAX_HELLO_BYTES, MAX_SMALL_FRAME_BYTES } from '../../../src/wire/limits.ts'
import { ChunkResponse, ChunkStatus, decodeChunkRequest, Hello } from '../../../src/wire/mesh.ts'

/**
 * What the rogue does with a chunk request:
 * - `corrupt`: the real chunk from the bundle with one bit flipped;
 * - `garbage`: the same random bytes (one chunk's worth) for every request;
 * - `stall`: a length prefix and part of the frame, then nothing until the victim gives up;
 * - `slow`: the real chunk, after 0, 150, 300 or 450 ms in turn, so answers to requests sent
 *   together arrive one by one.
 */
export type RogueBehaviour = 'corrupt' | 'garbage' | 'stall' | 'slow'

export interface RogueOptions {
  behaviour: RogueBehaviour
  /** The site it claims to be at (the victim's). */
  site: string
  patchId: string
  chunkSize: number
  chunkCount: number
  /** The bundle's data file, for `corrupt` and `slow`. */
  dataPath: string
}

export interface RoguePeer {
  host: Host
  peerId: PeerId
  /** Chunk indexes it was asked for, in order (with repeats). */
  requests: number[]
  /** Responses it sent (whole frames; a stalled one is not counted). */
  answered: number
  /** Stalled requests whose stream the victim then closed or reset. */
  abandoned: number
  /** Dials `address`, says hello, and resolves once the hello frame is written. */
  helloTo(address: string): Promise<void>
  stop(): Promise<void>
}

export async function startRoguePeer(opts: RogueOptions): Promise<RoguePeer> {
  const host = await createHost({
    privateKey: await generateKeyPair('Ed25519'),
    listen: ['/ip4/127.0.0.1/tcp/0'],
  })
  const data = await open(opts.dataPath, 'r')
  const garbage = randomBytes(opts.chunkSize)
  const streams = new Set<Stream>()
  const rogue: RoguePeer = {
    host,
    peerId: host.peerId,
    requests: [],
    answered: 0,
    abandoned: 0,
    helloTo: (address) => sayHello(host, address, opts, streams),
    stop: async () => {
      for (const stream of streams) stream.abort(new Error('rogue stopping'))
      await host.stop()
      await data.close()
    },
  }

  /** The bytes to answer request number `ordinal` (from 1) for chunk `index` with. */
  const chunkBytes = async (index: number, ordinal: number): Promise<Uint8Array<ArrayBuffer>> => {
    const { behaviour, chunkSize } = opts
    if (behaviour === 'garbage') return garbage

    const buffer = Buffer.alloc(chunkSize)
    const { bytesRead } = await data.read(buffer, 0, chunkSize, index * chunkSize)
    const chunk = buffer.subarray(0, bytesRead)
    if (behaviour === 'slow') {
      await new Promise((resolve) => setTimeout(resolve, 150 * (ordinal % 4)))
    } else {
      chunk[bytesRead >> 1] ^= 0x10
    }

    return chunk
  }

  await host.handle(
    CHUNK_PROTOCOL,
    async (stream) => {
      streams.add(stream)
      const lp = lpStream(stream, { maxDataLength: MAX_SMALL_FRAME_BYTES })
      try {
        const { patchId, index } = decodeChunkRequest((await lp.read()).subarray())
        const ordinal = rogue.requests.push(index)
        if (opts.behaviour === 'stall') {
          await stall(lp.unwrap(), patchId, index, opts.chunkSize)
          rogue.abandoned++
          return
        }

        const bytes = await chunkBytes(index, ordinal)
        await lp.write(
          ChunkResponse.encode({ status: ChunkStatus.OK, patchId, index, data: bytes }),
        )
        rogue.answered++
        await stream.close()
      } catch (err) {
        stream.abort(err instanceof Error ? err : new Error(String(err)))
      } finally {
        streams.delete(stream)
      }
    },
    { maxInboundStreams: 64 },
  )
  // A real node's hello stream to us: read and ignore it, so the victim sees nothing odd.
  await host.handle(
    HELLO_PROTOCOL,
    async (stream) => {
      streams.add(stream)
      const lp = lpStream(stream, { maxDataLength: MAX_HELLO_BYTES })
      try {
        while (stream.status === 'open') await lp.read()
      } catch {
        // The victim hung up: nothing to do.
      } finally {
        streams.delete(stream)
      }
    },
    { maxInboundStreams: 4 },
  )
  await host.start()

  return rogue
}

/** Opens a hello stream to `address` and claims every chunk of the patch, at `opts.site`. */
async function sayHello(
  host: Host,
  address: string,
  opts: RogueOptions,
  streams: Set<Stream>,
): Promise<void> {
  const stream = await host.dialProtocol(multiaddr(address), HELLO_PROTOCOL, {
    signal: AbortSignal.timeout(30_000),
  })
  streams.add(stream)
  const bitfield = new Uint8Array(Math.ceil(opts.chunkCount / 8))
  for (let i = 0; i < opts.chunkCount; i++) bitfield[i >> 3] |= 1 << (i & 7)
  const body = Hello.encode({
    protocolVersion: MESH_PROTOCOL_VERSION,
    site: opts.site,
    role: 'node',
    ring: '',
    groups: [],
    holdings: [{ patchId: opts.patchId, chunkCount: opts.chunkCount, bitfield }],
  })
  const frame = new Uint8Array(body.byteLength + 1)
  frame[0] = 0x01
  frame.set(body, 1)
  // Left open, as a real node's: closing it would not drop us from the victim's directory anyway.
  await lpStream(stream, { maxDataLength: MAX_HELLO_BYTES }).write(frame, {
    signal: AbortSignal.timeout(30_000),
  })
}

/**
 * Sends the length prefix of a full chunk response and its first bytes, then goes quiet until
 * the requester closes or resets the stream.
 */
async function stall(
  stream: Stream,
  patchId: string,
  index: number,
  chunkSize: number,
): Promise<void> {
  const body = ChunkResponse.encode({
    status: ChunkStatus.OK,
    patchId,
    index,
    data: new Uint8Array(chunkSize),
  })
  const prefix = varint(body.byteLength)
  const partial = new Uint8Array(prefix.byteLength + 1024)
  partial.set(prefix)
  partial.set(body.subarray(0, 1024), prefix.byteLength)
  stream.send(partial)

  await new Promise<void>((resolve) => {
    if (stream.status !== 'open') resolve()
    stream.addEventListener('close', () => resolve(), { once: true })
  })
}

function varint(value: number): Uint8Array {
  const out: number[] = []
  while (value > 0x7f) {
    out.push((value & 0x7f) | 0x80)
    value = Math.floor(value / 128)
  }
  out.push(value)

  return Uint8Array.from(out)
}
