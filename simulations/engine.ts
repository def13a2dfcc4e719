/**
 * The discrete-event loop of one strategy's run: simulated time jumps from event to event (a
 * transfer ends, a node's timer is due, a scenario event happens), and after each instant every
 * node touched by it is asked for new requests once ("pumped"), as the real node pumps after each
 * reply or have message. Transfers are flows of the {@link Network}.
 *
 * A strategy supplies what its nodes do ({@link Strategy}); the run supplies transfers, timers,
 * scenario events and the tallies a report is made from.
 */
import type { Fleet } from './fleet.ts'
import { IndexedHeap, TimerQueue } from './heap.ts'
import { MAX_PATH, Network } from './network.ts'
import type { StrategyName } from './types.ts'

/**
 * How long a request whose path is cut (a WAN outage) takes to fail: the real node's stall
 * time-out (src/node/download.ts, 10 s).
 */
export const STALL_TIMEOUT_S = 10

export interface Strategy {
  readonly name: StrategyName
  /** Time 0: every node present starts. */
  start(now: number): void
  /** Sends whatever requests the node wants to send now. */
  pump(node: number, now: number): void
  /** A transfer arrived whole. */
  done(dst: number, src: number, chunk: number, bytes: number, now: number): void
  /**
   * A request failed after the stall time-out (its path was cut), having moved `moved` bytes
   * before the cut.
   */
  failed(dst: number, src: number, chunk: number, moved: number, now: number): void
  /** The node goes away; its transfers still running are stopped right after. */
  nodeDown(node: number, now: number): void
  /** The node came back or joined for the first time. */
  nodeUp(node: number, now: number): void
}

export interface RunProgress {
  simSeconds: number
  completed: number
  nodes: number
}

export interface RunOptions {
  onProgress?: (p: RunProgress) => void
  /** Wall milliseconds between progress calls. Default 250. */
  progressEveryMs?: number
}

export class Run {
  readonly fleet: Fleet
  readonly net: Network
  readonly present: Uint8Array
  /** Per node: completion time in seconds, NaN until complete. */
  readonly completedAt: Float64Array
  readonly siteWanBytes: Float64Array
  originBytes = 0
  duplicateBytes = 0
  badBytes = 0
  bans = 0
  events = 0
  transfers = 0
  completed = 0
  now = 0
  readonly #wakes: IndexedHeap
  readonly #timers = new TimerQueue()
  readonly #dirty: number[] = []
  readonly #isDirty: Uint8Array
  readonly #flows = new Map<number, number>()
  readonly #path = new Int32Array(MAX_PATH)
  #dst = new Int32Array(1024)
  #src = new Int32Array(1024)
  #chunk = new Int32Array(1024)
  #strategy: Strategy | undefined

  constructor(fleet: Fleet) {
    this.fleet = fleet
    this.net = new Network(fleet.capacity)
    this.present = new Uint8Array(fleet.nodes)
    this.completedAt = new Float64Array(fleet.nodes).fill(Number.NaN)
    this.siteWanBytes = new Float64Array(fleet.sites)
    this.#wakes = new IndexedHeap(fleet.nodes)
    this.#isDirty = new Uint8Array(fleet.nodes)
  }

  /** Runs `strategy` until every node completes or `maxSeconds` passes; true if all completed. */
  async run(strategy: Strategy, opts: RunOptions = {}): Promise<boolean> {
    const { fleet } = this
    const maxSeconds = fleet.scenario.maxSeconds
    this.#strategy = strategy
    this.#scheduleEvents()
    for (let i = 0; i < fleet.nodes; i++) if (fleet.joinAt[i] === 0) this.present[i] = 1
    strategy.start(0)
    this.#pumpDirty()

    const every = opts.progressEveryMs ?? 250
    let lastWall = performance.now()
    let lastYield = lastWall
    for (let step = 0; this.completed < fleet.nodes; step++) {
      const at = Math.min(this.net.nextEnd(), this.#timers.peekKey(), this.#wakes.peekKey())
      if (at > maxSeconds) break
      this.now = Math.max(this.now, at)
      this.#instant()
      this.#pumpDirty()

      if ((step & 1023) !== 0) continue
      const wall = performance.now()
      if (opts.onProgress !== undefined && wall - lastWall >= every) {
        lastWall = wall
        opts.onProgress({ simSeconds: this.now, completed: this.completed, nodes: fleet.nodes })
      }
      if (wall - lastYield >= 200) {
        lastYield = wall
        await new Promise((resolve) => setImmediate(resolve))
      }
    }
    opts.onProgress?.({ simSeconds: this.now, completed: this.completed, nodes: fleet.nodes })

    return this.completed === fleet.nodes
  }

  /** Everything due at `now`, including what it makes due at `now`. */
  #instant(): void {
    const now = this.now
    const strategy = this.#strategy as Strategy
    for (;;) {
      if (this.net.nextEnd() <= now) {
        this.events++
        const id = this.net.endNext(now)
        const dst = this.#dst[id]
        const src = this.#src[id]
        const chunk = this.#chunk[id]
        const bytes = this.net.bytesOf(id)
        this.#flows.delete(this.#key(dst, src, chunk))
        this.#account(src, dst, bytes)
        strategy.done(dst, src, chunk, bytes, now)
      } else if (this.#timers.peekKey() <= now) {
        this.events++
        this.#timers.pop().run()
      } else if (this.#wakes.peekKey() <= now) {
        this.events++
        this.markDirty(this.#wakes.pop())
      } else {
        return
      }
    }
  }

  #pumpDirty(): void {
    const strategy = this.#strategy as Strategy
    // Pumping may dirty more nodes (a request sent to a node is not an event, but keep it safe).
    for (let k = 0; k < this.#dirty.length; k++) {
      const node = this.#dirty[k]
      this.#isDirty[node] = 0
      if (this.present[node] === 1) strategy.pump(node, this.now)
    }
    this.#dirty.length = 0
  }

  /** Asks the node for requests once the current instant is over. */
  markDirty(node: number): void {
    if (this.#isDirty[node] === 1) return
    this.#isDirty[node] = 1
    this.#dirty.push(node)
  }

  /** Pumps the node at `at` (seconds) unless something else does first; Infinity cancels. */
  wakeAt(node: number, at: number): void {
    this.#wakes.set(node, at)
  }

  timer(at: number, run: () => void): void {
    this.#timers.add(at, run)
  }

  /** Starts moving `bytes` of `chunk` from `src` to `dst`. */
  request(src: number, dst: number, chunk: number, bytes: number): void {
    const now = this.now
    const key = this.#key(dst, src, chunk)
    this.transfers++
    const length = this.fleet.path(src, dst, this.#path)
    for (let k = 0; k < length; k++) {
      if (this.net.capacity[this.#path[k]] === 0) {
        this.#failLater(key, dst, src, chunk, 0)
        return
      }
    }

    const id = this.net.start(this.#path.subarray(0, length), bytes, now)
    if (id >= this.#dst.length) this.#growFlows(id + 1)
    this.#dst[id] = dst
    this.#src[id] = src
    this.#chunk[id] = chunk
    this.#flows.set(key, id)
  }

  /** Stops the transfer of `chunk` from `src` to `dst`; returns the bytes it had moved. */
  cancel(dst: number, src: number, chunk: number): number {
    const key = this.#key(dst, src, chunk)
    const id = this.#flows.get(key)
    if (id === undefined) return 0

    this.#flows.delete(key)
    if (id < 0) return 0
    const moved = this.net.abort(id, this.now)
    this.#account(src, dst, moved)

    return moved
  }

  /** Transfers to or from `node` in progress, as [dst, src, chunk]. */
  transfersOf(node: number): Array<[number, number, number]> {
    const { fleet, net } = this
    const ids = [...net.flowsOn(fleet.up(node)), ...net.flowsOn(fleet.down(node))]

    return ids.map((id) => [this.#dst[id], this.#src[id], this.#chunk[id]])
  }

  /** Stops every transfer to or from `node` (it went away); no strategy callback is made. */
  dropTransfersOf(node: number): void {
    const { fleet, net } = this
    for (const link of [fleet.up(node), fleet.down(node)]) {
      for (const id of net.flowsOn(link)) this.cancel(this.#dst[id], this.#src[id], this.#chunk[id])
    }
  }

  complete(node: number): void {
    if (!Number.isNaN(this.completedAt[node])) return
    this.completedAt[node] = this.now
    this.completed++
    this.#wakes.remove(node)
  }

  /** Bytes that crossed a site's WAN link inward, and bytes the origin sent. */
  #account(src: number, dst: number, bytes: number): void {
    const { fleet } = this
    const to = fleet.siteOf(dst)
    if (to >= 0 && fleet.siteOf(src) !== to) this.siteWanBytes[to] += bytes
    if (src === fleet.origin) this.originBytes += bytes
  }

  #failLater(key: number, dst: number, src: number, chunk: number, moved: number): void {
    this.#flows.set(key, -1)
    this.timer(this.now + STALL_TIMEOUT_S, () => {
      if (this.#flows.get(key) !== -1) return
      this.#flows.delete(key)
      ;(this.#strategy as Strategy).failed(dst, src, chunk, moved, this.now)
    })
  }

  #key(dst: number, src: number, chunk: number): number {
    return (dst * this.fleet.endpoints + src) * this.fleet.chunkCount + chunk
  }

  #growFlows(min: number): void {
    let length = this.#dst.length
    while (length < min) length *= 2
    for (const name of ['dst', 'src', 'chunk'] as const) {
      const old = name === 'dst' ? this.#dst : name === 'src' ? this.#src : this.#chunk
      const grown = new Int32Array(length)
      grown.set(old)
      if (name === 'dst') this.#dst = grown
      else if (name === 'src') this.#src = grown
      else this.#chunk = grown
    }
  }

  /** Churn, late joins and WAN outages, as timers. */
  #scheduleEvents(): void {
    const { fleet } = this
    const strategy = this.#strategy as Strategy
    for (let i = 0; i < fleet.nodes; i++) {
      const at = fleet.joinAt[i]
      if (at > 0) {
        this.timer(at, () => {
          this.present[i] = 1
          strategy.nodeUp(i, this.now)
          this.markDirty(i)
        })
      }
    }

    for (const { node, at, downFor } of fleet.churn) {
      this.timer(at, () => {
        if (this.present[node] === 0) return
        this.present[node] = 0
        strategy.nodeDown(node, this.now)
        this.dropTransfersOf(node)
        this.timer(this.now + downFor, () => {
          this.present[node] = 1
          strategy.nodeUp(node, this.now)
          this.markDirty(node)
        })
      })
    }

    for (const { site, from, to } of fleet.outages) {
      const links = [fleet.wanDown(site), fleet.wanUp(site)]
      this.timer(from, () => {
        for (const link of links) {
          this.net.setCapacity(link, 0, this.now)
          for (const id of this.net.flowsOn(link)) {
            const [dst, src, chunk] = [this.#dst[id], this.#src[id], this.#chunk[id]]
            const moved = this.cancel(dst, src, chunk)
            this.#failLater(this.#key(dst, src, chunk), dst, src, chunk, moved)
          }
        }
      })
      this.timer(to, () => {
        for (const link of links) this.net.setCapacity(link, fleet.capacity[link], this.now)
      })
    }
  }
}
