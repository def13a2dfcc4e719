/**
 * Container helper: makes (or reads) the mesh identity a head office service will run with and
 * prints its peer id, so that nodes can be given the bootstrap and coordinator addresses, with
 * their /p2p/<peer id> part, before those services first start.
 *
 * Usage: node docker/identity.ts DIR. DIR gets identity.key in the format the daemons keep in
 * their data directory (src/mesh/identity.ts); the entrypoint copies it there at each start.
 */
import { mkdir } from 'node:fs/promises'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { loadOrCreateIdentity } from '../src/mesh/identity.ts'

const dir = process.argv[2]
if (dir === undefined || process.argv.length !== 3) {
  process.stderr.write('usage: node docker/identity.ts DIR\n')
  process.exit(2)
}

await mkdir(dir, { recursive: true, mode: 0o700 })
const key = await loadOrCreateIdentity(dir)
process.stdout.write(`${peerIdFromPrivateKey(key).toString()}\n`)
