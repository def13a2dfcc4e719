/**
 * The simulator's prediction for a namespace fleet: the same scenario, run in simulated time
 * with the node's own scheduler, patchmesh strategy only.
 */
import { runSimulation } from '../simulate.ts'
import type { Scenario } from '../types.ts'
import type { Prediction } from './fleet.ts'

export async function predict(scenario: Scenario): Promise<Prediction> {
  const report = await runSimulation(
    { ...scenario, strategies: ['patchmesh'] },
    {
      strategies: ['patchmesh'],
    },
  )
  const patchmesh = report.strategies.patchmesh
  if (patchmesh === undefined) throw new Error('the simulator ran no patchmesh strategy')

  return { siteWanBytes: patchmesh.siteWanBytes, seconds: patchmesh.completionSeconds.max }
}
