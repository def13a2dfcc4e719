/**
 * Request bodies as the service takes them. The schemas have checked the types already; this
 * reads the operator's notations: times (src/coordinator/times.ts, without local times, since
 * the server's time zone is not the operator's) and windows (src/coordinator/windows.ts).
 */
import type { Window } from '../../wire/records.ts'
import type { ApprovalRequest } from '../service.ts'
import { parseTime } from '../times.ts'
import { parseWindow } from '../windows.ts'

/** An approval as POST /patches/:patch/approvals takes it. */
export interface ApprovalBody {
  ring?: string
  group?: string
  notBefore?: string | number
  deadline?: string | number
  windows?: Array<string | Window>
}

export interface HaltBody {
  reason?: string
}

/** The service's request for `body`; throws InvalidFieldError naming the field at fault. */
export function approvalRequest(body: ApprovalBody, nowMs: number): ApprovalRequest {
  const time = (value: string | number | undefined, field: string) =>
    value === undefined ? undefined : parseTime(value, nowMs, field)

  return {
    ring: body.ring,
    group: body.group,
    notBeforeMs: time(body.notBefore, 'notBefore'),
    deadlineMs: time(body.deadline, 'deadline'),
    // Objects go as they are: the service checks their fields and names the bad one.
    windows: body.windows?.map((w, i) =>
      typeof w === 'string' ? parseWindow(w, `windows[${i}]`) : w,
    ),
  }
}
