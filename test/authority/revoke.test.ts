import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { initKeys } from '../../src/authority/keys-dir.ts'
import { publish } from '../../src/authority/publish.ts'
import type { Published } from '../../src/authority/publish.ts'
import { readRevocation, revoke } from '../../src/authority/revoke.ts'
import { checkRecord, loadAnchor } from '../../src/trust/index.ts'

describe('revoke', () => {
  let work: string
  let keys: string
  let published: Published

  before(async () => {
    work = await mkdtemp(join(tmpdir(), 'patchmesh-revoke-'))
    keys = join(work, 'keys')
    await initKeys(keys)
    await writeFile(join(work, 'f'), randomBytes(50_000))
    published = await publish({
      file: join(work, 'f'),
      keysDir: keys,
      out: join(work, 'bundle'),
      name: 'tool',
      version: '1',
    })
  })
  after(() => rm(work, { recursive: true, force: true }))

  it('finds no revocation in a bundle never revoked', async () => {
    assert.equal(await readRevocation(published.dir), undefined)
  })

  it('refuses an empty reason before signing anything', async () => {
    await assert.rejects(revoke({ bundle: published.dir, keysDir: keys, reason: ' ' }), {
      name: 'PublishError',
    })
    assert.equal(await readRevocation(published.dir), undefined)
  })

  it('writes a revocation the root accepts, on the patch stream after its announcement', async () => {
    const r = await revoke({ bundle: published.dir, keysDir: keys, reason: 'breaks printing' })
    const bytes = await readRevocation(published.dir)
    const root = loadAnchor(new Uint8Array(await readFile(join(keys, 'root.signed'))))

    assert.ok(bytes !== undefined)
    const checked = checkRecord('revocation', bytes, root, { nowMs: Date.now() })
    assert.equal(checked.record.patchId, published.summary.patchId)
    assert.equal(checked.record.reason, 'breaks printing')
    assert.ok(r.sequence > published.announcement.sequence)
  })

  it('names the bundle when its revocation file is garbage', async () => {
    await writeFile(join(published.dir, 'revocation.signed'), randomBytes(200))

    await assert.rejects(readRevocation(published.dir), (err: Error) => {
      assert.ok(['BundleError', 'WireDecodeError'].includes(err.name), err.name)
      assert.match(err.message, /revocation/)
      return true
    })
  })
})
