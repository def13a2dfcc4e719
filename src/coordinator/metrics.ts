/**
 * The coordinator's Prometheus metrics, from one place. Each coordinator has a registry of its
 * own (two in one process share nothing). Gauges are read from the state when scraped; counters
 * count events, successes and failures in pairs.
 */
import { Counter, Gauge, Registry } from 'prom-client'
import { NODE_STATES, summarize } from './rollout/index.ts'
import type { RolloutModel } from './rollout/index.ts'
import type { NodeEntry, PatchEntry } from './state/index.ts'

/** What the gauges read when scraped. */
export interface MetricsSource {
  patches(): Iterable<{ patch: PatchEntry; model: RolloutModel }>
  nodes(): Iterable<NodeEntry>
  isActive(node: NodeEntry): boolean
}

const ACTORS = ['operator', 'policy'] as const
const REPORT_OUTCOMES = ['recorded', 'duplicate', 'stale', 'refused'] as const

export class CoordinatorMetrics {
  readonly registry = new Registry()
  /** Approvals signed, by who decided: operator or policy. */
  readonly approvals: Counter<'by'>
  /** Halts signed, by who decided. */
  readonly halts: Counter<'by'>
  /** Status reports received, by what became of them. */
  readonly reports: Counter<'outcome'>
  /** Signed records handed to the mesh, by result: ok or failed. */
  readonly published: Counter<'result'>

  constructor(source: MetricsSource) {
    const registers = [this.registry]

    this.approvals = new Counter({
      name: 'patchmesh_coordinator_approvals_total',
      help: 'Approvals signed, by who decided (operator or policy)',
      labelNames: ['by'],
      registers,
    })
    this.halts = new Counter({
      name: 'patchmesh_coordinator_halts_total',
      help: 'Halts signed, by who decided (operator or policy)',
      labelNames: ['by'],
      registers,
    })
    this.reports = new Counter({
      name: 'patchmesh_coordinator_reports_total',
      help: 'Status reports received, by outcome',
      labelNames: ['outcome'],
      registers,
    })
    this.published = new Counter({
      name: 'patchmesh_coordinator_records_published_total',
      help: 'Signed approvals and halts handed to the mesh, by result',
      labelNames: ['result'],
      registers,
    })
    for (const by of ACTORS) {
      this.approvals.inc({ by }, 0)
      this.halts.inc({ by }, 0)
    }
    for (const outcome of REPORT_OUTCOMES) this.reports.inc({ outcome }, 0)
    for (const result of ['ok', 'failed']) this.published.inc({ result }, 0)

    this.#gauges(source, registers)
  }

  #gauges(source: MetricsSource, registers: Registry[]): void {
    new Gauge({
      name: 'patchmesh_coordinator_patches',
      help: 'Patches announced, by status (active, halted, revoked)',
      labelNames: ['status'],
      registers,
      collect() {
        const counts = { active: 0, halted: 0, revoked: 0 }
        for (const { patch, model } of source.patches()) {
          const status =
            patch.revoked !== undefined ? 'revoked' : model.halted ? 'halted' : 'active'
          counts[status]++
        }
        for (const [status, n] of Object.entries(counts)) this.set({ status }, n)
      },
    })
    new Gauge({
      name: 'patchmesh_coordinator_nodes',
      help: 'Nodes that ever reported, by whether they reported recently (active) or not',
      labelNames: ['status'],
      registers,
      collect() {
        const counts = { active: 0, inactive: 0 }
        for (const node of source.nodes()) counts[source.isActive(node) ? 'active' : 'inactive']++
        for (const [status, n] of Object.entries(counts)) this.set({ status }, n)
      },
    })
    new Gauge({
      name: 'patchmesh_coordinator_patch_nodes',
      help: 'Nodes per patch by their latest reported state',
      labelNames: ['patch', 'name', 'version', 'state'],
      registers,
      collect() {
        this.reset()
        for (const { patch, model } of source.patches()) {
          const { byState } = summarize(model, { recentFailures: 0 }).total
          for (const state of NODE_STATES) this.set({ ...labels(patch), state }, byState[state])
        }
      },
    })
    new Gauge({
      name: 'patchmesh_coordinator_patch_bytes',
      help: 'Bytes of a patch the nodes obtained, by source (own_site, other_sites, origin)',
      labelNames: ['patch', 'name', 'version', 'source'],
      registers,
      collect() {
        this.reset()
        for (const { patch, model } of source.patches()) {
          const { bytes } = summarize(model, { recentFailures: 0 }).total
          this.set({ ...labels(patch), source: 'own_site' }, bytes.ownSite)
          this.set({ ...labels(patch), source: 'other_sites' }, bytes.otherSites)
          this.set({ ...labels(patch), source: 'origin' }, bytes.origin)
        }
      },
    })
    new Gauge({
      name: 'patchmesh_coordinator_patch_wan_saved_bytes',
      help: 'WAN bytes saved against every node pulling the patch from the origin',
      labelNames: ['patch', 'name', 'version'],
      registers,
      collect() {
        this.reset()
        for (const { patch, model } of source.patches()) {
          const { bytes } = summarize(model, { recentFailures: 0 }).total
          this.set(labels(patch), bytes.savedWan)
        }
      },
    })
  }
}

function labels(patch: PatchEntry): { patch: string; name: string; version: string } {
  return { patch: patch.patchId, name: patch.name, version: patch.version }
}
