/**
 * The script of a report page: draws each chart the page's JSON describes with Chart.js (inlined
 * before it as the global `Chart`). Every number and label was decided when the page was
 * written; this only maps the specs onto Chart.js and picks ticks by axis unit. Untrusted text
 * reaches a chart only as a label drawn on its canvas, never as HTML.
 *
 * {@link drawReport} runs in the browser, not here: the page inlines its source text, so it
 * must use nothing from this module's scope. The declarations below describe the little of the
 * browser it touches, since the project compiles without the DOM's types.
 */
import type { AxisSpec, ChartSpec, DatasetSpec, PageData } from './chart-spec.ts'

interface PageElement {
  textContent: string | null
  dataset: Record<string, string | undefined>
}

declare const document: {
  getElementById(id: string): PageElement | null
  body: PageElement
}

declare const Chart: new (canvas: PageElement, config: unknown) => unknown

interface TooltipItem {
  parsed: { y: number }
  dataset: { label: string }
}

interface DrawnChart {
  ctx: {
    save(): void
    restore(): void
    beginPath(): void
    moveTo(x: number, y: number): void
    lineTo(x: number, y: number): void
    stroke(): void
    setLineDash(segments: number[]): void
    strokeStyle: string
    lineWidth: number
  }
  chartArea: { left: number; right: number }
  scales: { y: { getPixelForValue(value: number): number } }
  data: { datasets: Array<{ level?: number; borderColor: string }> }
  isDatasetVisible(index: number): boolean
}

interface LegendItem {
  datasetIndex: number
}

/**
 * Draws every chart described by the JSON in the element `dataElementId`; the page calls it
 * once, after Chart.js has loaded.
 */
export function drawReport(dataElementId: string): void {
  // Units an axis can be read in, largest last: ticks fall on round numbers of one of them.
  const units: Record<string, Array<[number, string]> | undefined> = {
    bytes: ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'].map((u, i) => [1024 ** i, ` ${u}`]),
    seconds: [
      [1, ' s'],
      [60, ' min'],
      [3600, ' h'],
    ],
  }

  const unitFor = (scale: Array<[number, string]>, value: number) =>
    scale.filter(([size]) => size <= Math.max(value, 1)).pop() ?? scale[0]

  const scaled = (scale: Array<[number, string]>) => (v: number) => {
    const [size, name] = unitFor(scale, Math.abs(v))

    return `${Number((v / size).toPrecision(3))}${name}`
  }

  const formats: Record<string, ((v: number) => string) | undefined> = {
    bytes: scaled(units.bytes!),
    seconds: scaled(units.seconds!),
    share: (v) => `${Math.round(v * 100)}%`,
    percent: (v) => `${Math.round(v)}%`,
    // Counts are whole: a tick between two counts would be a fraction of a site.
    count: (v) => (Number.isInteger(v) ? v.toLocaleString('en-GB') : ''),
  }

  // A step of 1, 2 or 5 times a power of ten, in the unit the axis's largest value reads in,
  // so that a seconds axis ticks at 10 min, 20 min rather than at 600 s, 1200 s.
  const stepFor = (unit: string, max: number): number | undefined => {
    const scale = units[unit]
    if (scale === undefined || !(max > 0)) return undefined
    const [size] = unitFor(scale, max)
    const rough = max / size / 6
    const power = 10 ** Math.floor(Math.log10(rough))
    const nice = [1, 2, 5, 10].find((m) => m * power >= rough) ?? 10

    return nice * power * size
  }

  const largest = (spec: ChartSpec, key: 'x' | 'y') => {
    let max = 0
    for (const d of spec.datasets) {
      if (key === 'y' && d.level !== undefined) max = Math.max(max, d.level)
      for (const v of d.data) {
        const n = typeof v === 'number' ? (key === 'y' ? v : 0) : v === null ? 0 : v[key]
        if (n > max) max = n
      }
    }

    return max
  }

  // Draws each visible dataset's level as a dashed line across the chart area. Chart.js has
  // no such line of its own without a plugin, and a line dataset over the labels would stop
  // at the first and last bars' centres.
  const levels = {
    id: 'patchmeshLevels',
    afterDatasetsDraw(chart: DrawnChart) {
      const { ctx, chartArea, scales } = chart
      chart.data.datasets.forEach((d, i) => {
        if (d.level === undefined || !chart.isDatasetVisible(i)) return
        const y = scales.y.getPixelForValue(d.level)
        ctx.save()
        ctx.strokeStyle = d.borderColor
        ctx.lineWidth = 2
        ctx.setLineDash([6, 4])
        ctx.beginPath()
        ctx.moveTo(chartArea.left, y)
        ctx.lineTo(chartArea.right, y)
        ctx.stroke()
        ctx.restore()
      })
    },
  }

  const axis = (spec: AxisSpec, numeric: boolean, max: number) => {
    const format = formats[spec.unit]
    const stepSize = stepFor(spec.unit, max)

    return {
      type: numeric ? 'linear' : 'category',
      title: { display: true, text: spec.title },
      beginAtZero: spec.beginAtZero !== false,
      // A share axis always reaches 100 %, so a fleet that stopped short shows the gap.
      max: spec.unit === 'share' ? 1 : undefined,
      // Room for a level above every value, such as a patch size larger than any site's bytes.
      suggestedMax: numeric ? max : undefined,
      ticks: format
        ? { callback: (value: number | string) => format(Number(value)), stepSize }
        : {},
    }
  }

  const dataset = (spec: DatasetSpec, chartType: ChartSpec['type']) => {
    const asLine = chartType === 'line' || spec.level !== undefined

    return {
      type: asLine ? 'line' : 'bar',
      label: spec.label,
      data: spec.data,
      borderColor: spec.color,
      // A level's legend swatch is its dashed outline alone.
      backgroundColor: spec.level === undefined ? spec.color : 'transparent',
      borderWidth: asLine ? 2 : 0,
      borderDash: spec.dashed === true ? [6, 4] : [],
      // Chart.js's 'before' draws each step as flat-then-up: a count rises at the point's own
      // time ('after' would rise at the previous point's time, one step early).
      stepped: spec.stepped === true ? 'before' : false,
      pointRadius: 0,
      pointHitRadius: 4,
      level: spec.level,
      // Lines in front of bars: the patch size level must stay visible.
      order: asLine ? 0 : 1,
    }
  }

  const draw = (spec: ChartSpec) => {
    const canvas = document.getElementById(spec.id)
    if (canvas === null) return
    const format = formats[spec.y.unit]
    const numericX = spec.type === 'line'

    new Chart(canvas, {
      type: spec.type,
      data: { labels: spec.labels, datasets: spec.datasets.map((d) => dataset(d, spec.type)) },
      plugins: [levels],
      options: {
        animation: false,
        maintainAspectRatio: false,
        interaction: { mode: 'nearest', intersect: false },
        scales: {
          x: axis(spec.x, numericX, numericX ? largest(spec, 'x') : 0),
          y: axis(spec.y, true, largest(spec, 'y')),
        },
        plugins: {
          legend: {
            labels: { sort: (a: LegendItem, b: LegendItem) => a.datasetIndex - b.datasetIndex },
          },
          tooltip: {
            callbacks: {
              label: (item: TooltipItem) =>
                `${item.dataset.label}: ${format ? format(item.parsed.y) : item.parsed.y}`,
            },
          },
        },
      },
    })
    canvas.dataset.drawn = 'true'
  }

  const source = document.getElementById(dataElementId)?.textContent ?? '{"charts":[]}'
  const data = JSON.parse(source) as PageData
  data.charts.forEach(draw)
  document.body.dataset.chartsDrawn = String(data.charts.length)
}
