import assert from 'node:assert/strict'
import { describe, it } from 'node:test'

import { CounterSaver, countsFromStored, countsToStored } from '../../src/node/byte-counters.ts'
import type { ByteCounts } from '../../src/node/byte-counters.ts'
import { captureLog } from '../store/helpers.ts'

const counts = (site: number, wan = 0, origin = 0): ByteCounts => ({ site, wan, origin })

/** A write that resolves only when the test says so, recording what it was given. */
function gatedWrites() {
  const written: ByteCounts[] = []
  const gates: Array<() => void> = []
  const write = (bytes: ByteCounts) => {
    written.push(bytes)
    return new Promise<void>((resolve) => gates.push(resolve))
  }
  const open = async () => {
    gates.shift()?.()
    await new Promise((resolve) => setImmediate(resolve))
  }

  return { written, write, open }
}

describe('countsFromStored', () => {
  it('reads the stored counters back as bytes by source', () => {
    assert.deepEqual(countsFromStored(countsToStored(counts(1, 2, 3))), counts(1, 2, 3))
  })

  it('reads missing, negative, fractional or absent counters as zero', () => {
    assert.deepEqual(countsFromStored(undefined), counts(0))
    assert.deepEqual(countsFromStored({ bytesSite: -5, bytesWan: 1.5, other: 9 }), counts(0))
  })
})

describe('CounterSaver', () => {
  const { log } = captureLog()

  it('writes one set of counts at a time and merges what came meanwhile into the next', async () => {
    const { written, write, open } = gatedWrites()
    const saver = new CounterSaver(write, log, 0)

    saver.save(counts(1))
    saver.save(counts(2))
    saver.save(counts(3))
    assert.deepEqual(written, [counts(1)])

    await open()
    assert.deepEqual(written, [counts(1), counts(3)])
    await open()
  })

  it('writes a copy, not the caller’s live object', async () => {
    const { written, write, open } = gatedWrites()
    const live = counts(1)
    const saver = new CounterSaver(write, log, 0)

    saver.save(live)
    live.site = 99
    await open()

    assert.deepEqual(written, [counts(1)])
  })

  it('writes the waiting counts on close, then nothing more', async () => {
    const { written, write, open } = gatedWrites()
    const saver = new CounterSaver(write, log, 0)
    saver.save(counts(1))
    saver.save(counts(2))

    const closed = saver.close()
    await open()
    await open()
    await closed
    saver.save(counts(3))

    assert.deepEqual(written, [counts(1), counts(2)])
  })

  it('starts writes at least everyMs apart, and the last one at once on close', async () => {
    const written: ByteCounts[] = []
    const saver = new CounterSaver(
      (bytes) => {
        written.push(bytes)
        return Promise.resolve()
      },
      log,
      60_000,
    )
    saver.save(counts(1))
    await new Promise((resolve) => setImmediate(resolve))
    saver.save(counts(2))
    saver.save(counts(3))
    await new Promise((resolve) => setTimeout(resolve, 20))
    assert.deepEqual(written, [counts(1)])

    await saver.close()

    assert.deepEqual(written, [counts(1), counts(3)])
  })

  it('logs a failed write and goes on with the next counts', async () => {
    const { log: captured, lines } = captureLog()
    const written: ByteCounts[] = []
    let calls = 0
    const saver = new CounterSaver(
      (bytes) => {
        if (calls++ === 0) return Promise.reject(new Error('disk gone'))
        written.push(bytes)
        return Promise.resolve()
      },
      captured,
      0,
    )

    saver.save(counts(1))
    saver.save(counts(2))
    await saver.close()

    assert.deepEqual(written, [counts(2)])
    assert.match(
      lines.find((l) => l.level === 40)?.msg,
      /could not store the download’s byte counters/,
    )
  })
})
