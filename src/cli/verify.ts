import { readBoundedFile } from '../util/files.ts'
import { MAX_ENVELOPE_BYTES } from '../wire/limits.ts'
import type { Command } from 'commander'
import { verifyAgainstBundle } from '../node/verify-bundle.ts'
import { toHex } from '../trust/index.ts'
import { formatBytes } from '../util/units.ts'
import { byteProgress, emit, fail } from './output.ts'
import { durationOption } from './options.ts'

interface VerifyFlags {
  root: string
  bundle: string
  clockSkew?: number
  json?: boolean
}

export function registerVerify(program: Command): void {
  program
    .command('verify')
    .description('check that a file is exactly the patch a bundle announces, under a trusted root')
    .argument('<file>', 'the file to check')
    .requiredOption('--root <file>', 'the root this machine trusts (root.signed)')
    .requiredOption('--bundle <dir>', 'the bundle made by `patchmesh publish`')
    .option('--clock-skew <duration>', 'allowed clock disagreement (default 5m)', durationOption)
    .option('--json', 'print the result as JSON')
    .action(async (file: string, flags: VerifyFlags) => {
      const json = flags.json === true
      const progress = byteProgress('verifying', json)
      try {
        const anchor = await readBoundedFile(flags.root, MAX_ENVELOPE_BYTES, '--root')
        const verified = await verifyAgainstBundle({
          file,
          anchor,
          anchorPath: flags.root,
          bundleDir: flags.bundle,
          clockSkewMs: flags.clockSkew,
          onProgress: progress.update,
        })
        progress.stop()
        const { announcement: a } = verified
        const result = {
          ok: true,
          file,
          patchId: a.patchId,
          name: a.name,
          version: a.version,
          size: a.size,
          sha256: toHex(a.sha256),
          rootVersion: verified.rootVersion,
        }
        emit(json, result, (r) =>
          [
            `OK ${r.file} is ${r.name} ${r.version} (patch ${r.patchId})`,
            `  ${formatBytes(r.size)}, sha256 ${r.sha256}, signed under root version ${r.rootVersion}`,
          ].join('\n'),
        )
      } catch (err) {
        progress.stop()
        fail(err, json)
      }
    })
}
