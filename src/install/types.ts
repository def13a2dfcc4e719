/** The shapes shared by the install policy, runner and ledger. */

/** What one run of an install action came to. Stored in the ledger and reported. */
export interface InstallOutcome {
  /** True only when the action completed: exit code 0, or the file staged. */
  ok: boolean
  /** The command's exit code, when it exited on its own. */
  exitCode?: number
  /** The signal that ended the command, e.g. "SIGKILL" after a time-out. */
  signal?: string
  /** For operators: what happened, e.g. "command exited with code 3" or "interrupted". */
  reason: string
  /** The last bytes (4 KiB by default) of the command's stdout and stderr as they arrived. */
  outputTail: string
  /** Where a staging action put the file. */
  stagedPath?: string
  startedAtMs: number
  finishedAtMs: number
}

/** The reason a ledger reports for an install a previous process began and never finished. */
export const INTERRUPTED = 'interrupted'
