/**
 * Child process of manifest.bench.ts: builds the manifest of one file and prints, as one JSON
 * line, the build time, the whole-file SHA-256 and the peak RSS before and after the build.
 *
 *   node bench/manifest-child.ts <file>
 */
import { buildManifest } from '../src/manifest/index.ts'

/** What the child prints. */
export interface ChildReport {
  ms: number
  size: number
  sha256: string
  /** Peak RSS once the modules are loaded, before the build: the floor under `maxRssKiB`. */
  baseRssKiB: number
  maxRssKiB: number
}

const path = process.argv[2]
if (path === undefined) throw new Error('usage: manifest-child.ts <file>')

const baseRssKiB = process.resourceUsage().maxRSS
const start = performance.now()
const { manifest } = await buildManifest(path)
const ms = performance.now() - start

const report: ChildReport = {
  ms,
  size: manifest.size,
  sha256: Buffer.from(manifest.sha256).toString('hex'),
  baseRssKiB,
  maxRssKiB: process.resourceUsage().maxRSS,
}
console.log(JSON.stringify(report))
