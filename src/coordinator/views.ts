/**
 * What the API shows of the coordinator's state: plain JSON objects built from the patches,
 * rollouts and nodes. Pure; every time is passed in. Times are milliseconds since the epoch
 * (fields ending in Ms); absent values are null rather than missing, so clients see every field.
 */
import type { Window } from '../wire/records.ts'
import { summarize } from './rollout/index.ts'
import type { Approval, RingSummary, RolloutModel, SiteSummary } from './rollout/index.ts'
import type { HistoryEntry, NodeEntry, PatchEntry } from './state/index.ts'
import { formatWindow } from './windows.ts'

export interface WindowView extends Window {
  /** The window as an operator writes it, e.g. "mon-fri 01:00-04:00". */
  text: string
}

export interface ApprovalView {
  approvedAtMs: number
  notBeforeMs: number
  deadlineMs: number | null
  windows: WindowView[]
  by: 'operator' | 'policy'
}

export interface PatchListItem {
  patchId: string
  name: string
  version: string
  size: number
  targets: string[]
  issuedAtMs: number
  seenAtMs: number
  revoked: { reason: string; atMs: number } | null
  untrusted: { reason: string; atMs: number } | null
  halted: { reason: string; atMs: number; by: string } | null
  autoPromote: boolean
  nodes: number
  installed: number
  failed: number
  rings: Array<{ ring: string; approved: boolean; nodes: number; installed: number }>
}

export function windowView(w: Window): WindowView {
  return {
    days: w.days,
    startMinute: w.startMinute,
    durationMinutes: w.durationMinutes,
    text: formatWindow(w),
  }
}

export function approvalView(a: Approval): ApprovalView {
  return {
    approvedAtMs: a.approvedAtMs,
    notBeforeMs: a.notBeforeMs,
    deadlineMs: a.deadlineMs ?? null,
    windows: (a.windows as Window[]).map(windowView),
    by: a.by,
  }
}

export function patchListItem(patch: PatchEntry, model: RolloutModel): PatchListItem {
  const summary = summarize(model, { recentFailures: 0 })

  return {
    ...patchFields(patch),
    halted: model.halted === undefined ? null : { ...model.halted },
    autoPromote: model.autoPromote,
    nodes: summary.total.nodes,
    installed: summary.total.byState.installed,
    failed: summary.total.byState.failed,
    rings: summary.rings.map((r) => ({
      ring: r.ring,
      approved: r.approval !== undefined,
      nodes: Math.max(r.nodes, r.expectedNodes),
      installed: r.byState.installed,
    })),
  }
}

/** One patch's rollout by ring and site, its group approvals and the records signed for it. */
export function patchDetail(
  patch: PatchEntry,
  model: RolloutModel,
  history: readonly HistoryEntry[],
) {
  const summary = summarize(model)
  const ring = (r: RingSummary) => ({
    ...r,
    approval: r.approval === undefined ? null : approvalView(r.approval),
  })
  const site = (s: SiteSummary) => ({ ...s })

  return {
    patch: patchFields(patch),
    rollout: {
      patchId: summary.patchId,
      sizeBytes: summary.sizeBytes,
      autoPromote: summary.autoPromote,
      halted: summary.halted === undefined ? null : { ...summary.halted },
      resumedAtMs: model.resumedAtMs ?? null,
      total: summary.total,
      rings: summary.rings.map(ring),
      sites: summary.sites.map(site),
      groups: [...model.groupApprovals()]
        .sort(([a], [b]) => (a < b ? -1 : 1))
        .map(([group, approval]) => ({ group, approval: approvalView(approval) })),
    },
    history: history.map((h) =>
      h.type === 'approval' ? { ...h, windows: (h.windows as Window[]).map(windowView) } : h,
    ),
  }
}

export type PatchDetail = ReturnType<typeof patchDetail>

export interface NodeView {
  nodeId: string
  site: string
  ring: string
  groups: string[]
  firstSeenMs: number
  lastSeenMs: number
  /** Whether the node reported within the activity period (it counts towards ring shares). */
  active: boolean
  /** The node's latest state per patch it reported on. */
  patches: Record<string, string>
  /**
   * Per patch, the reason the node's latest report gives: why it failed, what holds it up (e.g.
   * "disk full: <path>") or, once installed, how; patches whose report gives none are left out.
   */
  reasons: Record<string, string>
}

export function nodeView(
  node: NodeEntry,
  states: Record<string, string>,
  reasons: Record<string, string>,
  active: boolean,
): NodeView {
  return {
    nodeId: node.nodeId,
    site: node.site,
    ring: node.ring,
    groups: [...node.groups],
    firstSeenMs: node.firstSeenMs,
    lastSeenMs: node.lastSeenMs,
    active,
    patches: states,
    reasons,
  }
}

function patchFields(p: PatchEntry) {
  return {
    patchId: p.patchId,
    name: p.name,
    version: p.version,
    size: p.size,
    chunkSize: p.chunkSize,
    targets: [...p.targets],
    description: p.description,
    issuedAtMs: p.issuedAtMs,
    expiresAtMs: p.expiresAtMs,
    seenAtMs: p.seenAtMs,
    revoked: p.revoked === undefined ? null : { ...p.revoked },
    untrusted: p.untrusted === undefined ? null : { ...p.untrusted },
  }
}
