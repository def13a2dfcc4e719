import assert from 'node:assert/strict'
import { describe, it } from 'node:test'

import { ChunkBuffers } from '../../src/node/chunk-buffers.ts'

describe('ChunkBuffers', () => {
  it('joins pieces in order into one buffer of the chunk’s length', () => {
    const buffers = new ChunkBuffers(8, 2)

    const joined = buffers.copy([Buffer.from('abc'), Buffer.from('de')], 5)

    assert.equal(joined.toString(), 'abcde')
    assert.equal(joined.byteLength, 5)
  })

  it('reuses a released buffer for the next chunk', () => {
    const buffers = new ChunkBuffers(4, 2)
    const first = buffers.copy([Buffer.from('wxyz')], 4)
    buffers.release(first)

    const second = buffers.copy([Buffer.from('ab')], 2)

    assert.equal(second.buffer, first.buffer)
    assert.equal(second.toString(), 'ab')
    assert.equal(buffers.free, 0)
  })

  it('keeps no more than it was told to', () => {
    const buffers = new ChunkBuffers(4, 1)
    const a = buffers.copy([Buffer.from('a')], 1)
    const b = buffers.copy([Buffer.from('b')], 1)

    buffers.release(a)
    buffers.release(b)

    assert.equal(buffers.free, 1)
  })

  it('leaves buffers it did not make to the collector', () => {
    const buffers = new ChunkBuffers(4, 4)

    buffers.release(Buffer.from('a longer buffer'))
    buffers.release(Buffer.alloc(16).subarray(4, 8))

    assert.equal(buffers.free, 0)
  })

  it('refuses bytes longer than a chunk instead of writing past its buffer', () => {
    const buffers = new ChunkBuffers(4, 1)

    assert.throws(() => buffers.copy([Buffer.from('12345')], 5), RangeError)
  })
})
