import {
  createRollout,
  type NodeReport,
  type NodeState,
  type RolloutInit,
  type RolloutModel,
} from '../../../src/coordinator/rollout/index.ts'

export const PATCH = 'a1b2c3d4e5f60718293a4b5c6d7e8f90'
export const RINGS = ['canary', 'pilot', 'broad'] as const
export const SIZE = 1_000
export const MINUTE = 60_000
export const HOUR = 60 * MINUTE

/** A rollout of PATCH over RINGS with automatic promotion on, unless `init` says otherwise. */
export function rollout(init: Partial<RolloutInit> = {}): RolloutModel {
  return createRollout({
    patchId: PATCH,
    sizeBytes: SIZE,
    rings: RINGS,
    autoPromote: true,
    ...init,
  })
}

/** A report from `nodeId`; `sequence` 1 and `timeMs` 0 unless given. */
export function report(
  nodeId: string,
  state: NodeState,
  fields: Partial<NodeReport> = {},
): NodeReport {
  return {
    nodeId,
    patchId: PATCH,
    state,
    site: 'hq',
    ring: 'canary',
    sequence: 1,
    timeMs: 0,
    ...fields,
  }
}

/** Records a report from `nodeId` with the next sequence number that node has not used. */
export function send(
  model: RolloutModel,
  nodeId: string,
  state: NodeState,
  atMs: number,
  fields: Partial<NodeReport> = {},
): void {
  const sequence = (model.node(nodeId)?.sequence ?? 0) + 1
  const ring = model.node(nodeId)?.ring ?? 'canary'
  model.record(report(nodeId, state, { ring, sequence, timeMs: atMs, ...fields }), atMs)
}

/**
 * Adds nodes `${ring}-0`, `${ring}-1`, ... to `ring`, as many in each state as `counts` says, all
 * reported at `atMs` and all at site `site`.
 */
export function populate(
  model: RolloutModel,
  ring: string,
  counts: Partial<Record<NodeState, number>>,
  atMs: number,
  site = 'hq',
): void {
  let i = 0
  for (const [state, count] of Object.entries(counts) as [NodeState, number][]) {
    for (let n = 0; n < count; n++) send(model, `${ring}-${i++}`, state, atMs, { ring, site })
  }
}
