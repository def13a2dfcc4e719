import assert from 'node:assert/strict'
import { describe, it } from 'node:test'

import { decideInstall } from '../../src/install/index.ts'
import type { InstallState, PolicyInput } from '../../src/install/index.ts'
import { approval, at, DAY, halt, HOUR, NODE, NOW } from './fixtures.ts'

const EVERY_DAY = 0x7f
/** Every day 02:00-04:00: closed at NOW (noon). */
const NIGHTLY = [{ days: EVERY_DAY, startMinute: 120, durationMinutes: 120 }]
const TONIGHT = at('2025-06-05T02:00Z')
/** Failed while the default approval (issued NOW - DAY) was the newest one the node knew. */
const FAILED_UNDER_FIRST = {
  ok: false,
  reason: 'command exited with code 3',
  newestApprovalMs: NOW - DAY,
}
/** The operator's answer to the failure: ring canary approved again, an hour ago. */
const RE_APPROVAL = approval({ sequence: 2, issuedAtMs: NOW - HOUR })

interface Case {
  name: string
  input: Partial<PolicyInput>
  state: InstallState
  /** Which approval the decision rests on, by its index in `input.approvals`. */
  approval?: number
  nextWindowStartMs?: number
  /** A fragment of the reason. */
  reason?: RegExp
  /** The decision retries a failed install. Default false. */
  retry?: boolean
}

const cases: Case[] = [
  {
    name: 'revoked beats an install that already happened',
    input: { revoked: true, outcome: { ok: true, reason: 'command succeeded' } },
    state: 'revoked',
    reason: /revoked \(it was installed\)/,
  },
  {
    name: 'revoked beats a halt and a missing announcement',
    input: { revoked: true, announced: false, halts: [halt()] },
    state: 'revoked',
  },
  {
    name: 'installed is final, whatever halts come later',
    input: { outcome: { ok: true, reason: 'command succeeded' }, halts: [halt()] },
    state: 'installed',
  },
  {
    name: 'a failed install is final and keeps its reason',
    input: { outcome: { ok: false, reason: 'interrupted' } },
    state: 'failed',
    reason: /^interrupted$/,
  },
  {
    name: 'a failed install stands under the approvals known when it failed',
    input: { outcome: FAILED_UNDER_FIRST },
    state: 'failed',
    reason: /^command exited with code 3$/,
  },
  {
    name: 'an approval for the node issued after the failure retries it once more',
    input: { outcome: FAILED_UNDER_FIRST, approvals: [approval(), RE_APPROVAL] },
    state: 'install-now',
    approval: 1,
    retry: true,
    reason: /^retrying after a new approval; approved for ring canary/,
  },
  {
    name: 'a group approval issued after the failure retries it too',
    input: {
      outcome: FAILED_UNDER_FIRST,
      approvals: [approval(), approval({ ring: '', group: 'lab', issuedAtMs: NOW - HOUR })],
    },
    state: 'install-now',
    approval: 1,
    retry: true,
  },
  {
    name: 'an approval after the failure for another ring does not retry it',
    input: {
      outcome: FAILED_UNDER_FIRST,
      approvals: [approval(), approval({ ring: 'broad', issuedAtMs: NOW - HOUR })],
    },
    state: 'failed',
  },
  {
    name: "a retry keeps to the new approval's window, not the old approval's any time",
    input: {
      outcome: FAILED_UNDER_FIRST,
      approvals: [approval({ ring: '', group: 'lab' }), { ...RE_APPROVAL, windows: NIGHTLY }],
    },
    state: 'waiting-window',
    approval: 1,
    retry: true,
    nextWindowStartMs: TONIGHT,
  },
  {
    name: 'a new approval set aside by a later halt does not retry the failure',
    input: {
      outcome: FAILED_UNDER_FIRST,
      approvals: [approval(), RE_APPROVAL],
      halts: [halt({ issuedAtMs: NOW - HOUR + 1 })],
    },
    state: 'failed',
  },
  {
    name: 'an expired new approval does not retry the failure',
    input: {
      outcome: FAILED_UNDER_FIRST,
      approvals: [approval(), { ...RE_APPROVAL, expiresAtMs: NOW - 1 }],
    },
    state: 'failed',
  },
  {
    name: 'a failure with no record of the approvals it knew stands, new approvals or not',
    input: { outcome: { ok: false, reason: 'interrupted' }, approvals: [RE_APPROVAL] },
    state: 'failed',
  },
  {
    name: 'a success is final even after a newer approval',
    input: {
      outcome: { ok: true, reason: 'command succeeded', newestApprovalMs: NOW - DAY },
      approvals: [approval(), RE_APPROVAL],
    },
    state: 'installed',
  },
  {
    name: 'an approval before the announcement waits for it',
    input: { announced: false },
    state: 'waiting-announcement',
  },
  {
    name: 'no approval at all',
    input: { approvals: [] },
    state: 'waiting-approval',
    reason: /no approval/,
  },
  {
    name: "another ring's approval does not apply",
    input: { approvals: [approval({ ring: 'broad' })] },
    state: 'waiting-approval',
  },
  {
    name: "another group's approval does not apply",
    input: { approvals: [approval({ ring: '', group: 'finance' })] },
    state: 'waiting-approval',
  },
  {
    name: 'a group approval does not match a node without a ring',
    input: {
      node: { ...NODE, ring: '' },
      approvals: [approval({ ring: '', group: 'finance' })],
    },
    state: 'waiting-approval',
  },
  {
    name: "the node's ring matches",
    input: { approvals: [approval()] },
    state: 'install-now',
    approval: 0,
    reason: /ring canary; no maintenance window/,
  },
  {
    name: "one of the node's groups matches",
    input: { approvals: [approval({ ring: '', group: 'kiosk' })] },
    state: 'install-now',
    approval: 0,
    reason: /group kiosk/,
  },
  {
    name: 'an expired approval does not count',
    input: { approvals: [approval({ expiresAtMs: NOW - 1 })] },
    state: 'waiting-approval',
    reason: /expired/,
  },
  {
    name: 'prefetching downloads before an approval',
    input: { approvals: [], prefetch: true, downloaded: false },
    state: 'downloading',
    reason: /prefetch/,
  },
  {
    name: 'prefetched and still unapproved waits',
    input: { approvals: [], prefetch: true },
    state: 'waiting-approval',
  },
  {
    name: 'approved and not downloaded downloads',
    input: { downloaded: false },
    state: 'downloading',
    approval: 0,
  },
  {
    name: 'approved with not-before in the future still downloads',
    input: { downloaded: false, approvals: [approval({ notBeforeMs: NOW + DAY })] },
    state: 'downloading',
    approval: 0,
  },
  {
    name: 'not-before in the future waits for it',
    input: { approvals: [approval({ notBeforeMs: NOW + HOUR })] },
    state: 'waiting-window',
    approval: 0,
    nextWindowStartMs: NOW + HOUR,
    reason: /not before 2025-06-04T13:00:00.000Z/,
  },
  {
    name: 'not-before passed installs',
    input: { approvals: [approval({ notBeforeMs: NOW - HOUR })] },
    state: 'install-now',
  },
  {
    name: 'not-before falls outside a window: waits for the window after it',
    input: {
      approvals: [approval({ notBeforeMs: at('2025-06-05T05:00Z'), windows: NIGHTLY })],
    },
    state: 'waiting-window',
    nextWindowStartMs: at('2025-06-06T02:00Z'),
  },
  {
    name: 'not-before falls inside a window: waits for not-before',
    input: {
      approvals: [approval({ notBeforeMs: at('2025-06-05T03:00Z'), windows: NIGHTLY })],
    },
    state: 'waiting-window',
    nextWindowStartMs: at('2025-06-05T03:00Z'),
  },
  {
    name: 'outside the window waits for it',
    input: { approvals: [approval({ windows: NIGHTLY })] },
    state: 'waiting-window',
    nextWindowStartMs: TONIGHT,
    reason: /window opens 2025-06-05T02:00:00.000Z/,
  },
  {
    name: 'inside the window installs',
    input: { approvals: [approval({ windows: NIGHTLY })], nowMs: TONIGHT + HOUR },
    state: 'install-now',
    reason: /inside a maintenance window/,
  },
  {
    name: 'deadline passed outside a window installs at once',
    input: { approvals: [approval({ windows: NIGHTLY, deadlineMs: NOW - HOUR })] },
    state: 'install-now',
    reason: /deadline 2025-06-04T11:00:00.000Z passed/,
  },
  {
    name: 'deadline before the next window: waits for the deadline',
    input: { approvals: [approval({ windows: NIGHTLY, deadlineMs: NOW + HOUR })] },
    state: 'waiting-window',
    nextWindowStartMs: NOW + HOUR,
    reason: /deadline/,
  },
  {
    name: 'deadline after the next window: waits for the window',
    input: { approvals: [approval({ windows: NIGHTLY, deadlineMs: NOW + 2 * DAY })] },
    state: 'waiting-window',
    nextWindowStartMs: TONIGHT,
  },
  {
    name: "windows are read in the node's time zone (09:30 BST is inside 09:00-10:00)",
    input: {
      node: { ...NODE, timeZone: 'Europe/London' },
      approvals: [
        approval({ windows: [{ days: EVERY_DAY, startMinute: 540, durationMinutes: 60 }] }),
      ],
      nowMs: at('2025-06-04T08:30Z'),
    },
    state: 'install-now',
  },
  {
    name: 'the same instant is outside the window for a node on UTC',
    input: {
      approvals: [
        approval({ windows: [{ days: EVERY_DAY, startMinute: 540, durationMinutes: 60 }] }),
      ],
      nowMs: at('2025-06-04T08:30Z'),
    },
    state: 'waiting-window',
    nextWindowStartMs: at('2025-06-04T09:00Z'),
  },
  {
    name: 'a higher sequence for the same ring replaces the earlier approval',
    input: {
      approvals: [approval({ sequence: 2, windows: NIGHTLY }), approval({ sequence: 1 })],
    },
    state: 'waiting-window',
    approval: 0,
    nextWindowStartMs: TONIGHT,
  },
  {
    name: 'of a ring and a group approval, the one allowing the earlier install applies',
    input: {
      approvals: [approval({ windows: NIGHTLY }), approval({ ring: '', group: 'lab' })],
    },
    state: 'install-now',
    approval: 1,
  },
  {
    name: 'a halt issued after the approval wins',
    input: { approvals: [approval()], halts: [halt()] },
    state: 'halted',
    reason: /halted: canaries failing/,
  },
  {
    name: 'a halt issued at the same time as the approval wins',
    input: { approvals: [approval()], halts: [halt({ issuedAtMs: NOW - DAY })] },
    state: 'halted',
  },
  {
    name: 'an approval issued after the halt lifts it',
    input: { approvals: [approval({ issuedAtMs: NOW - 1 })], halts: [halt()] },
    state: 'install-now',
    approval: 0,
  },
  {
    name: 'an approval lifts only halts issued before it',
    input: {
      approvals: [approval({ issuedAtMs: NOW - 2 * HOUR })],
      halts: [halt({ issuedAtMs: NOW - 3 * HOUR }), halt({ issuedAtMs: NOW - HOUR })],
    },
    state: 'halted',
  },
  {
    name: 'a group approval after the halt lifts it though the ring approval stays halted',
    input: {
      approvals: [approval(), approval({ ring: '', group: 'lab', issuedAtMs: NOW - 1 })],
      halts: [halt()],
    },
    state: 'install-now',
    approval: 1,
  },
  {
    name: 'a halt without any approval halts',
    input: { approvals: [], halts: [halt()] },
    state: 'halted',
  },
  {
    name: 'a halted patch is not prefetched',
    input: { approvals: [], halts: [halt()], prefetch: true, downloaded: false },
    state: 'halted',
  },
]

function input(overrides: Partial<PolicyInput>): PolicyInput {
  return {
    announced: true,
    revoked: false,
    downloaded: true,
    node: NODE,
    approvals: [approval()],
    halts: [],
    nowMs: NOW,
    ...overrides,
  }
}

describe('install policy', () => {
  for (const c of cases) {
    it(c.name, () => {
      const full = input(c.input)
      const decision = decideInstall(full)

      assert.equal(decision.state, c.state, decision.reason)
      if (c.approval !== undefined) assert.equal(decision.approval, full.approvals[c.approval])
      assert.equal(decision.nextWindowStartMs, c.nextWindowStartMs)
      assert.equal(decision.retry === true, c.retry === true, 'retry')
      if (c.reason !== undefined) assert.match(decision.reason, c.reason)
    })
  }

  it('names the halt that stopped the patch', () => {
    const h = halt()
    const decision = decideInstall(input({ halts: [halt({ issuedAtMs: NOW - 2 * HOUR }), h] }))

    assert.equal(decision.halt, h)
  })

  it("rejects a node's unknown time zone by name", () => {
    assert.throws(() => decideInstall(input({ node: { ...NODE, timeZone: 'Nowhere/Land' } })), {
      name: 'InvalidTimeZoneError',
    })
  })
})
