/**
 * A peer that stops reading in the middle of a chunk and hangs up must cost the server that
 * stream and nothing more. libp2p 3.3 with yamux 8 and noise 17 could end the whole process
 * here: a write resumed on 'drain' after the connection had closed threw outside any caller's
 * reach (@libp2p/utils up to 7.2.0, fixed in 7.2.1; with 7.2.0 put back, the server crashed in
 * each of six runs of this file). The server runs in a process of its own so that such a crash
 * is seen as what it is.
 */
import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import type { ChildProcess } from 'node:child_process'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import type { Connection, PeerId, Stream } from '@libp2p/interface'
import { peerIdFromString } from '@libp2p/peer-id'
import { multiaddr } from '@multiformats/multiaddr'
import type { Multiaddr } from '@multiformats/multiaddr'
import { requestChunk } from '../../src/mesh/chunk-protocol.ts'
import type { Host } from '../../src/mesh/host.ts'
import { CHUNK_PROTOCOL } from '../../src/mesh/protocols.ts'
import { MAX_CHUNK_SIZE } from '../../src/wire/limits.ts'
import { ChunkRequest } from '../../src/wire/mesh.ts'
import { chunkBytes, PATCH } from './fixtures/chunk-server.ts'
import { deferred, startHost, varint, within } from './helpers.ts'

const SERVER = join(import.meta.dirname, 'fixtures', 'chunk-server.ts')
const PATIENCE = 60_000
/** How much of the 16 MiB chunk the reader takes before it stops: well short of all of it. */
const READ_BEFORE_STOPPING = 1024 * 1024
const ROUNDS = 10

interface Server {
  child: ChildProcess
  addr: Multiaddr
  peer: PeerId
  stderr: () => string
  exited: Promise<void>
}

async function startServer(): Promise<Server> {
  const child = spawn(process.execPath, [SERVER], { stdio: ['pipe', 'pipe', 'pipe'] })
  let stderr = ''
  child.stderr.setEncoding('utf8').on('data', (text: string) => (stderr += text))
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))

  const ready = deferred<string>()
  let stdout = ''
  child.stdout.setEncoding('utf8').on('data', (text: string) => {
    stdout += text
    if (stdout.includes('\n')) ready.resolve(stdout.slice(0, stdout.indexOf('\n')))
  })
  void exited.then(() => ready.reject(new Error(`chunk server exited early: ${stderr}`)))
  const line = await within(ready.promise, PATIENCE, 'the chunk server listening')

  const { addr, peer } = JSON.parse(line) as { addr: string; peer: string }

  return {
    child,
    addr: multiaddr(addr),
    peer: peerIdFromString(peer),
    stderr: () => stderr,
    exited,
  }
}

async function stopServer(server: Server | undefined): Promise<void> {
  if (server === undefined) return
  server.child.stdin!.end()
  try {
    await within(server.exited, PATIENCE, 'the chunk server stopping')
  } catch {
    server.child.kill('SIGKILL')
    await server.exited
  }
}

/** How a reader that has stopped reading leaves. */
type HangUp = (stream: Stream, connection: Connection) => Promise<void> | void

const hangUps: Array<{ how: string; pause: boolean; hangUp: HangUp }> = [
  {
    how: 'resets the stream, then closes the connection',
    pause: true,
    hangUp: async (stream, connection) => {
      stream.abort(new Error('reader gone'))
      await connection.close({ signal: AbortSignal.timeout(PATIENCE) })
    },
  },
  {
    // A window update makes the server resume writing on 'drain' just as the connection goes.
    how: 'opens its window again and drops the connection in the same tick',
    pause: true,
    hangUp: (stream, connection) => {
      stream.resume()
      connection.abort(new Error('reader gone'))
    },
  },
  {
    how: 'closes the connection gracefully while the stream is paused',
    pause: true,
    hangUp: (_stream, connection) => connection.close({ signal: AbortSignal.timeout(PATIENCE) }),
  },
  {
    how: 'drops the connection while the chunk is still flowing',
    pause: false,
    hangUp: (_stream, connection) => connection.abort(new Error('reader gone')),
  },
]

describe('a chunk server whose reader stops mid-chunk and hangs up', () => {
  let server: Server | undefined
  let client: Host | undefined

  before(async () => {
    server = await startServer()
    client = await startHost()
  })
  after(async () => {
    await client?.stop()
    await stopServer(server)
  })

  /** Asks for the 16 MiB chunk, reads the first MiB of it, stops reading, and hangs up. */
  async function abandonTransfer(pause: boolean, hangUp: HangUp): Promise<void> {
    const signal = AbortSignal.timeout(PATIENCE)
    const connection = await client!.dial(server!.addr, { signal })
    const stream = await connection.newStream(CHUNK_PROTOCOL, { signal })
    const started = deferred()
    let received = 0
    stream.addEventListener('message', (evt) => {
      received += evt.data.byteLength
      if (received >= READ_BEFORE_STOPPING) started.resolve()
    })
    const request = ChunkRequest.encode({ patchId: PATCH, index: 0 })
    stream.send(new Uint8Array([...varint(request.byteLength), ...request]))

    await within(started.promise, PATIENCE, 'the first MiB of the chunk')
    // The server wrote the 16 MiB frame in one call and is awaiting 'drain' until the yamux
    // window lets the rest through; a paused reader sends no more window updates.
    if (pause) stream.pause()
    await hangUp(stream, connection)
    assert.ok(received < MAX_CHUNK_SIZE, 'the reader hung up before the end of the chunk')
  }

  /** Fails, quoting the server's standard error, if it printed an error or is gone. */
  function assertServerUp(): void {
    const { child, stderr } = server!
    assert.doesNotMatch(stderr(), /uncaught|error/i, `the server printed:\n${stderr()}`)
    assert.equal(child.exitCode, null, `the server exited:\n${stderr()}`)
    assert.equal(child.signalCode, null, `the server was killed:\n${stderr()}`)
  }

  for (const { how, pause, hangUp } of hangUps) {
    it(`stays up and serves whole chunks after a reader ${how}, ${ROUNDS} times`, async () => {
      try {
        for (let round = 0; round < ROUNDS; round++) await abandonTransfer(pause, hangUp)
      } catch (err) {
        // A dial refused because the server died says less than the server's own last words.
        await within(server!.exited, 5000, 'server exit').catch(() => undefined)
        assertServerUp()
        throw err
      }
      const chunk = await requestChunk(client!, server!.peer, PATCH, 0, { length: MAX_CHUNK_SIZE })

      assert.ok(Buffer.from(chunk).equals(chunkBytes(0)), 'the chunk came back whole')
      assertServerUp()
    })
  }
})
