import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import type { TestContext } from 'node:test'
import { mbitToBytesPerSecond, TokenBucket } from '../../src/mesh/rate-limit.ts'

/** A clock the test moves by hand. */
function fakeClock(start = 1000): { now: () => number; advance: (ms: number) => void } {
  let t = start
  return { now: () => t, advance: (ms) => (t += ms) }
}

/**
 * A bucket whose clock and timers are both mocked: `tick` moves time and fires the timers that
 * fall due, so `take` can be watched waiting without any real waiting.
 */
function mockedBucket(t: TestContext, rate: number, burst: number) {
  t.mock.timers.enable({ apis: ['setTimeout', 'Date'], now: 0 })
  const bucket = new TokenBucket(rate, burst, () => Date.now())
  const tick = async (ms: number): Promise<void> => {
    t.mock.timers.tick(ms)
    // Let the promise callbacks that the fired timers released run.
    for (let i = 0; i < 10; i++) await Promise.resolve()
  }

  return { bucket, tick }
}

describe('TokenBucket', () => {
  it('starts full: a burst of `burst` bytes is available at once, and no more', () => {
    const clock = fakeClock()
    const bucket = new TokenBucket(1000, 5000, clock.now)

    assert.equal(bucket.available(), 5000)
    assert.equal(bucket.waitFor(5000), 0)
    bucket.consume(5000)
    assert.equal(bucket.available(), 0)
  })

  it('budgets a unit larger than the burst once the bucket is full, then makes later takers wait', () => {
    const clock = fakeClock()
    const bucket = new TokenBucket(1000, 5000, clock.now)

    assert.equal(bucket.budget(8000), 8000, 'a full bucket affords one 8000-byte unit')
    bucket.consume(8000)
    assert.equal(bucket.budget(8000), 0, 'in debt: nothing more')
    clock.advance(4000)
    assert.equal(bucket.budget(8000), 1000, 'repaying: what is there, not a whole unit')
    clock.advance(4000)
    assert.equal(bucket.budget(8000), 8000, 'full again after the long-run rate allows it')
  })

  const defaults = [
    { rate: 100, burst: 1024 * 1024, why: 'at least 1 MiB' },
    { rate: 4 * 1024 * 1024, burst: 4 * 1024 * 1024, why: "one second's worth" },
  ]
  for (const { rate, burst, why } of defaults) {
    it(`defaults the burst to ${why} (rate ${rate} B/s)`, () => {
      assert.equal(new TokenBucket(rate, undefined, fakeClock().now).burst, burst)
    })
  }

  it('refills at the rate, continuously, up to the burst and never past it', () => {
    const clock = fakeClock()
    const bucket = new TokenBucket(1000, 5000, clock.now)
    bucket.consume(5000)

    clock.advance(250)
    assert.equal(bucket.available(), 250)
    clock.advance(1750)
    assert.equal(bucket.available(), 2000)
    clock.advance(60_000)
    assert.equal(bucket.available(), 5000)
  })

  it('goes into debt on a large consume, and later takers wait for it to be repaid', () => {
    const clock = fakeClock()
    const bucket = new TokenBucket(1000, 5000, clock.now)

    bucket.consume(8000)
    assert.equal(bucket.available(), -3000)
    assert.equal(bucket.waitFor(1000), 4000)

    clock.advance(3000)
    assert.equal(bucket.available(), 0)
    assert.equal(bucket.waitFor(1000), 1000)
  })

  const waits = [
    { bytes: 0, ms: 0, case: 'nothing' },
    { bytes: 1, ms: 1, case: 'one byte, rounded up to a whole millisecond' },
    { bytes: 1500, ms: 1500, case: 'bytes the rate brings in 1.5 s' },
    { bytes: 50_000, ms: 5000, case: 'more than the burst, as long as for a full bucket' },
  ]
  for (const { bytes, ms, case: what } of waits) {
    it(`waitFor on an empty bucket: ${what} takes ${ms} ms`, () => {
      const bucket = new TokenBucket(1000, 5000, fakeClock().now)
      bucket.consume(5000)

      assert.equal(bucket.waitFor(bytes), ms)
    })
  }

  it('take spends at once when the tokens are there', async () => {
    const bucket = new TokenBucket(1000, 5000, fakeClock().now)

    await bucket.take(2000)

    assert.equal(bucket.available(), 3000)
  })

  it('take waits until the tokens are there, then spends them', async (t) => {
    const { bucket, tick } = mockedBucket(t, 1000, 1000)
    bucket.consume(1000)
    let done = false
    const taking = bucket.take(500).then(() => (done = true))

    await tick(499)
    assert.equal(done, false)
    await tick(1)
    await taking
    assert.equal(done, true)
    assert.equal(bucket.available(), 0)
  })

  it('take of more than the burst waits for a full bucket, then goes into debt', async (t) => {
    const { bucket, tick } = mockedBucket(t, 1000, 1000)
    bucket.consume(1000)
    let done = false
    const taking = bucket.take(3000).then(() => (done = true))

    await tick(999)
    assert.equal(done, false)
    await tick(1)
    await taking
    assert.equal(bucket.available(), -2000)
  })

  it('take rejects with the reason when its signal aborts while it waits', async (t) => {
    const { bucket } = mockedBucket(t, 1000, 1000)
    bucket.consume(1000)
    const stop = new AbortController()
    const taking = bucket.take(500, stop.signal)

    stop.abort(new Error('download cancelled'))

    await assert.rejects(taking, /download cancelled/)
    assert.equal(bucket.available(), 0, 'an aborted take spends nothing')
  })

  it('is unlimited at an infinite rate: always available, never waits, never in debt', async () => {
    const bucket = new TokenBucket(Number.POSITIVE_INFINITY, undefined, fakeClock().now)
    bucket.consume(1e12)

    assert.equal(bucket.unlimited, true)
    assert.equal(bucket.available(), Number.POSITIVE_INFINITY)
    assert.equal(bucket.waitFor(1e12), 0)
    await bucket.take(1e12)
  })
})

describe('mbitToBytesPerSecond', () => {
  const cases = [
    { mbit: 8, bytes: 1_000_000 },
    { mbit: 100, bytes: 12_500_000 },
    { mbit: 0.5, bytes: 62_500 },
    { mbit: 0, bytes: Number.POSITIVE_INFINITY },
    { mbit: Number.POSITIVE_INFINITY, bytes: Number.POSITIVE_INFINITY },
    { mbit: undefined, bytes: Number.POSITIVE_INFINITY },
  ]
  for (const { mbit, bytes } of cases) {
    it(`turns ${mbit} Mbit/s into ${bytes} bytes/s`, () => {
      assert.equal(mbitToBytesPerSecond(mbit), bytes)
    })
  }

  for (const mbit of [Number.NaN, -1, -0.5]) {
    it(`refuses ${mbit} Mbit/s with an InvalidRateError instead of meaning no limit`, () => {
      assert.throws(() => mbitToBytesPerSecond(mbit), { name: 'InvalidRateError' })
    })
  }
})

describe('TokenBucket rates', () => {
  for (const rate of [Number.NaN, -1]) {
    it(`refuses a rate of ${rate} with an InvalidRateError`, () => {
      assert.throws(() => new TokenBucket(rate, undefined, fakeClock().now), {
        name: 'InvalidRateError',
      })
    })
  }

  for (const burst of [Number.NaN, 0, -5]) {
    it(`refuses a burst of ${burst} with an InvalidRateError`, () => {
      assert.throws(() => new TokenBucket(1000, burst, fakeClock().now), {
        name: 'InvalidRateError',
      })
    })
  }

  it('takes a rate of 0 for no limit, as documented', () => {
    assert.equal(new TokenBucket(0, undefined, fakeClock().now).unlimited, true)
  })
})
