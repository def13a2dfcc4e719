/**
 * The HTML reports of the fleet simulator (`patchmesh simulate`) and of the network-namespace
 * fleet (`patchmesh netlab`). Each is one self-contained file: Chart.js, the data and the
 * drawing script are inlined, so the report opens offline straight from disk.
 */
import { writeFile } from 'node:fs/promises'
import { join } from 'node:path'

import type { SimulationReport } from '../types.ts'
import { prepareReportDir } from './directory.ts'
import { netlabPage } from './netlab.ts'
import type { NetlabChartInput } from './netlab.ts'
import { renderPage } from './page.ts'
import type { PageParts } from './page.ts'
import { simulationPage } from './simulation.ts'

export type { NetlabChartInput } from './netlab.ts'
export { ChartLibraryMissingError, ReportDirectoryError } from './errors.ts'
export { prepareReportDir } from './directory.ts'

/** The name of the report file inside its directory. */
export const REPORT_FILE = 'index.html'

/**
 * Writes a simulation's report to `dir/index.html`, creating `dir`, and returns the file's
 * path: the completion CDF, WAN bytes per site and sites complete over time per strategy, the
 * per-strategy figures, the run's cost and the scenario as YAML.
 */
export async function writeReport(report: SimulationReport, dir: string): Promise<string> {
  return write(simulationPage(report), dir)
}

/**
 * Writes a netlab run's report to `dir/index.html`, creating `dir`, and returns the file's
 * path: per site, kernel-counted, product-counted and predicted WAN bytes in against the patch
 * size, and the measured and predicted times.
 */
export async function writeNetlabReport(result: NetlabChartInput, dir: string): Promise<string> {
  return write(netlabPage(result), dir)
}

async function write(parts: PageParts, dir: string): Promise<string> {
  const html = await renderPage(parts)
  const path = join(dir, REPORT_FILE)
  await prepareReportDir(dir)
  await writeFile(path, html)

  return path
}
