/**
 * The install policy: for one patch on one node, which state it is in and what to do next. Pure:
 * the caller passes in everything it knows, including the time, and gets back a decision. The
 * records are the verified ones; signatures, expiry at receipt and sequence order were checked in
 * src/trust.
 *
 * The rules, first match wins:
 * 1. A revocation beats everything, an install that already happened included.
 * 2. An install that succeeded is final. One that failed stands too, with no retry of its own,
 *    until an approval for this node issued after the failure (later than every approval the
 *    node knew of when it failed) is in force: then the rules below decide once more, on the new
 *    approvals alone, and the node tries once more. Issue times are compared only with issue
 *    times, all on the coordinator's clock, never with the node's.
 * 3. Nothing happens to a patch not yet announced.
 * 4. Approvals apply to the node's ring or one of its groups. Of several for one ring or group
 *    the highest sequence stands; an approval past its expiry does not count.
 * 5. A halt issued at or after an approval sets it aside; an approval issued after every halt
 *    lifts them. Halts with no later applicable approval make the patch halted.
 * 6. Without an approval the patch waits, downloading first when the node prefetches.
 * 7. With one, the patch downloads; once downloaded it installs from not-before on, inside a
 *    maintenance window, or at any time when there are none or the deadline has passed. Of
 *    several approvals the one that allows the earliest install is used.
 */
import type { Approval, Halt } from '../wire/records.ts'
import type { InstallOutcome } from './types.ts'
import { nextWindowStart } from './windows.ts'
import { checkTimeZone } from './zoned-time.ts'

export { inWindow, nextWindowStart } from './windows.ts'

/** Where a patch stands on one node. */
export type InstallState =
  /** An approval or halt is known, but not the announcement: nothing to fetch yet. */
  | 'waiting-announcement'
  /** Announced, no approval applies to this node. */
  | 'waiting-approval'
  /** Approved (or prefetching on announcement) and not yet downloaded and verified whole. */
  | 'downloading'
  /** Downloaded and approved; install at `nextWindowStartMs`. */
  | 'waiting-window'
  /** Run the install action now. */
  | 'install-now'
  | 'installed'
  | 'failed'
  /** A halt stops installs until a later approval. */
  | 'halted'
  | 'revoked'

/** The node as the policy sees it. */
export interface NodeProfile {
  ring: string
  groups: readonly string[]
  /** IANA time zone name that maintenance windows are read in, e.g. "Europe/London". */
  timeZone: string
}

export interface PolicyInput {
  /** The patch's announcement has been verified and stored. */
  announced: boolean
  revoked: boolean
  /** Every chunk is in and the whole file matched the announcement. */
  downloaded: boolean
  /** Download on announcement, before any approval. Default false. */
  prefetch?: boolean
  /** The stored outcome of this patch's last install, if one ran (the ledger's entry). */
  outcome?: PastInstall
  node: NodeProfile
  /** All verified approvals for this patch, for any ring or group. */
  approvals: readonly Approval[]
  /** All verified halts for this patch. */
  halts: readonly Halt[]
  nowMs: number
}

/** A finished install as the policy sees it. */
export interface PastInstall extends Pick<InstallOutcome, 'ok' | 'reason'> {
  /**
   * For a failed install: the issue time of the newest approval for this node known when it
   * failed (see {@link newestApprovalMs}). Only an approval issued later retries it. Absent:
   * nothing tells a later approval apart, and the failure stands.
   */
  newestApprovalMs?: number
}

export interface InstallDecision {
  state: InstallState
  /** The decision retries a failed install, on an approval issued after the failure. */
  retry?: boolean
  /** The approval the decision rests on, when one applies. */
  approval?: Approval
  /** The latest halt, when the state is "halted". */
  halt?: Halt
  /**
   * For "waiting-window": when the install may start (the next window's start, the deadline, or
   * not-before, whichever comes first and allows it).
   */
  nextWindowStartMs?: number
  /** For operators, e.g. "approved for ring canary; maintenance window opens 2025-03-30T01:30Z". */
  reason: string
}

/**
 * Decides the state of one patch on one node. Throws InvalidTimeZoneError for an unknown
 * `node.timeZone` and InvalidWindowError for an approval with a window out of range.
 */
export function decideInstall(input: PolicyInput): InstallDecision {
  const { node, nowMs } = input
  checkTimeZone(node.timeZone)

  if (input.revoked) {
    const was = input.outcome?.ok === true ? ' (it was installed)' : ''

    return { state: 'revoked', reason: `patch revoked${was}` }
  }
  const { outcome } = input
  if (outcome?.ok === true) return { state: 'installed', reason: outcome.reason }
  if (outcome !== undefined && !input.announced) return { state: 'failed', reason: outcome.reason }
  if (!input.announced) {
    return { state: 'waiting-announcement', reason: 'patch not announced yet' }
  }

  const current = currentApprovals(input.approvals, node, nowMs)
  const halt = latest(input.halts)
  let live = current.filter((a) => halt === undefined || a.issuedAtMs > halt.issuedAtMs)
  if (outcome !== undefined) {
    const since = outcome.newestApprovalMs ?? Infinity
    live = live.filter((a) => a.issuedAtMs > since)
    if (live.length === 0) return { state: 'failed', reason: outcome.reason }
  }
  const retry = outcome === undefined ? {} : { retry: true }
  const again = outcome === undefined ? '' : 'retrying after a new approval; '

  if (live.length === 0) {
    if (halt !== undefined) {
      const why = halt.reason === '' ? '' : `: ${halt.reason}`

      return { state: 'halted', halt, reason: `installs halted${why}` }
    }
    if (!input.downloaded && input.prefetch === true) {
      return { state: 'downloading', reason: 'prefetching before approval' }
    }
    const expired = input.approvals.some((a) => applies(a, node))

    return {
      state: 'waiting-approval',
      reason: expired ? 'approval for this node expired' : 'no approval for this node',
    }
  }

  const plans = live.map((a) => planFor(a, node.timeZone, nowMs))
  const plan = plans.reduce((best, p) => (earlier(p, best) ? p : best))
  const target = `${again}approved for ${targetOf(plan.approval)}`
  const approval = plan.approval

  if (!input.downloaded) {
    return { state: 'downloading', approval, ...retry, reason: `${target}; downloading` }
  }
  if (plan.atMs <= nowMs) {
    return { state: 'install-now', approval, ...retry, reason: `${target}; ${plan.why}` }
  }

  return {
    state: 'waiting-window',
    approval,
    ...retry,
    nextWindowStartMs: plan.atMs,
    reason: `${target}; ${plan.why}`,
  }
}

/**
 * The issue time of the newest approval for this node among `approvals`, expired or not; 0 when
 * there is none. Stored with a failed install: only an approval issued later retries it.
 */
export function newestApprovalMs(approvals: readonly Approval[], node: NodeProfile): number {
  let newest = 0
  for (const a of approvals) if (applies(a, node)) newest = Math.max(newest, a.issuedAtMs)

  return newest
}

interface Plan {
  approval: Approval
  /** The earliest instant at or after now the approval allows the install. */
  atMs: number
  why: string
}

function planFor(a: Approval, timeZone: string, nowMs: number): Plan {
  const fromMs = Math.max(nowMs, a.notBeforeMs)
  const deadline = a.deadlineMs > 0 ? a.deadlineMs : Infinity
  const notBefore = fromMs > nowMs ? `not before ${iso(fromMs)}` : undefined

  if (a.windows.length === 0) {
    return { approval: a, atMs: fromMs, why: notBefore ?? 'no maintenance window set' }
  }
  if (fromMs >= deadline) {
    return { approval: a, atMs: fromMs, why: notBefore ?? `deadline ${iso(deadline)} passed` }
  }

  const windowMs = nextWindowStart(a.windows, timeZone, fromMs)
  if (deadline < windowMs) {
    return { approval: a, atMs: deadline, why: `deadline ${iso(deadline)} comes before a window` }
  }
  if (windowMs === nowMs) return { approval: a, atMs: nowMs, why: 'inside a maintenance window' }
  if (windowMs === fromMs) return { approval: a, atMs: fromMs, why: `${notBefore}, in a window` }

  return { approval: a, atMs: windowMs, why: `maintenance window opens ${iso(windowMs)}` }
}

/** The approvals that stand for this node: its ring's and groups', latest of each, unexpired. */
function currentApprovals(all: readonly Approval[], node: NodeProfile, nowMs: number): Approval[] {
  const byTarget = new Map<string, Approval>()
  for (const a of all) {
    if (!applies(a, node)) continue

    const key = targetOf(a)
    const seen = byTarget.get(key)
    if (seen === undefined || a.sequence > seen.sequence) byTarget.set(key, a)
  }

  return [...byTarget.values()].filter((a) => nowMs <= a.expiresAtMs)
}

function applies(a: Approval, node: NodeProfile): boolean {
  if (a.ring !== '') return a.group === '' && a.ring === node.ring

  return a.group !== '' && node.groups.includes(a.group)
}

function latest(halts: readonly Halt[]): Halt | undefined {
  let out: Halt | undefined
  for (const h of halts) if (out === undefined || h.issuedAtMs > out.issuedAtMs) out = h

  return out
}

/** Earlier install first; on a tie the more recently issued approval. */
function earlier(p: Plan, q: Plan): boolean {
  if (p.atMs !== q.atMs) return p.atMs < q.atMs

  return p.approval.issuedAtMs > q.approval.issuedAtMs
}

function targetOf(a: Approval): string {
  return a.ring !== '' ? `ring ${a.ring}` : `group ${a.group}`
}

function iso(ms: number): string {
  return new Date(ms).toISOString()
}
