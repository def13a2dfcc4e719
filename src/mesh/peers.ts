/**
 * What this node knows of each connected peer, from its hello and Have frames: its site, role,
 * ring, groups, and which chunks of which patches it holds.
 */
import { EventEmitter } from 'node:events'
import { Bitfield } from '../schedule/bitfield.ts'
import type { Have, Hello } from '../wire/mesh.ts'

export interface PeerState {
  id: string
  site: string
  role: string
  ring: string
  groups: string[]
  /** Verified chunks the peer holds, by patch id. */
  holdings: Map<string, Bitfield>
}

export interface PeerDirectoryEvents {
  /** A peer said hello (or said it again, with new holdings). */
  peer: [PeerState]
  /** A peer now holds more chunks of a patch. */
  have: [{ peer: PeerState; patchId: string; indexes: number[] }]
  /** A peer disconnected. */
  gone: [string]
}

export class PeerDirectory extends EventEmitter<PeerDirectoryEvents> {
  readonly #peers = new Map<string, PeerState>()

  get(id: string): PeerState | undefined {
    return this.#peers.get(id)
  }

  all(): PeerState[] {
    return [...this.#peers.values()]
  }

  /** Records a hello. A malformed holding (wrong bitfield length) is dropped, not trusted. */
  hello(id: string, hello: Hello): PeerState {
    const holdings = new Map<string, Bitfield>()
    for (const h of hello.holdings) {
      try {
        holdings.set(h.patchId, Bitfield.fromBytes(h.bitfield, h.chunkCount))
      } catch {
        // decodeHello checked lengths; stray padding bits are the only way here. Ignore it.
      }
    }
    const state: PeerState = {
      id,
      site: hello.site,
      role: hello.role,
      ring: hello.ring,
      groups: hello.groups,
      holdings,
    }
    this.#peers.set(id, state)
    this.emit('peer', state)

    return state
  }

  /** Records a Have frame; ignored for a peer that has not said hello. */
  have(id: string, have: Have): void {
    const peer = this.#peers.get(id)
    if (peer === undefined) return

    let field = peer.holdings.get(have.patchId)
    if (field === undefined || field.length !== have.chunkCount) {
      field = new Bitfield(have.chunkCount)
      peer.holdings.set(have.patchId, field)
    }
    const added = have.indexes.filter((i) => i < field.length && field.set(i))
    if (added.length > 0) this.emit('have', { peer, patchId: have.patchId, indexes: added })
  }

  remove(id: string): void {
    if (this.#peers.delete(id)) this.emit('gone', id)
  }
}
