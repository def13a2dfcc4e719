/**
 * The lower bound on the time by which the whole fleet can hold the patch, whatever the strategy:
 * no schedule of transfers over the scenario's links finishes earlier. Each term is a separate
 * necessary condition; the bound is the largest.
 *
 * Notation: F patch size (bytes), N nodes, S sites, u_0 the origin's upload; node i has a link
 * of d_i down and u_i up; site s has n_s nodes, WAN down D_s, WAN up U_s and LAN L_s. At time 0
 * only the origin holds the patch, and the origin sits outside every site.
 *
 * 1. `origin`: F / u_0. At least one copy of every byte leaves the origin.
 * 2. `nodeLink`: max_i F / d_i. Every node receives F through its own link.
 * 3. `kumarRoss`: N F / (u_0 + Σ_i u_i). Kumar and Ross (2006): N F bytes must be received,
 *    and the fleet can send at most u_0 + Σ u_i bytes per second.
 * 4. `siteWan`: max_s F / D_s. No node of site s holds any byte at first, so every byte reaches
 *    the site at least once over its WAN down link.
 * 5. `siteKumarRoss`: S F / (u_0 + Σ_s min(U_s, Σ_{i in s} u_i)). Kumar and Ross with sites as
 *    the peers: every site receives F over its WAN (4), so S F bytes cross WAN links inward, and
 *    they come from the origin or out of another site's WAN up link.
 * 6. `siteLan`: max_s n_s F / (D_s + min(L_s, Σ_{i in s} u_i)). The nodes of site s receive
 *    n_s F bytes in all, each over the WAN down link or from a node of the site over the LAN.
 *
 * Events tighten terms 2 and 4: a node that joins at t_j, or goes down at t < F / d_i for τ
 * seconds, cannot finish before t_j + F / d_i or F / d_i + τ; a site whose WAN is cut from t1 to
 * t2 with t1 < F / D_s cannot finish before F / D_s + (t2 - t1) (it receives nothing meanwhile).
 * Bad peers and the other events only slow a fleet, so the bound without them stays valid.
 */
import type { Fleet } from './fleet.ts'

export interface LowerBound {
  seconds: number
  terms: Record<string, number>
}

export function lowerBound(fleet: Fleet): LowerBound {
  const { capacity, scenario } = fleet
  const F = scenario.patch.size
  const origin = capacity[fleet.up(fleet.origin)]
  let nodeLink = 0
  let uploads = 0
  for (let i = 0; i < fleet.nodes; i++) {
    const t = F / capacity[fleet.down(i)] + fleet.joinAt[i]
    if (t > nodeLink) nodeLink = t
    uploads += capacity[fleet.up(i)]
  }
  for (const { node, at, downFor } of fleet.churn) {
    const alone = F / capacity[fleet.down(node)]
    if (at < alone) nodeLink = Math.max(nodeLink, alone + downFor)
  }

  let siteWan = 0
  let siteLan = 0
  let siteUploads = 0
  for (let s = 0; s < fleet.sites; s++) {
    let nodeUps = 0
    for (let i = fleet.siteFirst[s]; i < fleet.siteFirst[s + 1]; i++)
      nodeUps += capacity[fleet.up(i)]
    const down = capacity[fleet.wanDown(s)]
    siteWan = Math.max(siteWan, F / down)
    siteLan = Math.max(
      siteLan,
      (fleet.siteSize[s] * F) / (down + Math.min(capacity[fleet.lan(s)], nodeUps)),
    )
    siteUploads += Math.min(capacity[fleet.wanUp(s)], nodeUps)
  }
  for (const { site, from, to } of fleet.outages) {
    const alone = F / capacity[fleet.wanDown(site)]
    if (from < alone) siteWan = Math.max(siteWan, alone + (to - from))
  }

  const terms = {
    origin: F / origin,
    nodeLink,
    kumarRoss: (fleet.nodes * F) / (origin + uploads),
    siteWan,
    siteKumarRoss: (fleet.sites * F) / (origin + siteUploads),
    siteLan,
  }

  return { seconds: Math.max(...Object.values(terms)), terms }
}
