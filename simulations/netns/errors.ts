/** Errors of the network-namespace fleet, told apart by name. */

/** This machine cannot build namespaces: not root, or `ip` or `tc` missing. */
export class NetlabPrerequisiteError extends Error {
  override readonly name = 'NetlabPrerequisiteError'
  readonly missing: string[]

  constructor(missing: string[]) {
    super(
      `the namespace fleet needs ${missing.join(' and ')}; it builds network namespaces, ` +
        'veth pairs and tc shaping, which only root with iproute2 can do',
    )
    this.missing = missing
  }
}

/** The scenario cannot run as a namespace fleet on one machine (too big, or not reproducible). */
export class NetlabScenarioError extends Error {
  override readonly name = 'NetlabScenarioError'
  readonly scenario: string

  constructor(scenario: string, reason: string) {
    super(`scenario ${scenario}: ${reason}`)
    this.scenario = scenario
  }
}

/** An `ip` or `tc` command failed while building or reading the fleet's network. */
export class NetlabCommandError extends Error {
  override readonly name = 'NetlabCommandError'
  readonly command: string

  constructor(command: string[], reason: string) {
    super(`${command.join(' ')} failed: ${reason.trim()}`)
    this.command = command.join(' ')
  }
}

/** A process of the fleet died, never got ready, or the fleet did not finish in time. */
export class NetlabFleetError extends Error {
  override readonly name = 'NetlabFleetError'
}

/** The run was stopped (Ctrl-C, SIGTERM) before it finished; everything it made was removed. */
export class NetlabInterruptedError extends Error {
  override readonly name = 'NetlabInterruptedError'
  readonly signal: string

  constructor(signal: string) {
    super(`interrupted by ${signal}; every namespace and process of the run was removed`)
    this.signal = signal
  }
}
