/**
 * Numbers as people read them in the report's tables. Infinity reads "never" (a node or site
 * that did not complete); NaN, such as a ratio of nothing to nothing, reads as a dash.
 */

const DASH = '–'

function notFinite(value: number): string {
  return Number.isNaN(value) ? DASH : 'never'
}

const BINARY_UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB']

/** Bytes in powers of 1024 with three significant digits: `1.50 GiB`. */
export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes)) return notFinite(bytes)

  let value = Math.abs(bytes)
  let unit = 0
  while (value >= 1024 && unit < BINARY_UNITS.length - 1) {
    value /= 1024
    unit++
  }
  const sign = bytes < 0 ? '-' : ''

  return unit === 0 ? `${sign}${value} B` : `${sign}${value.toPrecision(3)} ${BINARY_UNITS[unit]}`
}

/** Seconds as `42.0 s`, `7m 05s` or `3h 20m`. */
export function formatSeconds(seconds: number): string {
  if (!Number.isFinite(seconds)) return notFinite(seconds)
  if (seconds < 60) return `${seconds.toFixed(1)} s`

  const whole = Math.round(seconds)
  const pad = (n: number) => String(n).padStart(2, '0')
  if (whole < 3600) return `${Math.floor(whole / 60)}m ${pad(whole % 60)}s`

  return `${Math.floor(whole / 3600)}h ${pad(Math.floor((whole % 3600) / 60))}m`
}

/** A ratio as `1.07×`; a zero or missing divisor reads as a dash. */
export function formatMultiple(value: number, of: number): string {
  if (!Number.isFinite(value)) return notFinite(value)
  if (!(of > 0)) return DASH

  return `${(value / of).toFixed(2)}×`
}

/** A plain ratio such as a bound ratio: `2.31`. */
export function formatRatio(value: number): string {
  return Number.isFinite(value) ? value.toFixed(2) : notFinite(value)
}

/** A count with thousands separators: `12,345`. */
export function formatCount(value: number): string {
  return Number.isFinite(value) ? Math.round(value).toLocaleString('en-GB') : notFinite(value)
}
