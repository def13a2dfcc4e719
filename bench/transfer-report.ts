/** What the fetching children of transfer.bench.ts measure and print, as one JSON line. */

export interface TransferReport {
  bytes: number
  /** From the first byte received to the end of the stream. */
  ms: number
  /** CPU time (user and system) the fetching process spent over `ms`. */
  cpuMs: number
  /** Peak RSS once set up, before the transfer: the floor under `maxRssKiB`. */
  baseRssKiB: number
  maxRssKiB: number
}

/** Reads `source` to its end, counting bytes, time and CPU from the first byte. */
export async function measureRead(
  source: AsyncIterable<{ byteLength: number }>,
  baseRssKiB: number,
): Promise<TransferReport> {
  let bytes = 0
  let first = 0
  let firstCpu = 0
  for await (const data of source) {
    if (bytes === 0) [first, firstCpu] = [performance.now(), cpuMs()]
    bytes += data.byteLength
  }

  return {
    bytes,
    ms: performance.now() - first,
    cpuMs: cpuMs() - firstCpu,
    baseRssKiB,
    maxRssKiB: process.resourceUsage().maxRSS,
  }
}

function cpuMs(): number {
  const { user, system } = process.cpuUsage()

  return (user + system) / 1000
}
