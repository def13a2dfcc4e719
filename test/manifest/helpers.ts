/**
 * Temporary files and independent reference hashes for the manifest tests. The references use
 * node:crypto directly, one chunk at a time, so they share no code with src/manifest.
 */
import { createHash, randomBytes } from 'node:crypto'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

/** The smallest chunk size a manifest allows; keeps test files small. */
export const CS = 16 * 1024

export function sha256(bytes: Uint8Array): Buffer {
  return createHash('sha256').update(bytes).digest()
}

/** Every chunk's SHA-256, concatenated in index order, computed slice by slice. */
export function referenceChunkHashes(bytes: Uint8Array, chunkSize: number): Buffer {
  const hashes: Buffer[] = []
  for (let offset = 0; offset < bytes.byteLength; offset += chunkSize) {
    hashes.push(sha256(bytes.subarray(offset, offset + chunkSize)))
  }

  return Buffer.concat(hashes)
}

/** A scratch directory under os.tmpdir(); `remove` deletes it and everything in it. */
export interface Scratch {
  dir: string
  /** Writes `bytes` (random bytes of `size` when a number) to a new file and returns its path. */
  file: (name: string, content: Uint8Array | number) => Promise<{ path: string; bytes: Buffer }>
  remove: () => Promise<void>
}

export async function makeScratch(): Promise<Scratch> {
  const dir = await mkdtemp(join(tmpdir(), 'patchmesh-manifest-'))

  return {
    dir,
    file: async (name, content) => {
      const path = join(dir, name)
      const bytes = typeof content === 'number' ? randomBytes(content) : Buffer.from(content)
      await writeFile(path, bytes)

      return { path, bytes }
    },
    remove: () => rm(dir, { recursive: true, force: true }),
  }
}

/** A copy of `bytes` with the lowest bit of the byte at `offset` flipped. */
export function flipBit(bytes: Uint8Array, offset: number): Buffer {
  const copy = Buffer.from(bytes)
  copy[offset] ^= 1

  return copy
}
