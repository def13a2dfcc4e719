/** Names for the sites of a simulation report, which lists per-site figures in site order. */
import type { Scenario } from '../types.ts'

/**
 * A label for each of `count` sites: `<group>-<n>` when the scenario's groups, expanded in
 * order, give exactly `count` sites (a group of one site keeps its own name); `site <n>`
 * otherwise. The report does not name its sites, so this assumes the simulator numbers them
 * group by group in the scenario's order.
 */
export function siteLabels(scenario: Scenario, count: number): string[] {
  const labels: string[] = []
  for (const group of scenario.siteGroups) {
    for (let i = 1; i <= group.count; i++) {
      labels.push(group.count === 1 ? group.name : `${group.name}-${i}`)
    }
  }

  if (labels.length === count) return labels

  return Array.from({ length: count }, (_, i) => `site ${i + 1}`)
}
