import { resolve } from 'node:path'
import type { Command } from 'commander'
import { publish } from '../authority/publish.ts'
import { formatBytes } from '../util/units.ts'
import { byteProgress, emit, fail } from './output.ts'
import { countOption, durationOption, selectorOption, sizeOption } from './options.ts'

interface PublishFlags {
  keys: string
  name: string
  version: string
  out?: string
  chunkSize?: number
  target?: string[]
  description?: string
  validFor?: number
  sequence?: number
  json?: boolean
}

export function registerPublish(program: Command): void {
  program
    .command('publish')
    .description('sign a file as a patch and write its bundle (announcement, manifest, data)')
    .argument('<file>', 'the patch file')
    .requiredOption('--name <name>', 'patch name, e.g. openssl')
    .requiredOption('--version <version>', 'patch version, e.g. 3.0.15-1')
    .option('--keys <dir>', 'keys directory made by `patchmesh keys init`', 'keys')
    .option('--out <dir>', 'bundle directory to create (default: <name>-<version>.bundle)')
    .option('--chunk-size <size>', 'chunk size, 16KiB to 16MiB (default 1MiB)', sizeOption)
    .option('--target <key=value>', 'target selector, repeatable', selectorOption)
    .option('--description <text>', 'what the patch is for')
    .option(
      '--valid-for <duration>',
      'how long the announcement is valid (default 30d)',
      durationOption,
    )
    .option('--sequence <n>', 'record sequence number (default: issue time in ms)', countOption)
    .option('--json', 'print the result as JSON')
    .action(async (file: string, flags: PublishFlags) => {
      const json = flags.json === true
      const progress = byteProgress('hashing', json)
      try {
        const out = flags.out ?? `${flags.name}-${flags.version}.bundle`.replace(/[/\\]/g, '_')
        const published = await publish({
          file,
          keysDir: flags.keys,
          out,
          name: flags.name,
          version: flags.version,
          chunkSize: flags.chunkSize,
          targets: flags.target,
          description: flags.description,
          validForMs: flags.validFor,
          sequence: flags.sequence,
          onProgress: progress.update,
        })
        progress.stop()
        emit(json, { ok: true, bundle: resolve(published.dir), ...published.summary }, (s) =>
          [
            `published ${s.name} ${s.version} as patch ${s.patchId}`,
            `  ${formatBytes(s.size)} in ${s.chunks} chunk(s) of ${formatBytes(s.chunkSize)}`,
            `  sha256 ${s.sha256}`,
            `  bundle ${s.bundle}`,
          ].join('\n'),
        )
      } catch (err) {
        progress.stop()
        fail(err, json)
      }
    })
}
