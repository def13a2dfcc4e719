/**
 * `patchmesh status [PATCH]`: the fleet and the rollouts as the coordinator sees them. Without a
 * patch: every patch with its progress by ring, and the nodes by site and ring. With one: its
 * rollout by ring and by site, with the bytes nodes got from their own site and over the WAN.
 *
 * WAN saved is the view's bytes.savedWan: what every node pulling the patch from the origin
 * would have moved over the WAN, less what did cross it. "Naive" is the first of those.
 */
import Table from 'cli-table3'
import type { Command } from 'commander'
import type { ByteSummary, CountSummary } from '../coordinator/rollout/index.ts'
import type { NodeView, PatchDetail, PatchListItem } from '../coordinator/views.ts'
import { formatBytes } from '../util/units.ts'
import { addClientOptions, connect, failRequest, patchPath } from './coordinator-client.ts'
import type { ClientFlags } from './coordinator-client.ts'
import { emit } from './output.ts'

const BAR_WIDTH = 10

export function registerStatus(program: Command): void {
  addClientOptions(
    program
      .command('status')
      .description('show the rollouts and the fleet, or one patch by ring and by site')
      .argument('[patch]', 'patch id or name@version; without one, every patch and the fleet'),
  ).action(async (patch: string | undefined, flags: ClientFlags) => {
    const json = flags.json === true
    try {
      const client = await connect(flags, 'read')
      if (patch !== undefined) {
        const detail = await client.get<PatchDetail>(patchPath(patch))
        emit(json, detail, describePatch)
        return
      }
      const [{ patches }, { nodes }] = await Promise.all([
        client.get<{ patches: PatchListItem[] }>('/patches'),
        client.get<{ nodes: NodeView[] }>('/nodes'),
      ])
      emit(json, { patches, nodes }, describeFleet)
    } catch (err) {
      failRequest(err, json)
    }
  })
}

function describeFleet({ patches, nodes }: { patches: PatchListItem[]; nodes: NodeView[] }) {
  const lines: string[] = []
  if (patches.length === 0) lines.push('no patch announced yet')
  else {
    const list = table(['patch', 'id', 'status', 'installed', 'failed', 'rings'])
    for (const p of patches) {
      const rings = p.rings.map(
        (r) => `${r.ring || '(none)'} ${r.installed}/${r.nodes}${r.approved ? ' approved' : ''}`,
      )
      list.push([
        `${p.name} ${p.version}`,
        p.patchId.slice(0, 12),
        statusOf(p),
        `${p.installed}/${p.nodes}`,
        p.failed,
        rings.join('\n'),
      ])
    }
    lines.push(list.toString())
  }

  if (nodes.length === 0) lines.push('no node reported yet')
  else lines.push(fleetTable(nodes))

  return lines.join('\n')
}

function fleetTable(nodes: NodeView[]): string {
  const rings = [...new Set(nodes.map((n) => n.ring))]
  const sites = new Map<string, NodeView[]>()
  for (const node of nodes) sites.set(node.site, [...(sites.get(node.site) ?? []), node])

  const fleet = table(['site', 'nodes', 'active', ...rings.map((r) => r || '(no ring)')])
  for (const [site, members] of sites) {
    fleet.push([
      site,
      members.length,
      members.filter((n) => n.active).length,
      ...rings.map((ring) => members.filter((n) => n.ring === ring).length),
    ])
  }

  return fleet.toString()
}

function describePatch(detail: PatchDetail): string {
  const { patch, rollout } = detail
  const lines = [
    `${patch.name} ${patch.version}  patch ${patch.patchId}  ${formatBytes(patch.size)}`,
    `status: ${statusOf({ revoked: patch.revoked, halted: rollout.halted })}`,
  ]

  const rings = table(['ring', 'approval', ...COUNT_HEADS, ...BYTE_HEADS])
  for (const r of rollout.rings) {
    rings.push([r.ring || '(no ring)', approvalText(r.approval), ...counts(r), ...bytes(r.bytes)])
  }
  const sites = table(['site', ...COUNT_HEADS, ...BYTE_HEADS])
  for (const s of rollout.sites) sites.push([s.site, ...counts(s), ...bytes(s.bytes)])

  const total = rollout.total.bytes
  lines.push(rings.toString())
  if (rollout.sites.length > 0) lines.push(sites.toString())
  lines.push(
    `WAN: ${formatBytes(total.wan)} crossed, ${formatBytes(total.savedWan)} saved against ` +
      `${formatBytes(total.savedWan + total.wan)} if every node pulled from the origin`,
  )
  for (const g of rollout.groups) lines.push(`group ${g.group}: ${approvalText(g.approval)}`)
  const { stalled } = rollout.total
  if (stalled.count > 0) lines.push(`held up: ${stalled.count}`)
  for (const n of stalled.recent) {
    lines.push(`  ${n.nodeId} (site ${n.site}) ${n.state}: ${n.reason}, since ${iso(n.atMs)}`)
  }

  return lines.join('\n')
}

const COUNT_HEADS = ['nodes', 'installed', 'in progress', 'failed', 'progress']
const BYTE_HEADS = ['own site', 'WAN', 'WAN saved']

function counts(c: CountSummary): (string | number)[] {
  const s = c.byState
  const busy = s.downloading + s.downloaded + s['waiting-window'] + s.installing

  return [c.nodes, s.installed, busy, s.failed, bar(c.installedShare)]
}

function bytes(b: ByteSummary): string[] {
  return [formatBytes(b.ownSite), formatBytes(b.wan), formatBytes(b.savedWan)]
}

function bar(share: number): string {
  const filled = Math.round(share * BAR_WIDTH)

  return `${'#'.repeat(filled)}${'.'.repeat(BAR_WIDTH - filled)} ${Math.round(share * 100)}%`
}

type ApprovalView = PatchDetail['rollout']['groups'][number]['approval']

function approvalText(a: ApprovalView | null): string {
  if (a === null) return 'not approved'

  const parts = [`${iso(a.approvedAtMs)} by ${a.by}`]
  if (a.notBeforeMs > a.approvedAtMs) parts.push(`not before ${iso(a.notBeforeMs)}`)
  if (a.deadlineMs !== null) parts.push(`deadline ${iso(a.deadlineMs)}`)
  if (a.windows.length > 0) parts.push(`windows ${a.windows.map((w) => w.text).join(', ')}`)

  return parts.join('\n')
}

function statusOf(p: Pick<PatchListItem, 'revoked' | 'halted'>): string {
  if (p.revoked !== null) return `revoked: ${p.revoked.reason}`
  if (p.halted !== null) {
    const why = p.halted.reason === '' ? '' : `: ${p.halted.reason}`
    return `halted by ${p.halted.by} ${iso(p.halted.atMs)}${why}`
  }

  return 'active'
}

/** A table without colours: output goes to terminals, files and scripts alike. */
function table(head: string[]) {
  return new Table({ head, style: { head: [], border: [] } })
}

function iso(ms: number): string {
  return new Date(ms).toISOString().replace('.000Z', 'Z')
}
