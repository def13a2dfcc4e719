import assert from 'node:assert/strict'
import { Writable } from 'node:stream'
import { describe, it } from 'node:test'
import { component, createLogger } from '../src/log.ts'
import { SigningKey } from '../src/trust/index.ts'

function capture() {
  const lines: string[] = []
  const destination = new Writable({
    write(chunk: Buffer, _enc, done) {
      lines.push(chunk.toString())
      done()
    },
  })
  return { lines, log: createLogger({ destination, level: 'trace' }) }
}

describe('logger', () => {
  it('names the component on every line', () => {
    const { lines, log } = capture()
    component(log, 'node:fetch').info({ patch: 'abc' }, 'fetching')

    assert.match(lines[0], /"component":"patchmesh:node:fetch"/)
    assert.match(lines[0], /"patch":"abc"/)
  })

  it('never writes a signing key secret, a seed or a token', () => {
    const { lines, log } = capture()
    const key = SigningKey.generate('publisher')
    const { seed } = JSON.parse(key.exportSecret()) as { seed: string }
    log.info({ key, seed, token: 'hunter2', nested: { token: 'hunter2', seed } }, 'signed')

    assert.ok(!lines.join('').includes(seed))
    assert.ok(!lines.join('').includes('hunter2'))
    assert.match(lines[0], new RegExp(key.id))
  })
})
