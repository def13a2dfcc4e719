import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'

import { buildManifest, verifyFile } from '../../src/manifest/index.ts'
import type { Manifest } from '../../src/wire/records.ts'
import { CS, flipBit, makeScratch } from './helpers.ts'
import type { Scratch } from './helpers.ts'

const SIZE = 10 * CS + 321

let scratch: Scratch
let original: Buffer
let m: Manifest

before(async () => {
  scratch = await makeScratch()
  const file = await scratch.file('original', SIZE)
  original = file.bytes
  m = (await buildManifest(file.path, { chunkSize: CS })).manifest
})

after(async () => {
  await scratch.remove()
})

describe('verifyFile', () => {
  test('accepts the file the manifest was built from', async () => {
    const { path } = await scratch.file('same', original)

    await verifyFile(path, m)
  })

  test('accepts a zero-byte file against its manifest', async () => {
    const { path } = await scratch.file('empty', 0)
    const empty = (await buildManifest(path, { chunkSize: CS })).manifest

    await verifyFile(path, empty)
  })

  const flips = [
    { label: 'the first byte', offset: 0, chunk: 0 },
    { label: 'the last byte of a chunk', offset: 4 * CS - 1, chunk: 3 },
    { label: 'the first byte of a chunk', offset: 4 * CS, chunk: 4 },
    { label: 'the last byte of the file', offset: SIZE - 1, chunk: 10 },
  ]

  for (const { label, offset, chunk } of flips) {
    test(`rejects a flip in ${label}, naming chunk ${chunk}`, async () => {
      const { path } = await scratch.file(`flip-${offset}`, flipBit(original, offset))

      await assert.rejects(verifyFile(path, m), {
        name: 'BadChunksError',
        badChunks: [chunk],
        message: new RegExp(`: ${chunk}$`),
      })
    })
  }

  test('lists every bad chunk, not only the first', async () => {
    const offsets = [1, 2 * CS + 5, 2 * CS + 6, 5 * CS, 6 * CS, 7 * CS, 8 * CS, 9 * CS]
    const corrupt = offsets.reduce((bytes, offset) => flipBit(bytes, offset), original)
    const { path } = await scratch.file('many-flips', corrupt)

    await assert.rejects(verifyFile(path, m), {
      name: 'BadChunksError',
      badChunks: [0, 2, 5, 6, 7, 8, 9],
      message: /7 chunk\(s\) .*: 0, 2, 5, 6, 7 and 2 more$/,
    })
  })

  const sizes = [
    { label: 'truncated by one byte', bytes: () => original.subarray(0, SIZE - 1), size: SIZE - 1 },
    { label: 'truncated to nothing', bytes: () => Buffer.alloc(0), size: 0 },
    {
      label: 'extended by one byte',
      bytes: () => Buffer.concat([original, Buffer.of(0)]),
      size: SIZE + 1,
    },
  ]

  for (const { label, bytes, size } of sizes) {
    test(`rejects a file ${label} before reading it`, async () => {
      const { path } = await scratch.file(`size-${size}`, bytes())
      let progressed = false

      await assert.rejects(verifyFile(path, m, { onProgress: () => (progressed = true) }), {
        name: 'SizeMismatchError',
        expected: SIZE,
        actual: size,
      })
      assert.equal(progressed, false)
    })
  }

  test('rejects a whole-file hash that disagrees with matching chunks', async () => {
    const { path } = await scratch.file('whole', original)
    const wrongSha = { ...m, sha256: new Uint8Array(flipBit(m.sha256, 0)) }

    await assert.rejects(verifyFile(path, wrongSha), { name: 'FileHashMismatchError' })
  })

  test('rejects a manifest whose chunk hashes do not fit its size', async () => {
    const { path } = await scratch.file('inconsistent', original)
    const short = { ...m, chunkHashes: m.chunkHashes.slice(32) }

    await assert.rejects(verifyFile(path, short), { name: 'InvalidManifestError' })
  })

  test('reports progress up to the file size', async () => {
    const { path } = await scratch.file('progress', original)
    const seen: number[] = []

    await verifyFile(path, m, { onProgress: (done, total) => seen.push(done, total) })

    assert.deepEqual(seen.slice(-2), [SIZE, SIZE])
    assert.equal(seen.length, 2 * 11)
  })
})
