/**
 * Fast non-cryptographic hashing for the scheduler's deterministic choices: the rendezvous split
 * of WAN work between site members and each node's tie-break order. Every function here is pure
 * 32-bit integer arithmetic, so all nodes (and the simulator) compute the same values.
 *
 * None of this is a security boundary: a peer that picks its id to win many chunks only takes on
 * more WAN work for its site.
 */

/** Murmur3's 32-bit finaliser: a bijection on uint32; every input bit affects every output bit. */
export function mix32(x: number): number {
  x ^= x >>> 16
  x = Math.imul(x, 0x85ebca6b)
  x ^= x >>> 13
  x = Math.imul(x, 0xc2b2ae35)
  x ^= x >>> 16

  return x >>> 0
}

/** FNV-1a over the string's UTF-16 code units, then {@link mix32}; e.g. patch id to `seed`. */
export function hashString(text: string, seed = 0): number {
  let h = (0x811c9dc5 ^ seed) >>> 0
  for (let k = 0; k < text.length; k++) {
    h = Math.imul(h ^ text.charCodeAt(k), 0x01000193)
  }

  return mix32(h)
}

/** A well-spread 32-bit value for a chunk index under a seed. */
export function chunkHash(index: number, seed: number): number {
  return mix32(Math.imul(index, 0x9e3779b1) ^ seed)
}

/**
 * Rendezvous (highest-random-weight) weight of a member for a chunk: the member with the highest
 * weight is responsible for the chunk. `chunkKey` is {@link chunkHash} of the index.
 */
export function rendezvousWeight(memberHash: number, chunkKey: number): number {
  return mix32(memberHash ^ chunkKey)
}

/** Salt separating a node's tie-break order from its rendezvous weights. */
const ORDER_SALT = 0x5bd1e995

/** Position key of a chunk in a node's own tie-break order. */
export function tieOrder(selfHash: number, index: number): number {
  return mix32(selfHash ^ ORDER_SALT ^ chunkHash(index, 0))
}
