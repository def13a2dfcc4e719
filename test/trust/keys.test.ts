import assert from 'node:assert/strict'
import { chmod, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, describe, it } from 'node:test'
import { inspect } from 'node:util'
import nacl from 'tweetnacl'
import { readKeyFile, SigningKey, writeKeyFile } from '../../src/trust/index.ts'

describe('key files', () => {
  const dirs: string[] = []
  const tempDir = async () => {
    const dir = await mkdtemp(join(tmpdir(), 'patchmesh-keys-'))
    dirs.push(dir)
    return dir
  }
  after(async () => {
    for (const dir of dirs) await rm(dir, { recursive: true, force: true })
  })

  it('are written readable by their owner only, in an owner-only directory', async () => {
    const dir = join(await tempDir(), 'private')
    await writeKeyFile(join(dir, 'publisher-1.key'), SigningKey.generate('publisher'))

    assert.equal((await stat(join(dir, 'publisher-1.key'))).mode & 0o777, 0o600)
    assert.equal((await stat(dir)).mode & 0o777, 0o700)
  })

  it('read back as the same key', async () => {
    const path = join(await tempDir(), 'k.key')
    const key = SigningKey.generate('root')
    await writeKeyFile(path, key)
    const read = await readKeyFile(path)
    const msg = new TextEncoder().encode('hello')

    assert.equal(read.id, key.id)
    assert.ok(nacl.sign.detached.verify(msg, read.sign(msg), key.publicKey))
  })

  it('are never overwritten', async () => {
    const path = join(await tempDir(), 'k.key')
    await writeKeyFile(path, SigningKey.generate('root'))

    await assert.rejects(writeKeyFile(path, SigningKey.generate('root')), { code: 'EEXIST' })
  })

  it('are refused when others may read them', async () => {
    const path = join(await tempDir(), 'k.key')
    await writeKeyFile(path, SigningKey.generate('root'))
    await chmod(path, 0o644)

    await assert.rejects(readKeyFile(path), { name: 'KeyFileError', message: /chmod 600/ })
  })

  it('are refused when edited so the key id no longer matches', async () => {
    const path = join(await tempDir(), 'k.key')
    await writeKeyFile(path, SigningKey.generate('root'))
    const json = JSON.parse(await readFile(path, 'utf8')) as Record<string, string>
    await writeFile(path, JSON.stringify({ ...json, keyId: 'ab'.repeat(32) }), { mode: 0o600 })

    await assert.rejects(readKeyFile(path), { name: 'KeyFileError', message: /keyId/ })
  })

  it('are refused when they are not key files', async () => {
    const path = join(await tempDir(), 'k.key')
    await writeFile(path, 'not json', { mode: 0o600 })

    await assert.rejects(readKeyFile(path), { name: 'KeyFileError' })
  })
})

describe('SigningKey', () => {
  const key = SigningKey.generate('publisher')
  const seed = (JSON.parse(key.exportSecret()) as { seed: string }).seed

  it('never shows its secret when serialised or inspected', () => {
    for (const shown of [JSON.stringify(key), inspect(key, { showHidden: true })]) {
      assert.ok(!shown.includes(seed), shown)
    }
    assert.match(JSON.stringify({ key }), new RegExp(key.id))
  })
})
