import assert from 'node:assert/strict'
import { appendFileSync, closeSync, openSync, truncateSync, writeSync } from 'node:fs'
import { truncate, utimes } from 'node:fs/promises'
import { after, before, describe, test } from 'node:test'

import { buildManifest, chunkCount, patchIdOf, sealManifest } from '../../src/manifest/index.ts'
import {
  DEFAULT_CHUNK_SIZE,
  MAX_CHUNK_SIZE,
  MAX_CHUNKS,
  MIN_CHUNK_SIZE,
} from '../../src/wire/limits.ts'
import { decodeManifest } from '../../src/wire/records.ts'
import { CS, makeScratch, referenceChunkHashes, sha256 } from './helpers.ts'
import type { Scratch } from './helpers.ts'

let scratch: Scratch

before(async () => {
  scratch = await makeScratch()
})

after(async () => {
  await scratch.remove()
})

describe('buildManifest hashes', () => {
  const sizes = [
    { label: 'a zero-byte file', size: 0, chunks: 0 },
    { label: 'one byte', size: 1, chunks: 1 },
    { label: 'one chunk minus one byte', size: CS - 1, chunks: 1 },
    { label: 'exactly one chunk', size: CS, chunks: 1 },
    { label: 'one chunk plus one byte', size: CS + 1, chunks: 2 },
    { label: 'several chunks and a short last one', size: 7 * CS + 123, chunks: 8 },
  ]

  for (const { label, size, chunks } of sizes) {
    test(`matches independent SHA-256s for ${label}`, async () => {
      const { path, bytes } = await scratch.file(`sizes-${size}`, size)

      const { manifest } = await buildManifest(path, { chunkSize: CS })

      assert.equal(manifest.size, size)
      assert.equal(manifest.chunkSize, CS)
      assert.equal(chunkCount(manifest), chunks)
      assert.deepEqual(Buffer.from(manifest.sha256), sha256(bytes))
      assert.deepEqual(Buffer.from(manifest.chunkHashes), referenceChunkHashes(bytes, CS))
    })
  }
})

describe('buildManifest encoding', () => {
  test('encodes bytes that decodeManifest round-trips', async () => {
    const { path } = await scratch.file('roundtrip', 3 * CS + 9)

    const built = await buildManifest(path, { chunkSize: CS })
    const decoded = decodeManifest(built.bytes)

    assert.equal(decoded.size, built.manifest.size)
    assert.equal(decoded.chunkSize, built.manifest.chunkSize)
    assert.deepEqual(Buffer.from(decoded.sha256), Buffer.from(built.manifest.sha256))
    assert.deepEqual(Buffer.from(decoded.chunkHashes), Buffer.from(built.manifest.chunkHashes))
  })

  test('round-trips the manifest of a zero-byte file', async () => {
    const { path } = await scratch.file('roundtrip-empty', 0)

    const built = await buildManifest(path)
    const decoded = decodeManifest(built.bytes)

    assert.equal(decoded.size, 0)
    assert.equal(decoded.chunkHashes.byteLength, 0)
    assert.deepEqual(Buffer.from(decoded.sha256), sha256(new Uint8Array(0)))
  })

  test('derives manifestSha256 and patchId from the encoded bytes', async () => {
    const { path } = await scratch.file('ids', 2 * CS)

    const built = await buildManifest(path, { chunkSize: CS })
    const expected = sha256(built.bytes)

    assert.deepEqual(Buffer.from(built.manifestSha256), expected)
    assert.equal(built.patchId, expected.subarray(0, 16).toString('hex'))
    assert.match(built.patchId, /^[0-9a-f]{32}$/)
    assert.equal(patchIdOf(built.manifestSha256), built.patchId)
  })

  test('gives the same content at another chunk size another patch id', async () => {
    const { path } = await scratch.file('chunk-sizes', 4 * CS)

    const small = await buildManifest(path, { chunkSize: CS })
    const large = await buildManifest(path, { chunkSize: 2 * CS })

    assert.deepEqual(Buffer.from(small.manifest.sha256), Buffer.from(large.manifest.sha256))
    assert.notEqual(small.patchId, large.patchId)
  })

  test('sealManifest of a built manifest reproduces its bytes and id', async () => {
    const { path } = await scratch.file('seal', CS + 5)

    const built = await buildManifest(path, { chunkSize: CS })
    const sealed = sealManifest(decodeManifest(built.bytes))

    assert.deepEqual(Buffer.from(sealed.bytes), Buffer.from(built.bytes))
    assert.equal(sealed.patchId, built.patchId)
  })
})

describe('buildManifest options', () => {
  test('uses 1 MiB chunks by default', async () => {
    const { path } = await scratch.file('default-chunk', DEFAULT_CHUNK_SIZE + 1)

    const { manifest } = await buildManifest(path)

    assert.equal(manifest.chunkSize, DEFAULT_CHUNK_SIZE)
    assert.equal(chunkCount(manifest), 2)
  })

  const badSizes = [
    { label: 'below the minimum', chunkSize: MIN_CHUNK_SIZE - 1 },
    { label: 'above the maximum', chunkSize: MAX_CHUNK_SIZE + 1 },
    { label: 'not an integer', chunkSize: MIN_CHUNK_SIZE + 0.5 },
    { label: 'zero', chunkSize: 0 },
    { label: 'NaN', chunkSize: Number.NaN },
  ]

  for (const { label, chunkSize } of badSizes) {
    test(`rejects a chunk size ${label}`, async () => {
      const { path } = await scratch.file('bad-chunk-size', 10)

      await assert.rejects(buildManifest(path, { chunkSize }), { name: 'ChunkSizeError' })
    })
  }

  test('accepts the minimum and maximum chunk sizes', async () => {
    const { path, bytes } = await scratch.file('limits', MIN_CHUNK_SIZE + 1)

    const min = await buildManifest(path, { chunkSize: MIN_CHUNK_SIZE })
    const max = await buildManifest(path, { chunkSize: MAX_CHUNK_SIZE })

    assert.equal(chunkCount(min.manifest), 2)
    assert.deepEqual(Buffer.from(max.manifest.chunkHashes), sha256(bytes))
  })

  test('reports progress after each chunk, ending at the file size', async () => {
    const size = 3 * CS + 1
    const { path } = await scratch.file('progress', size)
    const calls: Array<[number, number]> = []

    await buildManifest(path, {
      chunkSize: CS,
      onProgress: (done, total) => calls.push([done, total]),
    })

    assert.deepEqual(calls, [
      [CS, size],
      [2 * CS, size],
      [3 * CS, size],
      [size, size],
    ])
  })

  test('reports progress once for a zero-byte file', async () => {
    const { path } = await scratch.file('progress-empty', 0)
    const calls: Array<[number, number]> = []

    await buildManifest(path, { onProgress: (done, total) => calls.push([done, total]) })

    assert.deepEqual(calls, [[0, 0]])
  })

  test('rejects a file that needs more chunks than a manifest may list', async () => {
    const { path } = await scratch.file('too-many-chunks', 0)
    await truncate(path, MAX_CHUNKS * MIN_CHUNK_SIZE + 1)

    await assert.rejects(buildManifest(path, { chunkSize: MIN_CHUNK_SIZE }), {
      name: 'TooManyChunksError',
    })
  })

  test('rejects a missing file with the file system error', async () => {
    await assert.rejects(buildManifest(`${scratch.dir}/does-not-exist`), { code: 'ENOENT' })
  })
})

describe('buildManifest on a changing file', () => {
  test('rejects a file that shrinks while being read', async () => {
    const { path } = await scratch.file('shrinks', 8 * CS)

    // The first progress call comes after chunk 0; chunks from 2 on are read after the cut.
    const cut = () => truncateSync(path, CS)

    await assert.rejects(buildManifest(path, { chunkSize: CS, onProgress: once(cut) }), {
      name: 'FileChangedError',
      sizeBefore: 8 * CS,
      sizeAfter: CS,
    })
  })

  test('rejects a file that grows while being read', async () => {
    const { path } = await scratch.file('grows', 8 * CS)

    const grow = () => appendFileSync(path, Buffer.alloc(CS))

    await assert.rejects(buildManifest(path, { chunkSize: CS, onProgress: once(grow) }), {
      name: 'FileChangedError',
      sizeBefore: 8 * CS,
      sizeAfter: 9 * CS,
    })
  })

  test('rejects a file rewritten in place while being read', async () => {
    const { path } = await scratch.file('rewritten', 8 * CS)
    // An old modification time, so the rewrite below is bound to change it.
    const past = new Date('2020-01-01T00:00:00Z')
    await utimes(path, past, past)

    const rewrite = () => {
      const fd = openSync(path, 'r+')
      writeSync(fd, Buffer.of(0xff), 0, 1, 6 * CS)
      closeSync(fd)
    }

    await assert.rejects(buildManifest(path, { chunkSize: CS, onProgress: once(rewrite) }), {
      name: 'FileChangedError',
      sizeBefore: 8 * CS,
      sizeAfter: 8 * CS,
    })
  })
})

function once(fn: () => void): () => void {
  let called = false

  return () => {
    if (!called) fn()
    called = true
  }
}
