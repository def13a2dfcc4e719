import { RolloutConfigError } from './errors.ts'

/**
 * Thresholds of progressive rollout. Every field is optional; the defaults are listed on each.
 * Shares are of a ring's nodes: the larger of the nodes enrolled in it (when the rollout was told)
 * and the nodes that reported.
 */
export interface RolloutPolicy {
  /** Share of a ring's nodes that must report `installed` before the next ring. Default 0.9. */
  promoteShare?: number
  /**
   * A ring promotes only while its share of failed nodes is strictly below this. In (0, 1];
   * a tiny value allows no failure at all. Default 0.05.
   */
  maxFailureShare?: number
  /**
   * How long a ring must stay at or above `promoteShare` before the next ring is approved,
   * counted from the later of the ring's approval and the time the share was reached (the
   * arrival of the installed report that made up the share). Default 3 600 000 (one hour).
   */
  soakMs?: number
  /**
   * The rollout halts when, in any one ring, the nodes that failed since the rollout was last
   * resumed reach this share of the ring and number at least `minReportsForHalt`. Default 0.2.
   */
  haltFailureShare?: number
  /**
   * Fewest failed nodes in a ring for an automatic halt, whatever their share, so that one
   * failure in a tiny ring does not halt the rollout. Default 3.
   */
  minReportsForHalt?: number
}

export type ResolvedRolloutPolicy = Readonly<Required<RolloutPolicy>>

/** The defaults documented on {@link RolloutPolicy}. */
export const DEFAULT_ROLLOUT_POLICY: ResolvedRolloutPolicy = Object.freeze({
  promoteShare: 0.9,
  maxFailureShare: 0.05,
  soakMs: 3_600_000,
  haltFailureShare: 0.2,
  minReportsForHalt: 3,
})

/** Fills in defaults and checks ranges; throws {@link RolloutConfigError}. */
export function resolvePolicy(policy: RolloutPolicy = {}): ResolvedRolloutPolicy {
  const resolved: Required<RolloutPolicy> = { ...DEFAULT_ROLLOUT_POLICY }
  for (const key of Object.keys(resolved) as (keyof RolloutPolicy)[]) {
    const value = policy[key]
    if (value !== undefined) resolved[key] = value
  }

  share('promoteShare', resolved.promoteShare)
  share('maxFailureShare', resolved.maxFailureShare)
  share('haltFailureShare', resolved.haltFailureShare)
  if (!Number.isSafeInteger(resolved.minReportsForHalt) || resolved.minReportsForHalt < 1) {
    fail('minReportsForHalt', 'must be an integer >= 1')
  }
  if (typeof resolved.soakMs !== 'number' || !Number.isFinite(resolved.soakMs)) {
    fail('soakMs', 'must be a finite number of ms >= 0')
  }
  if (resolved.soakMs < 0) fail('soakMs', 'must be a finite number of ms >= 0')

  return Object.freeze(resolved)
}

/**
 * The fewest of `nodes` that make up `share`: the smallest k with k / nodes >= share. Computed
 * with the same division the share is shown with, so 0.7 of 10 is 7, not ceil(7.000000000000001).
 */
export function needed(nodes: number, share: number): number {
  let k = Math.ceil(share * nodes)
  while (k > 0 && (k - 1) / nodes >= share) k--
  while (k < nodes && k / nodes < share) k++

  return k
}

function share(name: string, value: number): void {
  if (typeof value !== 'number' || !(value > 0 && value <= 1)) fail(name, 'must be in (0, 1]')
}

function fail(name: string, reason: string): never {
  throw new RolloutConfigError(`policy.${name}`, reason)
}
