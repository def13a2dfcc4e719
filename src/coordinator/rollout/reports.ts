import { InvalidReportError, PatchMismatchError } from './errors.ts'
import {
  NODE_STATES,
  type NodeRecord,
  type NodeReport,
  type NodeState,
  type ReportOutcome,
} from './types.ts'

const STATES: ReadonlySet<string> = new Set(NODE_STATES)

/** True for one of {@link NODE_STATES}. */
export function isNodeState(value: string): value is NodeState {
  return STATES.has(value)
}

/**
 * Checks a report against the rollout of `patchId` and returns its state; throws
 * {@link InvalidReportError} or {@link PatchMismatchError}.
 */
export function checkReport(report: NodeReport, patchId: string): NodeState {
  const { nodeId, state } = report

  if (typeof nodeId !== 'string' || nodeId === '') {
    throw new InvalidReportError('nodeId', 'must be a non-empty string')
  }
  const bad = (field: string, reason: string): never => {
    throw new InvalidReportError(field, reason, nodeId)
  }
  if (report.patchId !== undefined && report.patchId !== '' && report.patchId !== patchId) {
    throw new PatchMismatchError(patchId, report.patchId)
  }
  if (typeof state !== 'string' || !isNodeState(state)) bad('state', `is not a known state`)
  if (typeof report.site !== 'string') bad('site', 'must be a string')
  if (typeof report.ring !== 'string') bad('ring', 'must be a string')
  if (!Number.isSafeInteger(report.sequence) || report.sequence < 0) {
    bad('sequence', 'must be an integer >= 0')
  }
  if (typeof report.timeMs !== 'number' || !Number.isFinite(report.timeMs)) {
    bad('timeMs', 'must be a finite number')
  }
  for (const field of COUNTS) {
    const value = report[field] ?? 0
    if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
      bad(field, 'must be a finite number >= 0')
    }
  }

  return state as NodeState
}

const COUNTS = [
  'chunksHeld',
  'chunkCount',
  'bytesOwnSite',
  'bytesOtherSites',
  'bytesOrigin',
] as const

/**
 * Whether a report replaces the node's record: only a higher sequence does. An equal sequence
 * is a duplicate even when its fields differ; the first one to arrive stays.
 */
export function outcomeOf(previous: NodeRecord | undefined, sequence: number): ReportOutcome {
  if (previous === undefined || sequence > previous.sequence) return 'recorded'

  return sequence === previous.sequence ? 'duplicate' : 'stale'
}

/** The node's record after a checked report that is newer than `previous`. */
export function nextRecord(
  previous: NodeRecord | undefined,
  report: NodeReport,
  state: NodeState,
  receivedAtMs: number,
): NodeRecord {
  const sameState = previous !== undefined && previous.state === state

  return {
    nodeId: report.nodeId,
    ring: report.ring,
    site: report.site,
    state,
    sequence: report.sequence,
    chunksHeld: report.chunksHeld ?? 0,
    chunkCount: report.chunkCount ?? 0,
    bytes: {
      ownSite: report.bytesOwnSite ?? 0,
      otherSites: report.bytesOtherSites ?? 0,
      origin: report.bytesOrigin ?? 0,
    },
    reason: reasonOf(state, report.reason),
    reportedAtMs: report.timeMs,
    receivedAtMs,
    stateSinceMs: sameState ? previous.stateSinceMs : receivedAtMs,
  }
}

/**
 * A failed node keeps its reason ('' when it gave none). Another state keeps one only when the
 * report carries it: a node saying what holds it up, such as a download paused on a full disk.
 */
function reasonOf(state: NodeState, reason: string | undefined): string | undefined {
  if (state === 'failed') return reason ?? ''

  return reason === undefined || reason === '' ? undefined : reason
}
