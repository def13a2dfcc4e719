import type { Command } from 'commander'
import { revoke } from '../authority/revoke.ts'
import { durationOption } from './options.ts'
import { emit, fail } from './output.ts'

interface RevokeFlags {
  keys: string
  reason: string
  validFor?: number
  json?: boolean
}

export function registerRevoke(program: Command): void {
  program
    .command('revoke')
    .description(
      'sign a revocation of a published patch into its bundle; a running authority gossips it ' +
        'on SIGHUP (or at its next start), and every node then stops fetching, serving and ' +
        'installing the patch',
    )
    .argument('<bundle>', 'the bundle directory `patchmesh publish` made')
    .requiredOption('--reason <text>', 'why the patch is withdrawn (shown to operators)')
    .option('--keys <dir>', 'keys directory made by `patchmesh keys init`', 'keys')
    .option(
      '--valid-for <duration>',
      'how long the revocation is valid (default 365d)',
      durationOption,
    )
    .option('--json', 'print the result as JSON')
    .action(async (bundle: string, flags: RevokeFlags) => {
      const json = flags.json === true
      try {
        const r = await revoke({
          bundle,
          keysDir: flags.keys,
          reason: flags.reason,
          validForMs: flags.validFor,
        })
        emit(json, { ok: true, ...r }, (v) =>
          [
            `revoked patch ${v.patchId}: ${v.reason}`,
            `  written to ${bundle}/revocation.signed; send SIGHUP to the authority to gossip it`,
          ].join('\n'),
        )
      } catch (err) {
        fail(err, json)
      }
    })
}
