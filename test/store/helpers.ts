/**
 * Patches, loggers and scratch directories for the store tests. Chunk bytes are a cheap function
 * of the index, so large patches cost no random data; hashes use node:crypto directly.
 */
import { createHash } from 'node:crypto'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

import { createLogger } from '../../src/log.ts'
import type { Logger } from '../../src/log.ts'
import { Manifest } from '../../src/wire/records.ts'

/** The smallest chunk size a manifest allows; keeps test files small. */
export const CS = 16 * 1024

export interface TestPatch {
  patchId: string
  manifest: Manifest
  /** The bytes of chunk `index`. */
  chunk: (index: number) => Buffer
}

/** A patch of `chunks` chunks of {@link CS} bytes, the last `lastLength` long. */
export function makePatch(chunks: number, lastLength = CS, seed = 1): TestPatch {
  const size = chunks === 0 ? 0 : (chunks - 1) * CS + lastLength
  const chunk = (index: number) => {
    const bytes = Buffer.alloc(index === chunks - 1 ? lastLength : CS, (index * 31 + seed) & 0xff)
    bytes.writeUInt32BE(index, 0)
    bytes.writeUInt32BE(seed, 4)

    return bytes
  }
  const whole = createHash('sha256')
  const hashes: Buffer[] = []
  for (let i = 0; i < chunks; i++) {
    whole.update(chunk(i))
    hashes.push(sha256(chunk(i)))
  }
  const manifest: Manifest = {
    size,
    chunkSize: CS,
    sha256: whole.digest(),
    chunkHashes: Buffer.concat(hashes),
  }
  const patchId = sha256(Manifest.encode(manifest)).subarray(0, 16).toString('hex')

  return { patchId, manifest, chunk }
}

function sha256(bytes: Uint8Array): Buffer {
  return createHash('sha256').update(bytes).digest()
}

/** A logger that keeps every line it is given, parsed. */
export function captureLog(): { log: Logger; lines: Array<Record<string, any>> } {
  const lines: Array<Record<string, any>> = []
  const log = createLogger({
    level: 'trace',
    destination: { write: (line: string) => lines.push(JSON.parse(line)) },
  })

  return { log, lines }
}

export const silent = createLogger({ level: 'silent' })

/** A fresh directory under os.tmpdir(); `remove` deletes it and everything in it. */
export async function scratch(): Promise<{ dir: string; remove: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'patchmesh-store-'))

  return { dir, remove: () => rm(dir, { recursive: true, force: true }) }
}

/** Writes chunks `indexes` of `patch` through an open patch file. */
export async function writeChunks(
  file: { writeChunk: (index: number, data: Uint8Array) => Promise<void> },
  patch: TestPatch,
  indexes: Iterable<number>,
): Promise<void> {
  for (const i of indexes) await file.writeChunk(i, patch.chunk(i))
}

export function range(n: number): number[] {
  return Array.from({ length: n }, (_, i) => i)
}
