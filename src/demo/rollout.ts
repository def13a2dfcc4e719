/**
 * The demo's rollout, as a careful operator runs one: approve the canary ring, wait until every
 * canary has installed the patch or failed; if one failed, halt and approve nothing more, else
 * approve the other rings and wait for every node. Every wait reads the coordinator's API.
 */
import type { DemoOperator, FleetView } from './operator.ts'
import { FINAL_STATES } from './operator.ts'
import { DEMO_RINGS } from './plan.ts'
import type { DemoRing, PlannedNode } from './plan.ts'
import type { Daemon } from './processes.ts'
import type { RingResult } from './summary.ts'

const POLL_MS = 500

/** A node process and what the demo planned for it. */
export interface FleetNode extends PlannedNode {
  daemon: Daemon
  dataDir: string
}

export interface RolloutInput {
  operator: DemoOperator
  patchId: string
  fleet: FleetNode[]
  watch: Watch
  stage: (message: string) => void
  progress: (view: FleetView) => void
}

export interface RolloutResult {
  /** The fleet when the rollout ended. */
  view: FleetView
  rings: RingResult[]
  /** Why the rollout stopped early, when it did. */
  problem: string | undefined
  /** From the first approval to the end. */
  seconds: number
}

export async function rollOut(input: RolloutInput): Promise<RolloutResult> {
  const { operator, fleet, watch, stage } = input
  const started = performance.now()
  const since = () => Math.round(performance.now() - started) / 1000
  const rings = DEMO_RINGS.map((name) => ringResult(name, fleet))
  const stateOf = (view: FleetView, node: FleetNode) => view.states.get(node.daemon.peerId) ?? ''

  const approve = async (ring: RingResult) => {
    stage(`approving ring ${ring.name}  (patchmesh approve ${input.patchId} --ring ${ring.name})`)
    await operator.approve(ring.name)
    ring.approvedAtSeconds = since()
  }
  /** A check for Watch.until: the view once every node of `ring` (or all) is done. */
  const done = (ring: DemoRing | undefined) => async () => {
    const view = await operator.view()
    input.progress(view)
    for (const r of rings) {
      const states = fleet.filter((n) => n.ring === r.name).map((n) => stateOf(view, n))
      r.installed = states.filter((s) => s === 'installed').length
      r.failed = states.filter((s) => s === 'failed').length
      const over = r.installed + r.failed === r.nodes
      if (over && r.approvedAtSeconds !== null && r.doneAtSeconds === null) {
        r.doneAtSeconds = since()
      }
    }
    const waitedOn = fleet.filter((n) => ring === undefined || n.ring === ring)

    return waitedOn.every((n) => FINAL_STATES.has(stateOf(view, n))) ? view : undefined
  }

  const [canary, ...others] = rings
  await approve(canary)
  let view = await watch.until('every canary to install or fail', done('canary'))
  const failed = fleet.filter((n) => n.ring === 'canary' && stateOf(view, n) !== 'installed')
  if (failed.length > 0) {
    const problem =
      `canary ${failed.map((n) => n.name).join(', ')} failed: the rollout is halted and the ` +
      'other rings were not approved'
    stage(problem)
    await operator.halt('a canary failed in the demo')

    return { view, rings, problem, seconds: since() }
  }

  stage(`every canary installed the patch in ${since().toFixed(1)} s`)
  for (const ring of others) await approve(ring)
  view = await watch.until('every node to install or fail', done(undefined))

  return { view, rings, problem: undefined, seconds: since() }
}

function ringResult(name: DemoRing, fleet: FleetNode[]): RingResult {
  const nodes = fleet.filter((n) => n.ring === name).length

  return { name, nodes, installed: 0, failed: 0, approvedAtSeconds: null, doneAtSeconds: null }
}

/**
 * Waits on the coordinator while watching the processes: any of them exiting, Ctrl-C, or the
 * deadline ends the wait with an error.
 */
export class Watch {
  readonly #daemons: Daemon[]
  readonly #fleet: FleetNode[]
  readonly #signal: AbortSignal
  readonly #deadline: number

  constructor(daemons: Daemon[], fleet: FleetNode[], signal: AbortSignal, deadline: number) {
    this.#daemons = daemons
    this.#fleet = fleet
    this.#signal = signal
    this.#deadline = deadline
  }

  /** Polls `check` until it returns something other than false or undefined. */
  async until<T>(what: string, check: () => Promise<T | false | undefined>): Promise<T> {
    for (;;) {
      this.#signal.throwIfAborted()
      const dead = [...this.#daemons, ...this.#fleet.map((n) => n.daemon)].find(
        (d) => d.child.exitCode !== null || d.child.signalCode !== null,
      )
      if (dead !== undefined) {
        const said = dead.stderr.slice(-5).join('\n')
        throw new Error(`${dead.name} exited while waiting for ${what}${said ? `: ${said}` : ''}`)
      }
      const result = await check()
      if (result !== false && result !== undefined) return result
      if (Date.now() > this.#deadline) throw new Error(`timed out waiting for ${what}`)
      await new Promise((resolve) => setTimeout(resolve, POLL_MS))
    }
  }
}
