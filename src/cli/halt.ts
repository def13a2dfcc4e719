/**
 * `patchmesh halt PATCH`: asks the coordinator to sign and gossip a halt of the patch's rollout.
 * Nodes install nothing more of it until an approval lifts the halt.
 */
import type { Command } from 'commander'
import { addClientOptions, connect, failRequest, patchPath } from './coordinator-client.ts'
import type { ClientFlags } from './coordinator-client.ts'
import { emit } from './output.ts'

interface HaltFlags extends ClientFlags {
  reason?: string
}

interface HaltAnswer {
  record: { patchId: string; reason: string; sequence: number; issuedAtMs: number }
  published: boolean
}

export function registerHalt(program: Command): void {
  addClientOptions(
    program
      .command('halt')
      .description("halt a patch's rollout: nodes install nothing more until a new approval")
      .argument('<patch>', 'patch id or name@version')
      .option('--reason <text>', 'why, for the record and the other operators'),
  ).action(async (patch: string, flags: HaltFlags) => {
    const json = flags.json === true
    try {
      const client = await connect(flags, 'change')
      const answer = await client.post<HaltAnswer>(`${patchPath(patch)}/halt`, {
        reason: flags.reason ?? '',
      })
      emit(json, answer, ({ record, published }) => {
        const name =
          patch === record.patchId ? `patch ${patch}` : `${patch} (patch ${record.patchId})`
        return [
          `halted ${name}, sequence ${record.sequence}${record.reason ? `: ${record.reason}` : ''}`,
          '  nodes install nothing more of it; approve a ring or group to resume',
          ...(published
            ? []
            : ['  stored, but the mesh did not take it yet; it is gossiped again later']),
        ].join('\n')
      })
    } catch (err) {
      failRequest(err, json)
    }
  })
}
