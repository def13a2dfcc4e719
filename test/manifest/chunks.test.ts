import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'

import {
  buildManifest,
  chunkCount,
  chunkHash,
  chunkRange,
  validateChunkSize,
  verifyChunk,
} from '../../src/manifest/index.ts'
import type { Manifest } from '../../src/wire/records.ts'
import { MAX_CHUNK_SIZE, MIN_CHUNK_SIZE } from '../../src/wire/limits.ts'
import { CS, flipBit, makeScratch, sha256 } from './helpers.ts'
import type { Scratch } from './helpers.ts'

const SIZE = 3 * CS + 100

let scratch: Scratch
let bytes: Buffer
let m: Manifest

before(async () => {
  scratch = await makeScratch()
  const file = await scratch.file('chunks', SIZE)
  bytes = file.bytes
  m = (await buildManifest(file.path, { chunkSize: CS })).manifest
})

after(async () => {
  await scratch.remove()
})

/** The bytes of chunk `index`, sliced independently of chunkRange. */
function slice(index: number): Buffer {
  return bytes.subarray(index * CS, Math.min((index + 1) * CS, SIZE))
}

describe('chunk accessors', () => {
  test('chunkCount counts a short last chunk', () => {
    assert.equal(chunkCount(m), 4)
  })

  const ranges = [
    { index: 0, offset: 0, length: CS },
    { index: 2, offset: 2 * CS, length: CS },
    { index: 3, offset: 3 * CS, length: 100 },
  ]

  for (const { index, offset, length } of ranges) {
    test(`chunkRange gives chunk ${index} offset ${offset} and length ${length}`, () => {
      assert.deepEqual(chunkRange(m, index), { offset, length })
    })
  }

  test('chunkHash is the SHA-256 of each chunk', () => {
    for (let index = 0; index < chunkCount(m); index++) {
      assert.deepEqual(Buffer.from(chunkHash(m, index)), sha256(slice(index)), `chunk ${index}`)
    }
  })

  test('chunkHash returns a view into the manifest, not a copy', () => {
    const view = chunkHash(m, 1)

    assert.equal(view.buffer, m.chunkHashes.buffer)
    assert.equal(view.byteLength, 32)
  })

  for (const index of [-1, 4, 1.5, Number.NaN]) {
    test(`chunkRange and chunkHash reject index ${index}`, () => {
      assert.throws(() => chunkRange(m, index), { name: 'ChunkIndexError', index })
      assert.throws(() => chunkHash(m, index), { name: 'ChunkIndexError', index })
    })
  }
})

describe('validateChunkSize', () => {
  for (const size of [MIN_CHUNK_SIZE, 1024 * 1024, MAX_CHUNK_SIZE]) {
    test(`accepts ${size}`, () => {
      assert.doesNotThrow(() => validateChunkSize(size))
    })
  }

  for (const size of [MIN_CHUNK_SIZE - 1, MAX_CHUNK_SIZE + 1, 20_000.5, -CS, Infinity]) {
    test(`rejects ${size}`, () => {
      assert.throws(() => validateChunkSize(size), { name: 'ChunkSizeError', chunkSize: size })
    })
  }
})

describe('verifyChunk', () => {
  test('accepts every chunk of the file', () => {
    for (let index = 0; index < chunkCount(m); index++) {
      assert.doesNotThrow(() => verifyChunk(m, index, slice(index)), `chunk ${index}`)
    }
  })

  test('rejects a chunk with one bit flipped, naming the chunk', () => {
    const bad = flipBit(slice(2), 17)

    assert.throws(() => verifyChunk(m, 2, bad), {
      name: 'ChunkMismatchError',
      index: 2,
      expected: sha256(slice(2)).toString('hex'),
      actual: sha256(bad).toString('hex'),
      message: /chunk 2 /,
    })
  })

  const lengths = [
    { label: 'one byte short', index: 1, data: () => slice(1).subarray(1) },
    { label: 'one byte long', index: 3, data: () => Buffer.concat([slice(3), Buffer.of(0)]) },
    { label: 'empty', index: 0, data: () => Buffer.alloc(0) },
  ]

  for (const { label, index, data } of lengths) {
    test(`rejects a chunk ${label}`, () => {
      assert.throws(() => verifyChunk(m, index, data()), {
        name: 'ChunkMismatchError',
        index,
        actualLength: data().byteLength,
      })
    })
  }

  test('rejects the right bytes offered as another chunk', () => {
    assert.throws(() => verifyChunk(m, 2, slice(1)), { name: 'ChunkMismatchError', index: 2 })
  })

  test('rejects an index out of range', () => {
    assert.throws(() => verifyChunk(m, 4, slice(3)), { name: 'ChunkIndexError', index: 4 })
  })
})
