/**
 * The rollout engine of the coordinator: one patch's rings, approvals, halt and node reports, the
 * progressive rollout policy that promotes and halts, and the summaries the API and dashboard
 * show. Pure: no I/O and no clock; every time is passed in. Signing and gossip are elsewhere.
 */
export {
  InvalidApprovalError,
  InvalidReportError,
  InvalidTimeError,
  PatchMismatchError,
  RolloutConfigError,
  UnknownRingError,
} from './errors.ts'
export { applyDecisions, evaluate } from './evaluate.ts'
export { createRollout, RolloutModel, type RolloutInit, type RolloutSnapshot } from './model.ts'
export { DEFAULT_ROLLOUT_POLICY, resolvePolicy, type RolloutPolicy } from './policy.ts'
export { isNodeState } from './reports.ts'
export {
  DEFAULT_SUMMARY_OPTIONS,
  summarize,
  type ByteSummary,
  type CountSummary,
  type FailureEntry,
  type FailureSummary,
  type StalledEntry,
  type StalledSummary,
  type RingSummary,
  type RolloutSummary,
  type SiteSummary,
  type SummaryOptions,
} from './summary.ts'
export {
  NODE_STATES,
  type Actor,
  type Approval,
  type ApprovalTerms,
  type Evaluation,
  type HaltDecision,
  type HaltState,
  type NodeRecord,
  type NodeReport,
  type NodeState,
  type PromoteDecision,
  type ReportOutcome,
  type RolloutDecision,
  type RolloutView,
  type SourceBytes,
} from './types.ts'
