/**
 * The `patchmesh` command: one binary, a subcommand per role and task.
 */
import { Command } from 'commander'
import { registerApprove } from './approve.ts'
import { registerAuthority } from './authority.ts'
import { registerCoordinator } from './coordinator.ts'
import { registerDemo } from './demo.ts'
import { registerHalt } from './halt.ts'
import { registerInspect } from './inspect.ts'
import { registerKeys } from './keys.ts'
import { registerNetlab } from './netlab.ts'
import { registerNode } from './node.ts'
import { registerPublish } from './publish.ts'
import { registerRevoke } from './revoke.ts'
import { registerSimulate } from './simulate.ts'
import { registerStatus } from './status.ts'
import { registerVerify } from './verify.ts'

const program = new Command()
  .name('patchmesh')
  .description('peer-to-peer patch distribution for many branch sites on thin WAN links')
  .version('0.1.0')
  // Options of `patchmesh` itself only before the subcommand, so `publish --version V` is free.
  .enablePositionalOptions()
  .showHelpAfterError('(run with --help for usage)')

registerKeys(program)
registerPublish(program)
registerRevoke(program)
registerVerify(program)
registerInspect(program)
registerAuthority(program)
registerNode(program)
registerCoordinator(program)
registerDemo(program)
registerApprove(program)
registerHalt(program)
registerStatus(program)
registerSimulate(program)
registerNetlab(program)

await program.parseAsync()
