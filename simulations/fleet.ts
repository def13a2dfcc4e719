/**
 * A scenario laid out as a fleet: numbered nodes and sites, the links of the flow model with their
 * capacities, who is connected to whom, and the scenario's events resolved to particular nodes and
 * sites. Built once per run from the seed, so every strategy meets the same fleet and the same
 * misfortunes.
 *
 * Endpoints are numbered: nodes 0..N-1, the origin N, the cache of site s N+1+s (used by the
 * site-cache strategy only). Endpoint e has an up link 2e and a down link 2e+1; after them each
 * site has its WAN down, WAN up and LAN links. The origin sits at head office, outside every site.
 */
import { Random } from './random.ts'
import { DEFAULT_WAN_PEERS } from './scenario.ts'
import type { Scenario } from './types.ts'

/** Bytes per second of a speed in Mbit/s. */
export function mbit(speed: number): number {
  return (speed * 1_000_000) / 8
}

/** Neighbour lists in one array: the neighbours of i are list[start[i]..start[i+1]). */
export interface Adjacency {
  start: Int32Array
  list: Int32Array
}

export interface ChurnPlan {
  node: number
  at: number
  downFor: number
}

export interface OutagePlan {
  site: number
  from: number
  to: number
}

export class Fleet {
  readonly scenario: Scenario
  readonly nodes: number
  readonly sites: number
  readonly origin: number
  readonly endpoints: number
  readonly chunkCount: number
  readonly lastChunkSize: number
  readonly siteOfNode: Int32Array
  readonly siteFirst: Int32Array
  readonly siteSize: Int32Array
  readonly groupOfSite: Int32Array
  readonly ringOfNode: Uint16Array
  readonly ringNames: string[]
  readonly capacity: Float64Array
  /** Per node: when it joins the fleet, 0 for most. */
  readonly joinAt: Float64Array
  readonly churn: ChurnPlan[] = []
  readonly outages: OutagePlan[] = []
  /** Per node: 1 when it serves bad chunks. */
  readonly bad: Uint8Array
  /** Peers at other sites, for the patchmesh strategy (both ways: i meets j iff j meets i). */
  readonly wanPeers: Adjacency
  /** Random peers anywhere in the fleet, for the swarm strategy (both ways). */
  readonly swarmPeers: Adjacency

  constructor(scenario: Scenario) {
    this.scenario = scenario
    const groups = scenario.siteGroups
    this.sites = groups.reduce((sum, g) => sum + g.count, 0)
    this.nodes = groups.reduce((sum, g) => sum + g.count * g.nodesPerSite, 0)
    this.origin = this.nodes
    this.endpoints = this.nodes + 1 + this.sites
    const { size, chunkSize } = scenario.patch
    this.chunkCount = Math.ceil(size / chunkSize)
    this.lastChunkSize = size - (this.chunkCount - 1) * chunkSize

    this.siteOfNode = new Int32Array(this.nodes)
    this.siteFirst = new Int32Array(this.sites + 1)
    this.siteSize = new Int32Array(this.sites)
    this.groupOfSite = new Int32Array(this.sites)
    this.capacity = new Float64Array(2 * this.endpoints + 3 * this.sites)
    this.capacity[this.up(this.origin)] = mbit(scenario.origin.upMbit)
    this.capacity[this.down(this.origin)] = mbit(scenario.origin.upMbit)

    let site = 0
    let node = 0
    for (const [k, g] of groups.entries()) {
      for (let c = 0; c < g.count; c++, site++) {
        this.siteFirst[site] = node
        this.siteSize[site] = g.nodesPerSite
        this.groupOfSite[site] = k
        this.capacity[this.wanDown(site)] = mbit(g.wanDownMbit)
        this.capacity[this.wanUp(site)] = mbit(g.wanUpMbit)
        this.capacity[this.lan(site)] = mbit(g.lanMbit)
        const cache = this.cacheOf(site)
        this.capacity[this.up(cache)] = mbit(g.nodeMbit)
        this.capacity[this.down(cache)] = mbit(g.nodeMbit)
        for (let m = 0; m < g.nodesPerSite; m++, node++) {
          this.siteOfNode[node] = site
          this.capacity[this.up(node)] = mbit(g.nodeMbit)
          this.capacity[this.down(node)] = mbit(g.nodeMbit)
        }
      }
    }
    this.siteFirst[this.sites] = node

    this.ringNames = []
    this.ringOfNode = new Uint16Array(this.nodes)
    this.#assignRings()
    this.joinAt = new Float64Array(this.nodes)
    this.bad = new Uint8Array(this.nodes)
    this.#planEvents()
    const wanPeers = scenario.mesh?.wanPeers ?? DEFAULT_WAN_PEERS
    this.wanPeers = this.#connect(wanPeers, true, 101)
    this.swarmPeers = this.#connect(wanPeers, false, 102)
  }

  up(endpoint: number): number {
    return 2 * endpoint
  }

  down(endpoint: number): number {
    return 2 * endpoint + 1
  }

  wanDown(site: number): number {
    return 2 * this.endpoints + 3 * site
  }

  wanUp(site: number): number {
    return 2 * this.endpoints + 3 * site + 1
  }

  lan(site: number): number {
    return 2 * this.endpoints + 3 * site + 2
  }

  cacheOf(site: number): number {
    return this.nodes + 1 + site
  }

  /** Site of an endpoint; -1 for the origin. */
  siteOf(endpoint: number): number {
    if (endpoint < this.nodes) return this.siteOfNode[endpoint]
    if (endpoint === this.origin) return -1

    return endpoint - this.nodes - 1
  }

  groupOf(node: number): number {
    return this.groupOfSite[this.siteOfNode[node]]
  }

  /** Fills `out` with the links a transfer from `src` to `dst` crosses; returns how many. */
  path(src: number, dst: number, out: Int32Array): number {
    const from = this.siteOf(src)
    const to = this.siteOf(dst)
    out[0] = this.up(src)
    if (from === to) {
      out[1] = this.lan(to)
      out[2] = this.down(dst)
      return 3
    }
    let k = 1
    if (from >= 0) out[k++] = this.wanUp(from)
    if (to >= 0) out[k++] = this.wanDown(to)
    out[k++] = this.down(dst)

    return k
  }

  /** Nodes of the group named `group`, or of the whole fleet. */
  nodesOf(group: string | undefined): number[] {
    const k = group === undefined ? -1 : this.scenario.siteGroups.findIndex((g) => g.name === group)
    const out: number[] = []
    for (let i = 0; i < this.nodes; i++) if (k < 0 || this.groupOf(i) === k) out.push(i)

    return out
  }

  #assignRings(): void {
    const index = new Map<string, number>()
    const ringIndex = (name: string) => {
      let r = index.get(name)
      if (r === undefined) {
        r = this.ringNames.length
        this.ringNames.push(name)
        index.set(name, r)
      }
      return r
    }

    for (const [k, g] of this.scenario.siteGroups.entries()) {
      const nodes = this.nodesOf(g.name)
      const rings = Object.entries(g.rings ?? { broad: 1 })
      // Rings are spread over the group's sites: a canary share is a few nodes at many sites.
      new Random(this.scenario.seed, 200 + k).shuffle(nodes)
      let taken = 0
      for (const [r, [name, share]] of rings.entries()) {
        const until =
          r === rings.length - 1 ? nodes.length : Math.round(taken + share * nodes.length)
        const ring = ringIndex(name)
        for (; taken < until; taken++) this.ringOfNode[nodes[taken]] = ring
      }
    }
  }

  #planEvents(): void {
    const { seed, events } = this.scenario
    for (const [k, event] of events.entries()) {
      const random = new Random(seed, 300 + k)
      if (event.kind === 'wan-outage') {
        const sites = [...new Set(this.nodesOf(event.group).map((i) => this.siteOfNode[i]))]
        random.shuffle(sites)
        for (const site of sites.slice(0, event.sites)) {
          this.outages.push({ site, from: event.from, to: event.to })
        }
        continue
      }

      const nodes = random.shuffle(this.nodesOf(event.group))
      const chosen = nodes.slice(0, Math.round(event.share * nodes.length))
      for (const node of chosen) {
        if (event.kind === 'churn') this.churn.push({ node, at: event.at, downFor: event.downFor })
        else if (event.kind === 'late-join')
          this.joinAt[node] = Math.max(this.joinAt[node], event.at)
        else this.bad[node] = 1
      }
    }
  }

  /**
   * Random connections, `degree` per node on average, each made by one end choosing the other
   * (`degree / 2` choices each), as a dial makes a libp2p connection known to both ends.
   */
  #connect(degree: number, otherSitesOnly: boolean, stream: number): Adjacency {
    const n = this.nodes
    const random = new Random(this.scenario.seed, stream)
    const peers: number[][] = Array.from({ length: n }, () => [])
    const choices = Math.ceil(degree / 2)

    for (let i = 0; i < n; i++) {
      const candidates = otherSitesOnly ? n - this.siteSize[this.siteOfNode[i]] : n - 1
      const wanted = Math.min(choices, candidates)
      for (let tries = 0, made = 0; made < wanted && tries < 20 * wanted; tries++) {
        const j = random.below(n)
        if (j === i || peers[i].includes(j)) continue
        if (otherSitesOnly && this.siteOfNode[j] === this.siteOfNode[i]) continue
        peers[i].push(j)
        peers[j].push(i)
        made++
      }
    }

    const start = new Int32Array(n + 1)
    for (let i = 0; i < n; i++) start[i + 1] = start[i] + peers[i].length
    const list = new Int32Array(start[n])
    for (let i = 0; i < n; i++) list.set(peers[i], start[i])

    return { start, list }
  }
}
