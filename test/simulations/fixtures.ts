import { parseScenario } from '../../simulations/scenario.ts'
import type { Scenario } from '../../simulations/types.ts'

/** A scenario from YAML text, as a file would give it. */
export function scenario(yaml: string): Scenario {
  return parseScenario(yaml, 'test.yaml')
}

/** A small scenario: `sites` sites of `nodes` nodes, a 16 MiB patch of 1 MiB chunks. */
export function small(opts: { sites?: number; nodes?: number; extra?: string } = {}): Scenario {
  return scenario(`
seed: 3
patch: { size: 16MiB, chunkSize: 1MiB }
origin: { upMbit: 1000 }
siteGroups:
  - { name: branch, count: ${opts.sites ?? 2}, nodesPerSite: ${opts.nodes ?? 4}, wanDownMbit: 50, wanUpMbit: 20, lanMbit: 1000, nodeMbit: 1000 }
${opts.extra ?? ''}
`)
}
