/**
 * The libp2p host every role runs: TCP, Noise, yamux, identify, ping, a Kademlia DHT on our own
 * protocol prefix and gossipsub, with bootstrap peers and (optionally) mDNS for the LAN.
 */
import { createHash } from 'node:crypto'
import { noise } from '@chainsafe/libp2p-noise'
import { yamux } from '@chainsafe/libp2p-yamux'
import { bootstrap } from '@libp2p/bootstrap'
import { gossipsub } from '@libp2p/gossipsub'
import { createPeerScoreParams, createTopicScoreParams } from '@libp2p/gossipsub/score'
import type { GossipSub } from '@libp2p/gossipsub'
import { identify } from '@libp2p/identify'
import type { Identify } from '@libp2p/identify'
import type { PeerInfo, PrivateKey } from '@libp2p/interface'
import { kadDHT } from '@libp2p/kad-dht'
import type { KadDHT, KadDHTInit } from '@libp2p/kad-dht'
import { mdns } from '@libp2p/mdns'
import { ping } from '@libp2p/ping'
import type { Ping } from '@libp2p/ping'
import { tcp } from '@libp2p/tcp'
import { multiaddr } from '@multiformats/multiaddr'
import { createLibp2p } from 'libp2p'
import type { Libp2p, Libp2pOptions } from 'libp2p'
import { ANNOUNCE_TOPIC, APPROVE_TOPIC, DHT_PROTOCOL } from './protocols.ts'

export interface HostServices {
  identify: Identify
  ping: Ping
  dht: KadDHT
  pubsub: GossipSub
  [key: string]: unknown
}

export type Host = Libp2p<HostServices>

export interface HostOptions {
  privateKey: PrivateKey
  /** Multiaddrs to listen on. Default `/ip4/0.0.0.0/tcp/0`. */
  listen?: string[]
  /** Multiaddrs (with /p2p/ ids) of peers to join the mesh through. Default none. */
  bootstrap?: string[]
  /** Discover peers on the LAN by multicast DNS. Default false. */
  mdns?: boolean
  /** Most connections kept open. Default 300. */
  maxConnections?: number
}

/**
 * Dials the bootstrap peers again whenever the host has no connection at all (the bootstrap
 * module dials only once, at start). Returns a function that stops the watch.
 */
export function keepBootstrapped(host: Host, addresses: string[], everyMs = 10_000): () => void {
  if (addresses.length === 0) return () => undefined

  const timer = setInterval(() => {
    if (host.status !== 'started' || host.getConnections().length > 0) return
    for (const address of addresses) {
      void host
        .dial(multiaddr(address), { signal: AbortSignal.timeout(everyMs) })
        .catch(() => undefined)
    }
  }, everyMs)
  timer.unref()

  return () => clearInterval(timer)
}

const RECORD_TOPIC_SCORE = createTopicScoreParams({
  topicWeight: 1,
  timeInMeshWeight: 0,
  firstMessageDeliveriesWeight: 0,
  meshMessageDeliveriesWeight: 0,
  meshFailurePenaltyWeight: 0,
  invalidMessageDeliveriesWeight: -10,
  invalidMessageDeliveriesDecay: 0.99,
})

export async function createHost(opts: HostOptions): Promise<Host> {
  const peerDiscovery: NonNullable<Libp2pOptions['peerDiscovery']> = []
  if ((opts.bootstrap ?? []).length > 0) {
    peerDiscovery.push(bootstrap({ list: opts.bootstrap!, timeout: 100 }))
  }
  if (opts.mdns === true) peerDiscovery.push(mdns())

  // Branch sites are private networks: keep private and loopback addresses in DHT records
  // (the default mapper strips them, which would hide every LAN peer).
  const dhtInit: KadDHTInit & { peerInfoMapper: (info: PeerInfo) => PeerInfo } = {
    protocol: DHT_PROTOCOL,
    clientMode: false,
    peerInfoMapper: (info: PeerInfo) => info,
  }

  return createLibp2p({
    privateKey: opts.privateKey,
    addresses: { listen: opts.listen ?? ['/ip4/0.0.0.0/tcp/0'] },
    transports: [tcp()],
    connectionEncrypters: [noise()],
    streamMuxers: [yamux()],
    peerDiscovery,
    connectionManager: {
      maxConnections: opts.maxConnections ?? 300,
      // The default (5 a second from one address) refuses a branch site's machines when they all
      // start at once behind one NAT address, or a whole demo fleet on loopback.
      inboundConnectionThreshold: 200,
      maxIncomingPendingConnections: 100,
    },
    services: {
      identify: identify(),
      ping: ping(),
      dht: kadDHT(dhtInit),
      pubsub: gossipsub({
        // Our records carry their own signatures; libp2p-level message signing would only
        // prove who forwarded them. Message ids are content hashes, equal on every peer.
        globalSignaturePolicy: 'StrictNoSign',
        msgIdFn: (msg) => createHash('sha256').update(msg.data).digest(),
        allowPublishToZeroTopicPeers: true,
        emitSelf: false,
        // A peer that sends a record our validator rejects (forged, malformed) loses score: -10
        // times the square of its recent rejections, so three of them put it below gossipsub's
        // graylist threshold (-80) and its messages are ignored until the count decays (1 % a
        // second). Honest relays never forward what they rejected, so only the source pays.
        // Nothing else on these quiet topics counts for or against a peer.
        scoreParams: createPeerScoreParams({
          topics: Object.fromEntries(
            [ANNOUNCE_TOPIC, APPROVE_TOPIC].map((topic) => [topic, RECORD_TOPIC_SCORE]),
          ),
        }),
      }),
    },
  })
}
