/**
 * The demo's operator: it approves and halts through the coordinator's HTTP API with the
 * operator token, as `patchmesh approve` and `patchmesh halt` do, and reads the fleet from the
 * same API, as the dashboard does. What the demo waits for is what the coordinator was told by
 * the nodes' own reports.
 */
import { CoordinatorApiError, CoordinatorClient, patchPath } from '../cli/coordinator-client.ts'
import type { PatchDetail, NodeView } from '../coordinator/views.ts'

/** A node's latest state on the patch, as the coordinator knows it ('' before any report). */
export type FleetStates = ReadonlyMap<string, string>

/** The fleet at one moment, as the coordinator sees it. */
export interface FleetView {
  /** Node id (peer id) to state. */
  states: FleetStates
  /** The patch's rollout by site, from its detail. */
  sites: PatchDetail['rollout']['sites']
}

/** States after which a node does nothing more with the patch unless approved again. */
export const FINAL_STATES: ReadonlySet<string> = new Set(['installed', 'failed'])

export class DemoOperator {
  readonly url: string
  readonly #client: CoordinatorClient
  readonly #patchId: string

  constructor(url: string, token: string, patchId: string) {
    this.url = url
    this.#client = new CoordinatorClient(url, token)
    this.#patchId = patchId
  }

  /** Whether the coordinator has recorded the patch's announcement. */
  async knowsPatch(): Promise<boolean> {
    try {
      await this.#client.get(patchPath(this.#patchId))
      return true
    } catch (err) {
      if (err instanceof CoordinatorApiError && err.status === 404) return false
      throw err
    }
  }

  async view(): Promise<FleetView> {
    const [detail, list] = await Promise.all([
      this.#client.get<PatchDetail>(patchPath(this.#patchId)),
      this.#client.get<{ nodes: NodeView[] }>('/nodes'),
    ])
    const states = new Map(list.nodes.map((n) => [n.nodeId, n.patches[this.#patchId] ?? '']))

    return { states, sites: detail.rollout.sites }
  }

  /** Approves `ring` now, with no windows and no deadline: nodes install as soon as they may. */
  async approve(ring: string): Promise<void> {
    await this.#client.post(`${patchPath(this.#patchId)}/approvals`, { ring })
  }

  /** Halts the rollout; one halted already (by the coordinator's own policy) is left as it is. */
  async halt(reason: string): Promise<void> {
    try {
      await this.#client.post(`${patchPath(this.#patchId)}/halt`, { reason })
    } catch (err) {
      if (!(err instanceof CoordinatorApiError && err.error === 'AlreadyHaltedError')) throw err
    }
  }
}
