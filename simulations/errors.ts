/**
 * Errors of the fleet simulator. Each is told apart by its `name`; a scenario error names the
 * file it came from and the key at fault (`siteGroups[0].count`), so a mistake in a scenario is
 * found without reading the simulator.
 */

/** A scenario file cannot be read (missing, a directory, not readable). */
export class ScenarioFileError extends Error {
  override readonly name = 'ScenarioFileError'
  readonly source: string

  constructor(source: string, reason: string, options?: ErrorOptions) {
    super(`cannot read scenario ${source}: ${reason}`, options)
    this.source = source
  }
}

/** A scenario file is not valid YAML. */
export class ScenarioSyntaxError extends Error {
  override readonly name = 'ScenarioSyntaxError'
  readonly source: string

  constructor(source: string, reason: string) {
    super(`${source}: not valid YAML: ${reason}`)
    this.source = source
  }
}

/** A scenario has a key the simulator does not know (a typo would otherwise be ignored). */
export class UnknownScenarioKeyError extends Error {
  override readonly name = 'UnknownScenarioKeyError'
  readonly source: string
  /** Path of the unknown key, e.g. `siteGroups[1].wanDownMbits`. */
  readonly key: string

  constructor(source: string, key: string, known: readonly string[]) {
    super(`${source}: unknown key ${key} (expected one of: ${known.join(', ')})`)
    this.source = source
    this.key = key
  }
}

/** A scenario key has a value of the wrong type, unit or range, or a required key is missing. */
export class ScenarioValueError extends Error {
  override readonly name = 'ScenarioValueError'
  readonly source: string
  readonly key: string

  constructor(source: string, key: string, reason: string) {
    super(`${source}: ${key} ${reason}`)
    this.source = source
    this.key = key
  }
}
