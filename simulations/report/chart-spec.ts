/**
 * What the page's script draws: one {@link ChartSpec} per chart, embedded in the page as JSON.
 * The server side decides every number and label; the browser side (render.js) only maps a spec
 * onto Chart.js and formats the ticks by the axis unit.
 */
import type { Point } from './series.ts'

/** How an axis's numbers are written: bytes in powers of 1024, seconds as durations, etc. */
export type AxisUnit = 'seconds' | 'bytes' | 'share' | 'count' | 'percent' | 'category'

export interface AxisSpec {
  title: string
  unit: AxisUnit
  /** Start the axis at zero; default true. */
  beginAtZero?: boolean
}

export interface DatasetSpec {
  label: string
  /** A CSS colour. */
  color: string
  /** Points for a line on a numeric x-axis, or one value per label (null for a gap). */
  data: Point[] | Array<number | null>
  /** A horizontal reference line at this y across the whole chart, such as the patch size. */
  level?: number
  /** Steps instead of slopes between points, for cumulative counts. */
  stepped?: boolean
  /** A dashed line: a reference, not a measurement. */
  dashed?: boolean
}

export interface ChartSpec {
  /** The id of the page's canvas this chart is drawn on. */
  id: string
  type: 'line' | 'bar'
  /** One label per bar group, for bar charts. */
  labels?: string[]
  x: AxisSpec
  y: AxisSpec
  datasets: DatasetSpec[]
}

/** The page's data: its charts, by canvas id. */
export interface PageData {
  charts: ChartSpec[]
}

/** A dashed horizontal reference line at `y` across the whole chart. */
export function levelLine(label: string, y: number): DatasetSpec {
  return {
    label,
    color: '#555',
    data: [],
    level: y,
    dashed: true,
  }
}
