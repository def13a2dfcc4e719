/**
 * The page shell shared by both reports: a single HTML file with Chart.js, the chart data and
 * the drawing script inlined, so it opens from disk with no network. A Content-Security-Policy
 * allows exactly those inline scripts (by hash) and no fetch at all, so a page that ever tried
 * to load something from elsewhere, or ran a script it did not ship, would be stopped.
 */
import { createHash } from 'node:crypto'
import { readFile } from 'node:fs/promises'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'

import type { PageData } from './chart-spec.ts'
import { ChartLibraryMissingError } from './errors.ts'
import { escapeHtml, inlineScript, scriptJson } from './escape.ts'
import { drawReport } from './render.ts'

/** The id of the `<script type="application/json">` element that holds the {@link PageData}. */
export const DATA_ELEMENT_ID = 'report-data'

export interface PageParts {
  title: string
  /** HTML, already escaped by whoever built it. */
  body: string
  data: PageData
}

/** The complete HTML of a report page. */
export async function renderPage(parts: PageParts): Promise<string> {
  const scripts = [
    inlineScript(await readChartLibrary()),
    inlineScript(`(${drawReport.toString()})(${JSON.stringify(DATA_ELEMENT_ID)})`),
  ]
  const style = await readFile(new URL('./style.css', import.meta.url), 'utf8')
  const hashes = scripts.map((s) => `'sha256-${createHash('sha256').update(s).digest('base64')}'`)
  const policy = [
    "default-src 'none'",
    `script-src ${hashes.join(' ')}`,
    "style-src 'unsafe-inline'",
    'img-src data:',
  ].join('; ')

  return [
    '<!doctype html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    `<meta http-equiv="Content-Security-Policy" content="${escapeHtml(policy)}">`,
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${escapeHtml(parts.title)}</title>`,
    `<style>${style}</style>`,
    '</head>',
    '<body>',
    parts.body,
    `<script type="application/json" id="${DATA_ELEMENT_ID}">${scriptJson(parts.data)}</script>`,
    ...scripts.map((s) => `<script>${s}</script>`),
    '</body>',
    '</html>',
    '',
  ].join('\n')
}

/** The source of Chart.js's UMD build, which defines the global `Chart`. */
async function readChartLibrary(): Promise<string> {
  // The package exports only its module builds; the browser build sits beside them in dist/.
  let path = 'node_modules/chart.js/dist/chart.umd.min.js'
  try {
    path = join(dirname(createRequire(import.meta.url).resolve('chart.js')), 'chart.umd.min.js')

    return await readFile(path, 'utf8')
  } catch (err) {
    throw new ChartLibraryMissingError(path, err)
  }
}
