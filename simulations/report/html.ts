/** Small builders for the reports' HTML; every piece of text passes through escapeHtml. */
import { escapeHtml } from './escape.ts'

/** A table with a header row; every cell is text. */
export function table(headers: readonly string[], rows: ReadonlyArray<readonly string[]>): string {
  const head = headers.map((h) => `<th scope="col">${escapeHtml(h)}</th>`).join('')
  const body = rows
    .map((row) => `<tr>${row.map((cell) => `<td>${escapeHtml(cell)}</td>`).join('')}</tr>`)
    .join('\n')

  return `<div class="scroll"><table>\n<thead><tr>${head}</tr></thead>\n<tbody>\n${body}\n</tbody>\n</table></div>`
}

/** A list of label and value pairs. */
export function facts(pairs: ReadonlyArray<readonly [string, string]>): string {
  const items = pairs.map(([k, v]) => `<dt>${escapeHtml(k)}</dt><dd>${escapeHtml(v)}</dd>`)

  return `<dl class="facts">\n${items.join('\n')}\n</dl>`
}

/** A section with a heading; `content` is HTML already escaped. */
export function section(title: string, content: string): string {
  return `<section>\n<h2>${escapeHtml(title)}</h2>\n${content}\n</section>`
}

/** A canvas the page's script draws the chart `id` on, with a caption of lines of text. */
export function chartFigure(id: string, caption: readonly string[]): string {
  const lines = caption.map(escapeHtml).join('<br>')

  return `<figure>\n<div class="chart"><canvas id="${escapeHtml(id)}"></canvas></div>\n<figcaption>${lines}</figcaption>\n</figure>`
}

/** A note that there is nothing to show. */
export function empty(text: string): string {
  return `<p class="empty">${escapeHtml(text)}</p>`
}

/** Preformatted text, such as the scenario's YAML. */
export function pre(text: string): string {
  return `<pre>${escapeHtml(text)}</pre>`
}
