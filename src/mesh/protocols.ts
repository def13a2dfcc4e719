/**
 * Names on the wire. Every protocol and topic is versioned; a change of frame format is a new
 * version, served beside the old one while a fleet upgrades.
 */

/** Site, role and holdings, then incremental Have updates, on one long-lived stream. */
export const HELLO_PROTOCOL = '/patchmesh/hello/1.0.0'

/** One chunk request and its response per stream. */
export const CHUNK_PROTOCOL = '/patchmesh/chunk/1.0.0'

/** One manifest request (by patch id) and its bytes per stream. */
export const MANIFEST_PROTOCOL = '/patchmesh/manifest/1.0.0'

/** Catch-up: the responder sends every current signed record it holds, then closes. */
export const RECORDS_PROTOCOL = '/patchmesh/records/1.0.0'

/** Node to coordinator: a batch of status reports, then one ack per report, per stream. */
export const STATUS_PROTOCOL = '/patchmesh/status/1.0.0'

/** Kademlia on a prefix of our own, so patchmesh never joins (or pollutes) the public DHT. */
export const DHT_PROTOCOL = '/patchmesh/kad/1.0.0'

/** Gossip topic for announcements and revocations (publisher records). */
export const ANNOUNCE_TOPIC = '/patchmesh/announce/1'

/** Gossip topic for approvals and halts (coordinator records). */
export const APPROVE_TOPIC = '/patchmesh/approve/1'

/** Version carried in Hello, so a peer can tell what the other speaks. */
export const MESH_PROTOCOL_VERSION = 1
