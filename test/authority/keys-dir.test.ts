import assert from 'node:assert/strict'
import { chmod, copyFile, mkdtemp, readdir, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, describe, it } from 'node:test'
import { initKeys, openKeys, rotateKeys } from '../../src/authority/keys-dir.ts'

describe('keys directory', () => {
  const dirs: string[] = []
  const fresh = async () => {
    const dir = await mkdtemp(join(tmpdir(), 'patchmesh-keysdir-'))
    dirs.push(dir)
    return join(dir, 'keys')
  }
  after(async () => {
    for (const dir of dirs) await rm(dir, { recursive: true, force: true })
  })

  it('writes no key when the root cannot be made (validity out of range)', async () => {
    const dir = await fresh()
    await assert.rejects(initKeys(dir, { validForMs: 1000 }), { name: 'KeysDirError' })

    assert.deepEqual(await readdir(join(dir, 'private')).catch(() => []), [])
  })

  it('refuses more keys per role than a rotation can carry', async () => {
    const dir = await fresh()
    await assert.rejects(initKeys(dir, { roles: { root: { keys: 33, threshold: 1 } } }), {
      name: 'KeysDirError',
      message: /1\.\.32/,
    })
  })

  it('can rotate a root of 32 keys to 32 new ones', async () => {
    const dir = await fresh()
    await initKeys(dir, { roles: { root: { keys: 32, threshold: 32 } } })
    const rotated = await rotateKeys(dir, { role: 'root' })

    assert.equal(rotated.root.root.version, 2)
  })

  it('refuses a root.signed rolled back behind roots/', async () => {
    const dir = await fresh()
    await initKeys(dir)
    await copyFile(join(dir, 'root.signed'), join(dir, 'v1'))
    await rotateKeys(dir, { role: 'publisher' })
    await copyFile(join(dir, 'v1'), join(dir, 'root.signed'))

    await assert.rejects(openKeys(dir), { name: 'KeysDirError', message: /version 1 but roots/ })
  })

  it('refuses a private directory others can read', async () => {
    const dir = await fresh()
    await initKeys(dir)
    await chmod(join(dir, 'private'), 0o755)

    await assert.rejects(openKeys(dir), { name: 'KeysDirError', message: /chmod 700/ })
  })

  it('reads only the roles asked for, so a bad root key file does not block publishing', async () => {
    const dir = await fresh()
    await initKeys(dir)
    const rootKey = (await readdir(join(dir, 'private'))).find((f) => f.startsWith('root-'))!
    await chmod(join(dir, 'private', rootKey), 0o644)

    assert.equal((await openKeys(dir, ['publisher'])).keys.publisher.length, 1)
    await assert.rejects(openKeys(dir), { name: 'KeyFileError' })
  })
})
