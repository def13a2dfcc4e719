/**
 * `patchmesh approve PATCH --ring R | --group G`: asks the coordinator to sign and gossip an
 * approval. Times and windows are read here first, so a typing error is a usage error before
 * anything is sent; the coordinator checks them again.
 */
import { InvalidArgumentError, Option } from 'commander'
import type { Command } from 'commander'
import { parseTime } from '../coordinator/times.ts'
import { formatWindow, parseWindow } from '../coordinator/windows.ts'
import type { Window } from '../wire/records.ts'
import { addClientOptions, connect, failRequest, patchPath } from './coordinator-client.ts'
import type { ClientFlags } from './coordinator-client.ts'
import { emit } from './output.ts'

interface ApproveFlags extends ClientFlags {
  ring?: string
  group?: string
  notBefore?: number
  deadline?: number
  window?: string[]
}

interface ApprovalAnswer {
  record: {
    patchId: string
    ring: string
    group: string
    notBeforeMs: number
    deadlineMs: number
    windows: Window[]
    sequence: number
    by: string
  }
  published: boolean
}

const TIMES_HELP = `
Times (--not-before, --deadline): ISO 8601 such as 2026-12-05T22:00:00Z or
2026-12-05T22:00+01:00 (without an offset: this machine's local time), a date such as
2026-12-05, "now", or a time from now such as +2h, +30m, +1d.

Windows (--window, repeatable): days and hours on each node's own clock, e.g.
"mon-fri 01:00-04:00", "sat 22:00-06:00" (past midnight), "daily 00:00-24:00",
"sun 20:00+30h" (longer than a day). Without windows nodes install as soon as they may.`

export function registerApprove(program: Command): void {
  addClientOptions(
    program
      .command('approve')
      .description('approve a patch for a ring or a group: the coordinator signs and gossips it')
      .argument('<patch>', 'patch id or name@version')
      .addOption(new Option('--ring <ring>', 'ring to approve, e.g. canary').conflicts('group'))
      .option('--group <group>', 'group of nodes to approve instead of a ring')
      .option('--not-before <time>', 'nodes install no earlier than this (default now)', time)
      .option('--deadline <time>', 'nodes install by this time, even outside windows', time)
      .option('--window <window>', 'maintenance window, e.g. "mon-fri 01:00-04:00"', windows),
  )
    .addHelpText('after', TIMES_HELP)
    .action(async (patch: string, flags: ApproveFlags, command: Command) => {
      const json = flags.json === true
      if (flags.ring === undefined && flags.group === undefined) {
        command.error('error: give --ring <ring> or --group <group> to approve')
      }
      try {
        const client = await connect(flags, 'change')
        const answer = await client.post<ApprovalAnswer>(`${patchPath(patch)}/approvals`, {
          ...(flags.ring === undefined ? {} : { ring: flags.ring }),
          ...(flags.group === undefined ? {} : { group: flags.group }),
          ...(flags.notBefore === undefined ? {} : { notBefore: flags.notBefore }),
          ...(flags.deadline === undefined ? {} : { deadline: flags.deadline }),
          ...(flags.window === undefined ? {} : { windows: flags.window }),
        })
        emit(json, answer, (a) => describeApproval(patch, a))
      } catch (err) {
        failRequest(err, json)
      }
    })
}

function describeApproval(patch: string, { record, published }: ApprovalAnswer): string {
  const target = record.ring === '' ? `group ${record.group}` : `ring ${record.ring}`
  const name = patch === record.patchId ? `patch ${patch}` : `${patch} (patch ${record.patchId})`
  const windows = record.windows.map(formatWindow).join(', ')

  return [
    `approved ${target} of ${name}, sequence ${record.sequence}`,
    `  not before ${iso(record.notBeforeMs)}`,
    `  deadline   ${record.deadlineMs === 0 ? 'none' : iso(record.deadlineMs)}`,
    `  windows    ${windows === '' ? 'none: nodes install as soon as they may' : windows}`,
    ...(published
      ? []
      : ['  stored, but the mesh did not take it yet; it is gossiped again later']),
  ].join('\n')
}

function time(value: string): number {
  try {
    return parseTime(value, Date.now(), 'time', { local: true })
  } catch (err) {
    throw new InvalidArgumentError((err as Error).message.replace(/^time: /, ''))
  }
}

function windows(value: string, previous: string[] = []): string[] {
  try {
    parseWindow(value)
  } catch (err) {
    throw new InvalidArgumentError((err as Error).message.replace(/^window: /, ''))
  }

  return [...previous, value]
}

function iso(ms: number): string {
  return new Date(ms).toISOString().replace('.000Z', 'Z')
}
