import assert from 'node:assert/strict'
import { describe, it } from 'node:test'

import fc from 'fast-check'

import { Bitfield } from '../../src/schedule/index.ts'

function of(length: number, indexes: readonly number[]): Bitfield {
  const field = new Bitfield(length)
  for (const i of indexes) field.set(i)

  return field
}

describe('Bitfield', () => {
  it('lays bits out least significant bit first, byte i >> 3', () => {
    assert.deepEqual([...of(12, [0, 3, 9, 11]).toBytes()], [0b0000_1001, 0b0000_1010])
  })

  const roundTrips: [string, number, number[]][] = [
    ['an empty field', 0, []],
    ['one bit', 1, [0]],
    ['a partial last byte', 13, [0, 7, 8, 12]],
    ['whole bytes', 16, [1, 15]],
    ['a thousand bits, all set', 1000, Array.from({ length: 1000 }, (_, i) => i)],
  ]
  for (const [name, length, indexes] of roundTrips) {
    it(`round-trips through wire bytes: ${name}`, () => {
      const back = Bitfield.fromBytes(of(length, indexes).toBytes(), length)

      assert.deepEqual([...back.setIndexes()], indexes)
      assert.equal(back.count, indexes.length)
    })
  }

  it('round-trips any set of bits', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 300 }), fc.array(fc.nat()), (length, raw) => {
        const indexes = [...new Set(raw.filter((i) => i < length))].sort((a, b) => a - b)
        const back = Bitfield.fromBytes(of(length, indexes).toBytes(), length)

        assert.deepEqual([...back.setIndexes()], indexes)
        assert.equal(back.count, indexes.length)
      }),
    )
  })

  const invalid: [string, number, number[], string][] = [
    ['too few bytes', 9, [0xff], 'BitfieldLengthError'],
    ['too many bytes', 8, [0xff, 0x00], 'BitfieldLengthError'],
    ['bytes for an empty field', 0, [0x00], 'BitfieldLengthError'],
    ['a stray bit past the end', 9, [0xff, 0b10], 'BitfieldPaddingError'],
    ['the top stray bit', 1, [0b1000_0000], 'BitfieldPaddingError'],
  ]
  for (const [name, length, bytes, error] of invalid) {
    it(`rejects ${name} with ${error}`, () => {
      assert.throws(() => Bitfield.fromBytes(Uint8Array.from(bytes), length), { name: error })
    })
  }

  it('keeps its count as bits are set and cleared', () => {
    const field = new Bitfield(10)
    const changed = [field.set(3), field.set(3), field.set(9), field.clear(3), field.clear(3)]

    assert.deepEqual(changed, [true, false, true, true, false])
    assert.equal(field.count, 1)
  })

  it('is full when every bit is set, and only then', () => {
    const field = Bitfield.full(11)
    assert.equal(field.isFull(), true)

    field.clear(10)

    assert.equal(field.isFull(), false)
    assert.deepEqual([...field.toBytes()], [0xff, 0b011])
  })

  it('lists clear bits, none past the end', () => {
    assert.deepEqual([...of(11, [0, 1, 2, 3, 4, 5, 6, 7, 9]).unsetIndexes()], [8, 10])
  })

  const badIndexes = [-1, 10, 1.5, Number.NaN]
  for (const index of badIndexes) {
    it(`rejects index ${index} with ChunkIndexError`, () => {
      assert.throws(() => new Bitfield(10).get(index), { name: 'ChunkIndexError' })
    })
  }

  it('hands out copies of its bytes', () => {
    const field = of(8, [1])
    field.toBytes()[0] = 0xff

    assert.deepEqual([...field.setIndexes()], [1])
  })
})
