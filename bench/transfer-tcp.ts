/**
 * Child process of transfer.bench.ts: plain TCP on loopback (node:net), the floor under every
 * stack on top of it.
 *
 *   node bench/transfer-tcp.ts serve <bytes>   prints a ready line, then writes <bytes> to each
 *                                              client, in 1 MiB writes
 *   node bench/transfer-tcp.ts fetch <port>    reads one connection to its end and prints a
 *                                              TransferReport
 */
import { randomBytes } from 'node:crypto'
import { once } from 'node:events'
import { connect, createServer } from 'node:net'
import type { Socket } from 'node:net'
import { measureRead } from './transfer-report.ts'

const WRITE_BYTES = 1024 * 1024

async function serve(bytes: number): Promise<void> {
  const block = randomBytes(WRITE_BYTES)
  const server = createServer((socket) => void send(socket, block, bytes))
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')

  const { port } = server.address() as { port: number }
  console.log(JSON.stringify({ event: 'ready', port }))
  process.once('SIGTERM', () => process.exit(0))
}

async function send(socket: Socket, block: Buffer, bytes: number): Promise<void> {
  socket.on('error', () => socket.destroy())
  for (let sent = 0; sent < bytes; sent += block.byteLength) {
    const part = block.subarray(0, Math.min(block.byteLength, bytes - sent))
    if (!socket.write(part)) await once(socket, 'drain')
  }
  socket.end()
}

async function fetch(port: number): Promise<void> {
  const baseRssKiB = process.resourceUsage().maxRSS
  const socket = connect(port, '127.0.0.1')

  const report = await measureRead(socket as AsyncIterable<Buffer>, baseRssKiB)
  console.log(JSON.stringify(report))
}

const [mode, arg] = process.argv.slice(2)
if (mode === 'serve' && arg !== undefined) await serve(Number(arg))
else if (mode === 'fetch' && arg !== undefined) await fetch(Number(arg))
else throw new Error('usage: transfer-tcp.ts serve <bytes> | fetch <port>')
