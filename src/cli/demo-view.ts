/**
 * What `patchmesh demo` shows: progress per site while it runs (bars on a terminal, a line every
 * few seconds otherwise, on standard error) and the summary at the end.
 */
import cliProgress from 'cli-progress'
import type { SiteProgress } from '../demo/fleet.ts'
import type { DemoSummary } from '../demo/summary.ts'
import { formatBytes } from '../util/units.ts'

/** How often a plain progress line is printed when standard error is not a terminal: 3 s. */
const LINE_EVERY_MS = 3000

export interface DemoDisplay {
  stage: (message: string) => void
  dashboard: (url: string) => void
  progress: (sites: SiteProgress[]) => void
  stop: () => void
}

/** Stage lines always (on standard error); progress bars or lines unless `json`. */
export function progressDisplay(json: boolean): DemoDisplay {
  const tty = process.stderr.isTTY === true && !json
  const multi = tty
    ? new cliProgress.MultiBar(
        {
          format: '{site} [{bar}] {percentage}% | {installed}/{nodes} installed | WAN in {wan}',
          hideCursor: true,
          stream: process.stderr,
          barsize: 30,
        },
        cliProgress.Presets.shades_classic,
      )
    : undefined
  const bars = new Map<string, cliProgress.SingleBar>()
  let lastLine = 0
  let lastText = ''
  const line = (text: string) => {
    if (multi === undefined) console.error(text)
    else multi.log(`${text}\n`)
  }

  return {
    stage: line,
    dashboard: (url) => line(`dashboard and API: ${url}  (open it to follow the rollout)`),
    progress: (sites) => {
      if (json) return
      if (multi !== undefined) {
        for (const s of sites) {
          const fields = {
            site: s.name.padEnd(8),
            installed: s.installed,
            nodes: s.nodes,
            wan: formatBytes(s.wanBytesIn),
          }
          let bar = bars.get(s.name)
          if (bar === undefined) bars.set(s.name, (bar = multi.create(s.totalBytes, 0, fields)))
          bar.update(s.fetchedBytes, fields)
        }
        return
      }
      const text = sites
        .map(
          (s) =>
            `${s.name} ${Math.floor((100 * s.fetchedBytes) / Math.max(s.totalBytes, 1))}% ` +
            `${s.installed}/${s.nodes} installed`,
        )
        .join(', ')
      if (text !== lastText && Date.now() - lastLine >= LINE_EVERY_MS) {
        lastLine = Date.now()
        lastText = text
        console.error(`progress: ${text}`)
      }
    },
    stop: () => multi?.stop(),
  }
}

/** The summary for people. */
export function describeSummary(s: DemoSummary): string {
  const installed = s.nodes.filter((n) => n.state === 'installed' && n.sha256Match).length
  const wanIn = s.sites.reduce((sum, site) => sum + site.wanBytesIn, 0)
  const seconds = (value: number | null) => (value === null ? '-' : `${value.toFixed(1)} s`)
  const lines = [
    `${s.ok ? 'OK' : 'FAILED'}: ${s.patch.name} ${s.patch.version} (${formatBytes(s.patch.size)}) ` +
      `installed with its exact SHA-256 on ${installed} of ${s.nodes.length} nodes in ` +
      `${s.seconds.toFixed(1)} s from the first approval (fleet started in ` +
      `${s.startupSeconds.toFixed(1)} s)`,
    `patch ${s.patch.id}, sha256 ${s.patch.sha256}`,
    ...(s.problem === null ? [] : [`problem: ${s.problem}`]),
    '',
    `rollout (${s.prefetch ? 'nodes prefetched before approval' : 'nodes fetched only once approved'})`,
    ...table([
      ['ring', 'nodes', 'installed', 'failed', 'approved at', 'done at'],
      ...s.rings.map((r) => [
        r.name,
        String(r.nodes),
        String(r.installed),
        String(r.failed),
        seconds(r.approvedAtSeconds),
        seconds(r.doneAtSeconds),
      ]),
    ]),
    '',
    ...table([
      ['node', 'ring', 'state', 'sha256', 'own site', 'other sites', 'origin'],
      ...s.nodes.map((n) => [
        n.name,
        n.ring,
        n.state || 'no report',
        n.sha256 === null ? 'no file' : n.sha256Match ? 'match' : 'DIFFERS',
        formatBytes(n.bytes.ownSite),
        formatBytes(n.bytes.otherSites),
        formatBytes(n.bytes.origin),
      ]),
    ]),
    '',
    ...table([
      ['site', 'nodes', 'WAN link', 'WAN in', 'x patch', 'WAN out', 'naive WAN in'],
      ...s.sites.map((site) => [
        site.name,
        String(site.nodes),
        `${site.wanMbit} Mbit/s`,
        formatBytes(site.wanBytesIn),
        (site.wanBytesIn / Math.max(s.patch.size, 1)).toFixed(2),
        formatBytes(site.wanBytesOut),
        formatBytes(site.nodes * s.patch.size),
      ]),
    ]),
    '',
    `The sites pulled ${formatBytes(wanIn)} over their WAN links in all; a naive fleet (every ` +
      `node from the origin) pulls ${formatBytes(s.naiveWanBytes)}, ` +
      `${(s.naiveWanBytes / Math.max(wanIn, 1)).toFixed(1)} times as much. The origin sent ` +
      `${formatBytes(s.originBytesOut)}.`,
  ]
  if (s.workDir !== null) lines.push(`kept ${s.workDir}`)

  return lines.join('\n')
}

/** Rows as left-aligned columns, two spaces apart. */
function table(rows: string[][]): string[] {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)))

  return rows.map((r) =>
    r
      .map((cell, i) => cell.padEnd(widths[i]))
      .join('  ')
      .trimEnd(),
  )
}
