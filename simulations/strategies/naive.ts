/**
 * `naive`: every node downloads the whole patch from the origin, as one transfer (an HTTP GET),
 * resuming where it stopped after churn or a cut (a range request).
 */
import type { Run, Strategy } from '../engine.ts'

export class NaiveStrategy implements Strategy {
  readonly name = 'naive'
  readonly #run: Run
  /** Bytes each node holds. */
  readonly #got: Float64Array

  constructor(run: Run) {
    this.#run = run
    this.#got = new Float64Array(run.fleet.nodes)
  }

  start(): void {
    for (let i = 0; i < this.#run.fleet.nodes; i++) if (this.#run.present[i] === 1) this.#fetch(i)
  }

  pump(): void {
    // Every request is sent when the node starts; nothing to decide later.
  }

  done(dst: number, _src: number, _chunk: number, bytes: number): void {
    this.#got[dst] += bytes
    this.#run.complete(dst)
  }

  failed(dst: number, _src: number, _chunk: number, moved: number): void {
    this.#got[dst] += moved
    if (this.#run.present[dst] === 1) this.#fetch(dst)
  }

  nodeDown(node: number): void {
    this.#got[node] += this.#run.cancel(node, this.#run.fleet.origin, 0)
  }

  nodeUp(node: number): void {
    if (Number.isNaN(this.#run.completedAt[node])) this.#fetch(node)
  }

  #fetch(node: number): void {
    const left = this.#run.fleet.scenario.patch.size - this.#got[node]
    this.#run.request(this.#run.fleet.origin, node, 0, left)
  }
}
