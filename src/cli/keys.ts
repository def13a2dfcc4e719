import { join } from 'node:path'
import type { Command } from 'commander'
import { initKeys, rootPath, rotateKeys } from '../authority/keys-dir.ts'
import type { KeysDir } from '../authority/keys-dir.ts'
import { ROLES, toHex } from '../trust/index.ts'
import type { RoleName } from '../trust/index.ts'
import { emit, fail } from './output.ts'
import { countOption, durationOption } from './options.ts'

interface InitFlags {
  keys: string
  validFor?: number
  json?: boolean
  rootKeys?: number
  rootThreshold?: number
  publisherKeys?: number
  publisherThreshold?: number
  coordinatorKeys?: number
  coordinatorThreshold?: number
}

export function registerKeys(program: Command): void {
  const keys = program.command('keys').description('create and rotate the signing keys and root')

  const init = keys
    .command('init')
    .description('create keys for every role and a first root, signed, in a new directory')
    .option('--keys <dir>', 'directory to create the keys in', 'keys')
    .option('--valid-for <duration>', 'how long the root is valid (default 365d)', durationOption)
    .option('--json', 'print the result as JSON')
  for (const role of ROLES) {
    init
      .option(`--${role}-keys <n>`, `number of ${role} keys (default 1)`, countOption)
      .option(`--${role}-threshold <n>`, `${role} signatures required (default 1)`, countOption)
  }
  init.action(async (flags: InitFlags) => {
    try {
      const roles = {
        root: { keys: flags.rootKeys ?? 1, threshold: flags.rootThreshold ?? 1 },
        publisher: { keys: flags.publisherKeys ?? 1, threshold: flags.publisherThreshold ?? 1 },
        coordinator: {
          keys: flags.coordinatorKeys ?? 1,
          threshold: flags.coordinatorThreshold ?? 1,
        },
      }
      const created = await initKeys(flags.keys, { roles, validForMs: flags.validFor })
      emit(flags.json === true, summarise(created), (s) =>
        [
          `created root version ${s.version} in ${s.dir} (valid until ${s.expiresAt})`,
          ...describeRoles(s.roles),
          `enroll nodes with ${s.rootFile}; keep ${join(s.dir, 'private')} secret`,
        ].join('\n'),
      )
    } catch (err) {
      fail(err, flags.json === true)
    }
  })

  keys
    .command('rotate')
    .description('replace the keys of one role with new ones, in a new signed root version')
    .requiredOption('--role <role>', `role to rotate: ${ROLES.join(', ')}`)
    .option('--keys <dir>', 'keys directory', 'keys')
    .option('--count <n>', 'number of new keys (default: as many as now)', countOption)
    .option('--threshold <n>', 'signatures required (default: as now)', countOption)
    .option('--valid-for <duration>', 'how long the new root is valid', durationOption)
    .option('--json', 'print the result as JSON')
    .action(
      async (flags: {
        role: string
        keys: string
        count?: number
        threshold?: number
        validFor?: number
        json?: boolean
      }) => {
        try {
          if (!ROLES.includes(flags.role as RoleName)) {
            throw new Error(`--role must be one of ${ROLES.join(', ')}, got "${flags.role}"`)
          }
          const rotated = await rotateKeys(flags.keys, {
            role: flags.role as RoleName,
            count: flags.count,
            threshold: flags.threshold,
            validForMs: flags.validFor,
          })
          emit(flags.json === true, summarise(rotated), (s) =>
            [
              `rotated ${flags.role} keys: root is now version ${s.version}`,
              ...describeRoles(s.roles),
              'nodes in the mesh follow it when they next hear from the authority; bundles',
              'published from now on carry it for offline verifiers. Bundles published before',
              `this rotation are refused by anyone who trusts root version ${s.version}.`,
            ].join('\n'),
          )
        } catch (err) {
          fail(err, flags.json === true)
        }
      },
    )
}

function summarise(keysDir: KeysDir) {
  const { root } = keysDir.root
  const roles = Object.fromEntries(
    root.roles.map((r) => [r.name, { threshold: r.threshold, keyIds: r.keyIds.map(toHex) }]),
  )

  return {
    ok: true,
    dir: keysDir.dir,
    rootFile: rootPath(keysDir.dir),
    version: root.version,
    expiresAt: new Date(root.expiresAtMs).toISOString(),
    roles,
  }
}

function describeRoles(roles: Record<string, { threshold: number; keyIds: string[] }>): string[] {
  return Object.entries(roles).map(
    ([name, r]) =>
      `  ${name.padEnd(12)} ${r.keyIds.length} key(s), threshold ${r.threshold}: ` +
      r.keyIds.map((id) => id.slice(0, 16)).join(' '),
  )
}
