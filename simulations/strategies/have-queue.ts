/**
 * Have messages on their way to each node's scheduler, held until the simulator next calls that
 * scheduler for anything else. Each have keeps the simulated time it was sent at and is handed
 * over with it, in order and before any other call, so the scheduler (which reads no clock)
 * ends in the state eager delivery would have left it in.
 *
 * Why hold them: a delivered chunk sends a have to every connected peer, a few dozen schedulers,
 * each of them cold in the processor's caches. Handed over in batches, the haves a node gathered
 * between two of its own events touch its scheduler once; a node whose request slots are all
 * taken is not touched at all until a reply frees one.
 */
export class HaveQueues {
  /**
   * Per node: sender, chunk and time (ms) of each waiting have, three numbers an entry; only the
   * first `#length[node]` numbers are live, so the arrays are reused without reallocation.
   */
  readonly #queues: number[][]
  readonly #length: Int32Array

  constructor(nodes: number) {
    this.#queues = Array.from({ length: nodes }, () => [])
    this.#length = new Int32Array(nodes)
  }

  add(node: number, sender: number, chunk: number, atMs: number): void {
    const queue = this.#queues[node]
    const at = this.#length[node]
    queue[at] = sender
    queue[at + 1] = chunk
    queue[at + 2] = atMs
    this.#length[node] = at + 3
  }

  /** How many numbers of {@link HaveQueues.entries} are live: three per waiting have. */
  length(node: number): number {
    return this.#length[node]
  }

  /** The node's waiting haves as sender, chunk, time triples, up to {@link HaveQueues.length}. */
  entries(node: number): readonly number[] {
    return this.#queues[node]
  }

  clear(node: number): void {
    this.#length[node] = 0
  }
}
