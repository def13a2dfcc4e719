/**
 * Parsing of the sizes and durations operators type. Units are case-sensitive and spelled as
 * the SI and IEC standards spell them, so that "1M" (a month? a megabyte?) and "1Mb" (megabits?)
 * are refused rather than guessed:
 *
 * - sizes: B, KiB, MiB, GiB, TiB (powers of 1024), kB, MB, GB, TB (powers of 1000), or a bare
 *   number of bytes: "1MiB", "512KiB", "1048576";
 * - durations: ms, s, m (minutes), h, d, w, always with a unit: "30d", "12h", "5m", "90s".
 */

const SIZE_UNITS: Record<string, number> = {
  B: 1,
  KiB: 1024,
  MiB: 1024 ** 2,
  GiB: 1024 ** 3,
  TiB: 1024 ** 4,
  kB: 1000,
  MB: 1000 ** 2,
  GB: 1000 ** 3,
  TB: 1000 ** 4,
}

const DURATION_UNITS: Record<string, number> = {
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 7 * 86_400_000,
}

export class UnitParseError extends Error {
  override readonly name = 'UnitParseError'
}

/** Bytes in a size such as "1MiB" or 4096; throws UnitParseError naming the input. */
export function parseSize(input: string | number): number {
  return parse(input, SIZE_UNITS, 'size', 'a size such as 1MiB, 512KiB, 1GB or 1048576', 'B')
}

/** Milliseconds in a duration such as "30d" or "5m"; a unit is required. */
export function parseDuration(input: string | number): number {
  return parse(input, DURATION_UNITS, 'duration', 'a duration such as 30d, 12h, 5m or 90s')
}

function parse(
  input: string | number,
  units: Record<string, number>,
  what: string,
  example: string,
  bareUnit?: string,
): number {
  const text = String(input).trim()
  const match = /^(\d+(?:\.\d+)?)\s*([A-Za-z]*)$/.exec(text)
  const unit = match?.[2] === '' ? bareUnit : match?.[2]
  const factor = unit === undefined ? undefined : units[unit]
  if (match === null || factor === undefined) {
    throw new UnitParseError(`invalid ${what} "${text}": expected ${example}`)
  }

  const value = Math.round(Number(match[1]) * factor)
  if (!Number.isSafeInteger(value)) throw new UnitParseError(`${what} "${text}" is too large`)
  if (unit === bareUnit && !Number.isInteger(Number(match[1]))) {
    throw new UnitParseError(`invalid ${what} "${text}": a number without a unit must be whole`)
  }

  return value
}

/** "1.5 GiB", "512 KiB", "17 B": for humans. */
export function formatBytes(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB']
  let value = bytes
  let unit = 0
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024
    unit++
  }

  return unit === 0 ? `${bytes} B` : `${value.toFixed(value < 10 ? 2 : 1)} ${units[unit]}`
}
