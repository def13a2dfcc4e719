/**
 * The demo fleet's layout: which sites there are, which nodes each holds, each node's ring and
 * WAN limits, and what the patch is called. Pure, so that it can be tested and printed alike.
 */
import { basename, extname } from 'node:path'

/** The rollout rings of the demo, in the order they are approved. */
export const DEMO_RINGS = ['canary', 'pilot', 'broad'] as const

export type DemoRing = (typeof DEMO_RINGS)[number]

export interface PlannedNode {
  /** e.g. "site-2-node-3". */
  name: string
  site: string
  ring: DemoRing
  /** This node's share of its site's WAN link, Mbit/s, each way. */
  wanMbit: number
}

export interface PlannedSite {
  name: string
  /** The site's WAN link, Mbit/s. */
  wanMbit: number
  nodes: PlannedNode[]
}

/**
 * `sites` sites of `nodesPerSite` nodes. Site i gets `wanMbit[i]` (the list is cycled), split
 * evenly between its nodes: the nodes are separate processes with a limiter each, and an even
 * split keeps the site's total under its link's rate however many of them fetch at once.
 */
export function planFleet(sites: number, nodesPerSite: number, wanMbit: number[]): PlannedSite[] {
  return Array.from({ length: sites }, (_, s) => {
    const name = `site-${s + 1}`
    const link = wanMbit[s % wanMbit.length]

    return {
      name,
      wanMbit: link,
      nodes: Array.from({ length: nodesPerSite }, (_, i) => ({
        name: `${name}-node-${i + 1}`,
        site: name,
        ring: ringOf(i, nodesPerSite),
        wanMbit: link / nodesPerSite,
      })),
    }
  })
}

/**
 * The ring of the node at `position` (from 0) of a site of `nodesPerSite`: the first is the
 * site's canary, so every site's LAN and WAN are tried before the rest; of the others, about a
 * third (rounded) are pilot and the rest broad, as fleets usually weigh their rings.
 */
export function ringOf(position: number, nodesPerSite: number): DemoRing {
  if (position === 0) return 'canary'
  const pilots = Math.round((nodesPerSite - 1) / 3)

  return position <= pilots ? 'pilot' : 'broad'
}

/**
 * A name and version for the patch: a Debian package's own (`name_version_arch.deb`, with the
 * epoch's colon as apt-get writes it, %3a), otherwise the file's name and version 1.
 */
export function patchNaming(file: string | undefined): { name: string; version: string } {
  if (file === undefined) return { name: 'demo-patch', version: '1.0.0' }

  const base = basename(file)
  const deb = /^([a-z0-9][a-z0-9+.-]+)_([^_]+)_[^_]+\.deb$/.exec(base)
  if (deb !== null) return { name: deb[1], version: deb[2].replace(/%3a/gi, ':') }

  return { name: basename(base, extname(base)) || base, version: '1' }
}
