/**
 * Child process of transfer.bench.ts: a bare libp2p stream on patchmesh's own host (TCP, Noise,
 * yamux and the services of src/mesh/host.ts), with none of patchmesh's protocol on top.
 *
 *   node bench/transfer-libp2p.ts serve <bytes>   prints a ready line, then sends <bytes> on
 *                                                 each stream opened to it, in 1 MiB messages
 *   node bench/transfer-libp2p.ts fetch <addr>    opens one stream, reads it to its end and
 *                                                 prints a TransferReport
 */
import { randomBytes } from 'node:crypto'
import { generateKeyPair } from '@libp2p/crypto/keys'
import type { Stream } from '@libp2p/interface'
import { multiaddr } from '@multiformats/multiaddr'
import { createHost } from '../src/mesh/host.ts'
import type { Host } from '../src/mesh/host.ts'
import { measureRead } from './transfer-report.ts'

const PROTOCOL = '/patchmesh-bench/transfer/1.0.0'
const MESSAGE_BYTES = 1024 * 1024
const LOOPBACK = '/ip4/127.0.0.1/tcp/0'

async function serve(bytes: number): Promise<void> {
  const host = await start()
  const message = randomBytes(MESSAGE_BYTES)

  await host.handle(PROTOCOL, async (stream: Stream) => {
    try {
      for (let sent = 0; sent < bytes; sent += MESSAGE_BYTES) {
        const part = message.subarray(0, Math.min(MESSAGE_BYTES, bytes - sent))
        if (!stream.send(part)) await stream.onDrain()
      }
      await stream.close()
    } catch (err) {
      stream.abort(err as Error)
    }
  })
  const addresses = host.getMultiaddrs().map(String)
  console.log(JSON.stringify({ event: 'ready', addresses }))
  stopOnSignal(host)
}

async function fetch(address: string): Promise<void> {
  const host = await start()
  const baseRssKiB = process.resourceUsage().maxRSS
  const stream = await host.dialProtocol(multiaddr(address), PROTOCOL)

  const report = await measureRead(stream, baseRssKiB)
  await host.stop()
  console.log(JSON.stringify(report))
}

async function start(): Promise<Host> {
  const host = await createHost({
    privateKey: await generateKeyPair('Ed25519'),
    listen: [LOOPBACK],
  })
  await host.start()

  return host
}

function stopOnSignal(host: Host): void {
  process.once('SIGTERM', () => {
    void (async () => {
      await host.stop()
      process.exit(0)
    })()
  })
}

const [mode, arg] = process.argv.slice(2)
if (mode === 'serve' && arg !== undefined) await serve(Number(arg))
else if (mode === 'fetch' && arg !== undefined) await fetch(arg)
else throw new Error('usage: transfer-libp2p.ts serve <bytes> | fetch <multiaddr>')
