import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { mkdtemp, rm, stat } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { mbitOption, timeZoneOption } from '../../src/cli/options.ts'

const bin = join(import.meta.dirname, '../../bin/patchmesh.js')

describe('patchmesh node start option checks', () => {
  let work: string

  before(async () => {
    work = await mkdtemp(join(tmpdir(), 'patchmesh-node-options-'))
  })
  after(() => rm(work, { recursive: true, force: true }))

  const start = (...args: string[]) => {
    const base = ['node', 'start', '--site', 's', '--data', join(work, 'data')]
    const r = spawnSync(process.execPath, [bin, ...base, ...args], { cwd: work, encoding: 'utf8' })
    const errors = r.stderr.split('\n').filter((line) => line.startsWith('error:'))

    return { code: r.status, stderr: r.stderr, errors }
  }

  const refused = [
    { args: ['--wan-down-mbit', '20Mbit'], option: '--wan-down-mbit', value: '20Mbit' },
    { args: ['--wan-down-mbit', '-5'], option: '--wan-down-mbit', value: '-5' },
    { args: ['--wan-up-mbit', 'fast'], option: '--wan-up-mbit', value: 'fast' },
    { args: ['--wan-up-mbit', ''], option: '--wan-up-mbit', value: '' },
    { args: ['--time-zone', 'Mars/Olympus'], option: '--time-zone', value: 'Mars/Olympus' },
  ]
  for (const { args, option, value } of refused) {
    it(`refuses ${option} '${value}' in one line naming the option and the value`, () => {
      const r = start(...args)

      assert.equal(r.code, 1)
      assert.equal(r.errors.length, 1, r.stderr)
      assert.ok(r.errors[0].includes(option), r.errors[0])
      assert.ok(r.errors[0].includes(`'${value}'`), r.errors[0])
      assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace')
    })
  }

  for (const option of ['--bootstrap', '--listen', '--coordinator']) {
    it(`refuses a ${option} that is not a multiaddr before it creates the data directory`, async () => {
      const r = start(option, 'garbage')

      assert.equal(r.code, 1)
      assert.equal(r.errors.length, 1, r.stderr)
      assert.match(r.errors[0], new RegExp(`${option} <multiaddr>' argument 'garbage' is invalid`))
      assert.match(r.errors[0], /not a multiaddr/)
      await assert.rejects(stat(join(work, 'data')), { code: 'ENOENT' })
    })
  }

  it('accepts valid limits and a known time zone, and goes on to the next check', () => {
    const r = start('--wan-down-mbit', '2.5', '--wan-up-mbit', '0', '--time-zone', 'Europe/London')

    assert.equal(r.code, 1)
    assert.deepEqual(r.errors, [])
    assert.match(r.stderr, /start the node with --root/)
  })
})

describe('mbitOption', () => {
  const accepted = [
    { text: '20', mbit: 20 },
    { text: '0', mbit: 0 },
    { text: '0.5', mbit: 0.5 },
    { text: '.5', mbit: 0.5 },
  ]
  for (const { text, mbit } of accepted) {
    it(`reads '${text}' as ${mbit} Mbit/s`, () => assert.equal(mbitOption(text), mbit))
  }

  for (const text of ['20Mbit', '-5', 'NaN', 'Infinity', '', ' 5', '1e3']) {
    it(`refuses '${text}' with commander's usage error`, () => {
      assert.throws(() => mbitOption(text), {
        code: 'commander.invalidArgument',
        message: `expected a number of Mbit/s >= 0, got '${text}'`,
      })
    })
  }
})

describe('timeZoneOption', () => {
  it('passes a zone the runtime knows through unchanged', () => {
    assert.equal(timeZoneOption('America/New_York'), 'America/New_York')
  })

  it('refuses an unknown zone, naming it', () => {
    assert.throws(() => timeZoneOption('Europe/Atlantis'), {
      code: 'commander.invalidArgument',
      message: /Europe\/Atlantis/,
    })
  })
})
