import { naming, readBoundedFile } from '../util/files.ts'
import { MAX_ENVELOPE_BYTES } from '../wire/limits.ts'
import type { Command } from 'commander'
import { toHex } from '../trust/index.ts'
import { decodeEnvelope } from '../wire/records.ts'
import {
  decodeAnnouncement,
  decodeApproval,
  decodeHalt,
  decodeRevocation,
  decodeRoot,
} from '../wire/records.ts'
import { emit, fail } from './output.ts'

const decoders: Record<string, (bytes: Uint8Array) => object> = {
  'patchmesh.root.v1': decodeRoot,
  'patchmesh.announcement.v1': decodeAnnouncement,
  'patchmesh.revocation.v1': decodeRevocation,
  'patchmesh.approval.v1': decodeApproval,
  'patchmesh.halt.v1': decodeHalt,
}

export function registerInspect(program: Command): void {
  program
    .command('inspect')
    .description('show what a signed record (root, announcement, ...) says; this verifies nothing')
    .argument('<file>', 'a .signed file')
    .option('--json', 'print as JSON (the default output is JSON too, indented)')
    .action(async (file: string, flags: { json?: boolean }) => {
      try {
        const bytes = await readBoundedFile(file, MAX_ENVELOPE_BYTES, 'signed record')
        const envelope = await naming(file, () => decodeEnvelope(bytes))
        const decode = decoders[envelope.payloadType]
        const record = decode === undefined ? undefined : decode(envelope.payload)
        const shown = {
          payloadType: envelope.payloadType,
          signatures: envelope.signatures.map((s) => toHex(s.keyId)),
          record: record === undefined ? null : readable(record),
        }
        emit(true, shown, () => '')
      } catch (err) {
        fail(err, flags.json === true)
      }
    })
}

/** Byte fields as hex and times as ISO dates, for people. */
function readable(value: unknown, key = ''): unknown {
  if (value instanceof Uint8Array) return toHex(value)
  if (Array.isArray(value)) return value.map((v) => readable(v))
  if (typeof value === 'number' && key.endsWith('Ms') && value > 0) {
    return new Date(value).toISOString()
  }
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, readable(v, k)]))
  }

  return value
}
