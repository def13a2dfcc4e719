import assert from 'node:assert/strict'
import { createHash } from 'node:crypto'
import { createReadStream } from 'node:fs'
import { open } from 'node:fs/promises'
import { pipeline } from 'node:stream/promises'
import { after, before, describe, test } from 'node:test'

import { buildManifest, chunkCount, chunkHash, verifyFile } from '../../src/manifest/index.ts'
import type { BuiltManifest } from '../../src/manifest/index.ts'
import { DEFAULT_CHUNK_SIZE } from '../../src/wire/limits.ts'
import { makeScratch, sha256 } from './helpers.ts'
import type { Scratch } from './helpers.ts'

const GIB = 1024 * 1024 * 1024
const SIZE = 2 * GIB + 1
/** Offsets of the few non-zero bytes; the rest of the file is a hole that reads as zeros. */
const MARKS = [0, 700 * 1024 * 1024 + 3, GIB, 2 * GIB]

let scratch: Scratch
let path: string
let built: BuiltManifest

before(async () => {
  scratch = await makeScratch()
  path = (await scratch.file('sparse', 0)).path

  const handle = await open(path, 'r+')
  try {
    await handle.truncate(SIZE)
    for (const offset of MARKS) await handle.write(Buffer.of(0xa5), 0, 1, offset)
  } finally {
    await handle.close()
  }

  built = await buildManifest(path)
})

after(async () => {
  await scratch.remove()
})

describe('a sparse file over 2 GiB', () => {
  test('has a manifest of the right size and chunk count', () => {
    assert.equal(built.manifest.size, SIZE)
    assert.equal(chunkCount(built.manifest), 2049)
  })

  test('has chunk hashes that tell zero chunks from marked ones', () => {
    const zeros = sha256(Buffer.alloc(DEFAULT_CHUNK_SIZE))
    const marked = new Set(MARKS.map((offset) => Math.floor(offset / DEFAULT_CHUNK_SIZE)))

    for (const index of [0, 1, 700, 1023, 1024, 2047]) {
      const hash = Buffer.from(chunkHash(built.manifest, index))
      assert.equal(hash.equals(zeros), !marked.has(index), `chunk ${index}`)
    }
    assert.deepEqual(Buffer.from(chunkHash(built.manifest, 2048)), sha256(Buffer.of(0xa5)))
  })

  test('has the whole-file SHA-256 of an independent streaming hash', async () => {
    const hash = createHash('sha256')
    await pipeline(createReadStream(path, { highWaterMark: 4 * 1024 * 1024 }), hash)

    assert.deepEqual(Buffer.from(built.manifest.sha256), hash.digest())
  })

  test('verifies against its own manifest', async () => {
    await verifyFile(path, built.manifest)
  })
})
