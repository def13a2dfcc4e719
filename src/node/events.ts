/**
 * The node's event stream: named, stable events that the dashboard, the demo and tests read,
 * apart from the log (which is for people). Each event carries the patch and peer it concerns.
 * With `eventsFile` set, every event is also appended to that file as one JSON line.
 */
import { EventEmitter } from 'node:events'
import { createWriteStream } from 'node:fs'
import type { WriteStream } from 'node:fs'

export type ByteSource = 'site' | 'wan' | 'origin'

export interface NodeEventMap {
  patch_announced: { patchId: string; name: string; version: string; size: number }
  manifest_received: { patchId: string; peer: string }
  chunk_received: {
    patchId: string
    index: number
    peer: string
    source: ByteSource
    bytes: number
  }
  chunk_served: { patchId: string; index: number; peer: string; bytes: number; sameSite: boolean }
  chunk_rejected: { patchId: string; index: number; peer: string; reason: string }
  peer_penalised: { patchId: string; peer: string; action: 'penalise' | 'disconnect' }
  download_progress: {
    patchId: string
    held: number
    chunkCount: number
    bytes: Record<ByteSource, number>
  }
  /** A download paused: the data file at `path` is on a full disk (`code` ENOSPC or EDQUOT). */
  disk_full: { patchId: string; index: number; message: string; path: string; code: string }
  /** A held chunk read back from the data file did not match its hash: it is fetched again. */
  chunk_corrupt: { patchId: string; index: number; path: string }
  patch_complete: {
    patchId: string
    sha256: string
    path: string
    bytes: Record<ByteSource, number>
  }
  patch_failed: { patchId: string; reason: string }
  patch_revoked: { patchId: string; reason: string }
  /**
   * A stored record of the patch no longer verifies under a newer root and was deleted; for an
   * announcement, the patch's download, data and holdings go with it.
   */
  record_dropped: { patchId: string; kind: string; reason: string }
  /** A step of the patch's install lifecycle, as reported to the coordinator. */
  patch_state: { patchId: string; state: string; reason: string }
  patch_installed: { patchId: string; reason: string }
  install_failed: { patchId: string; reason: string }
}

export type NodeEventName = keyof NodeEventMap

export class NodeEvents extends EventEmitter<{ [K in NodeEventName]: [NodeEventMap[K]] }> {
  #file: WriteStream | undefined
  #corked = false

  constructor(eventsFile?: string) {
    super()
    if (eventsFile !== undefined) this.#file = createWriteStream(eventsFile, { flags: 'a' })
  }

  /** Emits `name` and appends it to the events file, if any. */
  publish<K extends NodeEventName>(name: K, detail: NodeEventMap[K]): void {
    const file = this.#file
    if (file !== undefined) {
      // Events published together (a batch of chunks stored) go to the file in one write.
      if (!this.#corked) {
        this.#corked = true
        file.cork()
        process.nextTick(() => {
          this.#corked = false
          file.uncork()
        })
      }
      file.write(JSON.stringify({ event: name, time: new Date().toISOString(), ...detail }) + '\n')
    }
    ;(this.emit as (n: K, d: NodeEventMap[K]) => boolean)(name, detail)
  }

  async close(): Promise<void> {
    const file = this.#file
    this.#file = undefined
    if (file !== undefined) await new Promise<void>((resolve) => file.end(resolve))
  }
}
