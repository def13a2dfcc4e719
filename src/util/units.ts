/**
 * Parsing of the sizes and durations operators type: "1MiB", "512KiB", "1GB", "1048576";
 * "30d", "12h", "5m", "90s", "250ms". Binary (KiB, MiB, GiB, TiB) and decimal (kB, MB, GB, TB)
 * size units are both accepted and mean what they say.
 */

const SIZE_UNITS: Record<string, number> = {
  b: 1,
  kib: 1024,
  mib: 1024 ** 2,
  gib: 1024 ** 3,
  tib: 1024 ** 4,
  kb: 1000,
  mb: 1000 ** 2,
  gb: 1000 ** 3,
  tb: 1000 ** 4,
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
  return parse(input, SIZE_UNITS, 'size', 'a size such as 1MiB, 512KiB or 1048576')
}

/** Milliseconds in a duration such as "30d" or "5m"; a bare number is milliseconds. */
export function parseDuration(input: string | number): number {
  return parse(input, DURATION_UNITS, 'duration', 'a duration such as 30d, 12h, 5m or 90s')
}

function parse(
  input: string | number,
  units: Record<string, number>,
  what: string,
  example: string,
): number {
  if (typeof input === 'number') {
    if (Number.isSafeInteger(input) && input >= 0) return input
    throw new UnitParseError(`invalid ${what} ${input}: expected ${example}`)
  }

  const match = /^\s*(\d+(?:\.\d+)?)\s*([a-z]*)\s*$/i.exec(input)
  const factor =
    match === null ? undefined : units[(match[2] ?? '').toLowerCase() || firstUnit(units)]
  if (match === null || factor === undefined) {
    throw new UnitParseError(`invalid ${what} "${input}": expected ${example}`)
  }

  const value = Math.round(Number(match[1]) * factor)
  if (!Number.isSafeInteger(value)) throw new UnitParseError(`${what} "${input}" is too large`)

  return value
}

function firstUnit(units: Record<string, number>): string {
  return Object.keys(units).find((u) => units[u] === 1)!
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
