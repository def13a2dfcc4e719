/**
 * The node's install side: the policy that decides when a patch installs (approvals, halts,
 * maintenance windows in the node's time zone), the action that installs it (a command or
 * staging), and the ledger that remembers each install and how it went, so that a success is
 * never repeated and a failure is tried again only after a new approval.
 */
export { decideInstall, inWindow, newestApprovalMs, nextWindowStart } from './policy.ts'
export type {
  InstallDecision,
  InstallState,
  NodeProfile,
  PastInstall,
  PolicyInput,
} from './policy.ts'
export {
  DEFAULT_INSTALL_TIMEOUT_MS,
  DEFAULT_KILL_GRACE_MS,
  DEFAULT_OUTPUT_TAIL_BYTES,
  runCommand,
  runInstall,
  stagePatch,
} from './runner.ts'
export type {
  CommandAction,
  InstallAction,
  InstallTarget,
  RunInstallOptions,
  StageAction,
} from './runner.ts'
export { checkTimeZone } from './zoned-time.ts'
export { createInstallLedger } from './ledger.ts'
export type {
  BeginOptions,
  FinishOptions,
  InstallLedger,
  InstallLedgerOptions,
  KeyValueStore,
  LedgerEntry,
} from './ledger.ts'
export { INTERRUPTED } from './types.ts'
export type { InstallOutcome } from './types.ts'
export {
  InstallActionError,
  InstallAlreadyBegunError,
  InstallNotBegunError,
  InvalidTimeZoneError,
  InvalidWindowError,
  LedgerRecordError,
} from './errors.ts'
