/**
 * Benchmark harness: runs every `bench/*.bench.ts` module, prints one table of results and writes
 * them to .bench/results.json. An optional argument runs only the modules whose file or name
 * contains it:
 *
 *   npm run bench              every benchmark
 *   npm run bench -- manifest  only bench/manifest.bench.ts
 *
 * The process exits with status 1 when any result misses its goal.
 */
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises'
import { availableParallelism, cpus } from 'node:os'
import { basename, join, resolve } from 'node:path'
import { pathToFileURL } from 'node:url'

/** One measured figure. */
export interface BenchResult {
  name: string
  value: number
  unit: string
  /** The target in words, e.g. ">= 0.8". */
  goal?: string
  /** Whether `value` meets `goal`; absent for figures without one. */
  pass?: boolean
}

/**
 * What a `*.bench.ts` module exports. A module may import types from this file but no values:
 * this file is still running its top-level await when it imports the module.
 */
export interface BenchModule {
  name: string
  run: () => Promise<BenchResult[]>
}

const BENCH_DIR = import.meta.dirname
/** Scratch files and results, kept out of git. */
const OUTPUT_DIR = resolve(BENCH_DIR, '..', '.bench')

async function main(filter: string | undefined): Promise<void> {
  const files = (await readdir(BENCH_DIR)).filter((f) => f.endsWith('.bench.ts')).sort()
  const suites: Record<string, BenchResult[]> = {}

  for (const file of files) {
    const mod = (await import(pathToFileURL(join(BENCH_DIR, file)).href)) as BenchModule
    if (filter !== undefined && !file.includes(filter) && !mod.name.includes(filter)) continue

    console.log(`running ${mod.name} (${file})`)
    suites[mod.name] = await mod.run()
  }

  if (Object.keys(suites).length === 0) {
    console.error(
      `no benchmark matches "${filter}" among ${files.map((f) => basename(f)).join(', ')}`,
    )
    process.exitCode = 1
    return
  }

  printTable(suites)
  await saveResults(suites)

  const failed = Object.values(suites)
    .flat()
    .filter((r) => r.pass === false)
  if (failed.length > 0) process.exitCode = 1
}

function printTable(suites: Record<string, BenchResult[]>): void {
  const rows = [['suite', 'result', 'value', 'unit', 'goal', 'pass']]
  for (const [suite, results] of Object.entries(suites)) {
    for (const r of results) {
      const pass = r.pass === undefined ? '' : r.pass ? 'yes' : 'NO'
      rows.push([suite, r.name, formatValue(r.value), r.unit, r.goal ?? '', pass])
    }
  }

  const widths = rows[0].map((_, col) => Math.max(...rows.map((row) => row[col].length)))
  const line = (row: string[]) =>
    row.map((cell, col) => (col === 2 ? cell.padStart(widths[col]) : cell.padEnd(widths[col])))
  console.log()
  for (const row of rows) console.log(line(row).join('  ').trimEnd())
}

function formatValue(value: number): string {
  return Number.isInteger(value) ? String(value) : value.toFixed(Math.abs(value) < 10 ? 2 : 1)
}

/** Merges into the previous results, so a filtered run keeps the other suites' figures. */
async function saveResults(suites: Record<string, BenchResult[]>): Promise<void> {
  const path = join(OUTPUT_DIR, 'results.json')
  let previous: Record<string, unknown> = {}
  try {
    previous =
      (JSON.parse(await readFile(path, 'utf8')) as { suites?: Record<string, unknown> }).suites ??
      {}
  } catch {
    // No previous results, or unreadable ones: start afresh.
  }

  const host = { node: process.version, cpus: availableParallelism(), cpu: cpus()[0]?.model }
  const results = { date: new Date().toISOString(), host, suites: { ...previous, ...suites } }
  await mkdir(OUTPUT_DIR, { recursive: true })
  await writeFile(path, `${JSON.stringify(results, null, 2)}\n`)
  console.log(`\nresults written to ${path}`)
}

if (import.meta.main) await main(process.argv[2])
