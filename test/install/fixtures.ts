/** Records, nodes and scratch directories for the install tests. */
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

import type { NodeProfile } from '../../src/install/index.ts'
import type { Approval, Halt } from '../../src/wire/records.ts'

export const PATCH_ID = '0123456789abcdef0123456789abcdef'
export const HOUR = 60 * 60_000
export const DAY = 24 * HOUR

/** An instant from an ISO string, e.g. at('2025-06-04T12:00Z'). */
export const at = (iso: string): number => {
  const ms = Date.parse(iso)
  if (Number.isNaN(ms)) throw new RangeError(`bad test time ${iso}`)

  return ms
}

/** Wednesday 4 June 2025, noon UTC: the default "now" of the policy tests. */
export const NOW = at('2025-06-04T12:00Z')

/** A node in ring canary and groups lab and kiosk, keeping UTC. */
export const NODE: NodeProfile = { ring: 'canary', groups: ['lab', 'kiosk'], timeZone: 'UTC' }

/** An approval for ring canary, issued a day before {@link NOW}, any time, no deadline. */
export function approval(fields: Partial<Approval> = {}): Approval {
  return {
    patchId: PATCH_ID,
    ring: 'canary',
    group: '',
    notBeforeMs: 0,
    deadlineMs: 0,
    windows: [],
    sequence: 1,
    issuedAtMs: NOW - DAY,
    expiresAtMs: NOW + 30 * DAY,
    ...fields,
  }
}

/** A halt issued an hour before {@link NOW}. */
export function halt(fields: Partial<Halt> = {}): Halt {
  return {
    patchId: PATCH_ID,
    reason: 'canaries failing',
    sequence: 1,
    issuedAtMs: NOW - HOUR,
    expiresAtMs: NOW + 30 * DAY,
    ...fields,
  }
}

/** A fresh directory under os.tmpdir(); `remove` deletes it and everything in it. */
export async function scratch(): Promise<{ dir: string; remove: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'patchmesh-install-'))

  return { dir, remove: () => rm(dir, { recursive: true, force: true }) }
}
