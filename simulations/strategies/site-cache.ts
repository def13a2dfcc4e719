/**
 * `site-cache`: one cache per site (a box of its own, with the site's node link speed) fetches
 * the patch from the origin, chunk by chunk in order with a few requests in flight, and the
 * site's nodes fetch each chunk from the cache as soon as it holds it: the patch crosses each WAN
 * link once, but every node waits on one machine and the origin serves every site.
 */
import { Bitfield } from '../../src/schedule/bitfield.ts'
import type { Run, Strategy } from '../engine.ts'
import type { Fleet } from '../fleet.ts'

/** Requests in flight per cache and per node. */
const WINDOW = 4

export class SiteCacheStrategy implements Strategy {
  readonly name = 'site-cache'
  readonly #run: Run
  readonly #fleet: Fleet
  readonly #stride: number
  /** Per site, then per node: chunks held, one bit each. */
  readonly #cacheHas: Uint8Array
  readonly #nodeHas: Uint8Array
  readonly #cacheNext: Int32Array
  readonly #cacheInFlight: Int32Array
  readonly #nodeNext: Int32Array
  readonly #nodeInFlight: Int32Array
  readonly #nodeCount: Int32Array
  /** Chunks a cache is to fetch again after a cut, per site. */
  readonly #retry: number[][]

  constructor(run: Run) {
    this.#run = run
    const fleet = run.fleet
    this.#fleet = fleet
    this.#stride = Bitfield.byteLength(fleet.chunkCount)
    this.#cacheHas = new Uint8Array(fleet.sites * this.#stride)
    this.#nodeHas = new Uint8Array(fleet.nodes * this.#stride)
    this.#cacheNext = new Int32Array(fleet.sites)
    this.#cacheInFlight = new Int32Array(fleet.sites)
    this.#nodeNext = new Int32Array(fleet.nodes)
    this.#nodeInFlight = new Int32Array(fleet.nodes)
    this.#nodeCount = new Int32Array(fleet.nodes)
    this.#retry = Array.from({ length: fleet.sites }, () => [])
  }

  start(): void {
    for (let s = 0; s < this.#fleet.sites; s++) this.#pumpCache(s)
  }

  pump(node: number): void {
    const fleet = this.#fleet
    const site = fleet.siteOfNode[node]
    const count = fleet.chunkCount
    let c = this.#nodeNext[node]
    while (this.#nodeInFlight[node] < WINDOW && c < count) {
      if (has(this.#nodeHas, node * this.#stride, c)) {
        c++
        continue
      }
      if (!has(this.#cacheHas, site * this.#stride, c)) break
      this.#run.request(fleet.cacheOf(site), node, c, this.#bytes(c))
      this.#nodeInFlight[node]++
      c++
    }
    this.#nodeNext[node] = c
  }

  done(dst: number, _src: number, chunk: number): void {
    const fleet = this.#fleet
    if (dst >= fleet.nodes) {
      const site = fleet.siteOf(dst)
      set(this.#cacheHas, site * this.#stride, chunk)
      this.#cacheInFlight[site]--
      this.#pumpCache(site)
      for (let k = fleet.siteFirst[site]; k < fleet.siteFirst[site + 1]; k++) {
        if (this.#nodeInFlight[k] < WINDOW) this.#run.markDirty(k)
      }
      return
    }

    set(this.#nodeHas, dst * this.#stride, chunk)
    this.#nodeInFlight[dst]--
    if (++this.#nodeCount[dst] === fleet.chunkCount) this.#run.complete(dst)
    else this.#run.markDirty(dst)
  }

  failed(dst: number, _src: number, chunk: number): void {
    if (dst < this.#fleet.nodes) {
      this.#nodeInFlight[dst]--
      this.#nodeNext[dst] = Math.min(this.#nodeNext[dst], chunk)
      this.#run.markDirty(dst)
      return
    }
    const site = this.#fleet.siteOf(dst)
    this.#cacheInFlight[site]--
    this.#retry[site].push(chunk)
    this.#pumpCache(site)
  }

  nodeDown(node: number): void {
    this.#nodeInFlight[node] = 0
    this.#nodeNext[node] = 0
  }

  nodeUp(): void {
    // The run pumps the node next; it starts again from its first missing chunk.
  }

  #pumpCache(site: number): void {
    const fleet = this.#fleet
    const cache = fleet.cacheOf(site)
    while (this.#cacheInFlight[site] < WINDOW) {
      const retry = this.#retry[site].shift()
      const c = retry ?? this.#cacheNext[site]
      if (c >= fleet.chunkCount) return
      if (retry === undefined) this.#cacheNext[site]++
      this.#run.request(fleet.origin, cache, c, this.#bytes(c))
      this.#cacheInFlight[site]++
    }
  }

  #bytes(chunk: number): number {
    const fleet = this.#fleet
    return chunk === fleet.chunkCount - 1 ? fleet.lastChunkSize : fleet.scenario.patch.chunkSize
  }
}

function has(bits: Uint8Array, offset: number, index: number): boolean {
  return (bits[offset + (index >>> 3)] & (1 << (index & 7))) !== 0
}

function set(bits: Uint8Array, offset: number, index: number): void {
  bits[offset + (index >>> 3)] |= 1 << (index & 7)
}
