import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { createHash, randomBytes } from 'node:crypto'
import { copyFile, mkdtemp, readFile, rm, truncate, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'

const bin = join(import.meta.dirname, '../../bin/patchmesh.js')

function patchmesh(cwd: string, ...args: string[]) {
  const r = spawnSync(process.execPath, [bin, ...args], { cwd, encoding: 'utf8' })
  const parse = () => JSON.parse(r.stdout) as Record<string, any>
  return { code: r.status, stdout: r.stdout, stderr: r.stderr, json: parse }
}

describe('patchmesh publish and verify', () => {
  let work: string
  const size = 6 * 1024 * 1024 + 123
  let sha256: string

  before(async () => {
    work = await mkdtemp(join(tmpdir(), 'patchmesh-cli-'))
    const data = randomBytes(size)
    sha256 = createHash('sha256').update(data).digest('hex')
    await writeFile(join(work, 'patch.bin'), data)
    assert.equal(patchmesh(work, 'keys', 'init', '--keys', 'keys').code, 0)
    const published = patchmesh(
      work,
      ...['publish', 'patch.bin', '--keys', 'keys', '--name', 'tool', '--version', '2.1'],
      ...['--out', 'b', '--chunk-size', '1MiB', '--json'],
    )
    assert.equal(published.code, 0, published.stderr)
  })
  after(() => rm(work, { recursive: true, force: true }))

  const verify = (file: string, bundle = 'b', root = 'keys/root.signed') =>
    patchmesh(work, 'verify', file, '--root', root, '--bundle', bundle, '--json')

  it('round-trips a multi-MiB file: verify exits 0 and reports its SHA-256', () => {
    const r = verify('patch.bin')

    assert.equal(r.code, 0, r.stderr)
    assert.equal(r.json().sha256, sha256)
    assert.equal(r.json().size, size)
  })

  it('exits 1 naming the chunk when one byte of the file changed', async () => {
    await copyFile(join(work, 'patch.bin'), join(work, 'changed.bin'))
    const data = await readFile(join(work, 'changed.bin'))
    data[3 * 1024 * 1024 + 7] ^= 0x01
    await writeFile(join(work, 'changed.bin'), data)
    const r = verify('changed.bin')

    assert.equal(r.code, 1)
    assert.equal(r.json().error.name, 'BadChunksError')
    assert.deepEqual(r.json().error.badChunks, [3])
  })

  it('exits 1 with a size mismatch for a truncated file', async () => {
    await copyFile(join(work, 'patch.bin'), join(work, 'short.bin'))
    await truncate(join(work, 'short.bin'), size - 1)

    assert.equal(verify('short.bin').json().error.name, 'SizeMismatchError')
  })

  it('exits 1 when the verifier trusts another root', () => {
    assert.equal(patchmesh(work, 'keys', 'init', '--keys', 'other').code, 0)
    const r = verify('patch.bin', 'b', 'other/root.signed')

    assert.equal(r.code, 1)
    assert.equal(r.json().error.name, 'UnknownKeyError')
  })

  it('exits 1 when the bundle carries the manifest of another patch', async () => {
    await writeFile(join(work, 'other.bin'), randomBytes(100_000))
    const args = ['publish', 'other.bin', '--keys', 'keys', '--name', 'o', '--version', '1']
    assert.equal(patchmesh(work, ...args, '--out', 'o').code, 0)
    assert.equal(
      patchmesh(work, 'publish', 'patch.bin', '--name', 't', '--version', '1', '--out', 'm').code,
      0,
    )
    await copyFile(join(work, 'o/manifest.bin'), join(work, 'm/manifest.bin'))

    assert.equal(verify('patch.bin', 'm').json().error.name, 'ManifestMismatchError')
  })

  it('exits 1 naming the reason when the publisher revoked the patch', () => {
    const publish = ['publish', 'patch.bin', '--name', 'rv', '--version', '1', '--out', 'rv']
    assert.equal(patchmesh(work, ...publish).code, 0)
    const revoked = patchmesh(work, 'revoke', 'rv', '--keys', 'keys', '--reason', 'CVE-2026-1')
    assert.equal(revoked.code, 0, revoked.stderr)
    const r = verify('patch.bin', 'rv')

    assert.equal(r.code, 1)
    assert.equal(r.json().error.name, 'PatchRevokedError')
    assert.match(r.json().error.message, /CVE-2026-1/)
  })

  it('exits 1 when the revocation in the bundle is damaged, rather than ignoring it', async () => {
    const publish = ['publish', 'patch.bin', '--name', 'rd', '--version', '1', '--out', 'rd']
    assert.equal(patchmesh(work, ...publish).code, 0)
    assert.equal(patchmesh(work, 'revoke', 'rd', '--keys', 'keys', '--reason', 'bad').code, 0)
    const path = join(work, 'rd/revocation.signed')
    const bytes = await readFile(path)
    bytes[bytes.length - 1] ^= 0x01
    await writeFile(path, bytes)
    const r = verify('patch.bin', 'rd')

    assert.equal(r.code, 1)
    assert.equal(r.json().error.name, 'BadSignatureError')
    assert.match(r.json().error.message, /revocation/)
  })

  it('exits 1 with a decode error when the announcement file is damaged', async () => {
    assert.equal(
      patchmesh(work, 'publish', 'patch.bin', '--name', 'd', '--version', '1', '--out', 'd').code,
      0,
    )
    const path = join(work, 'd/announcement.signed')
    await writeFile(path, (await readFile(path)).subarray(0, 40))

    assert.equal(verify('patch.bin', 'd').json().error.name, 'WireDecodeError')
  })

  it('names the damaged file in a decode error', async () => {
    const args = ['publish', 'patch.bin', '--name', 'e', '--version', '1', '--out', 'e']
    assert.equal(patchmesh(work, ...args).code, 0)
    const path = join(work, 'e/manifest.bin')
    await writeFile(path, (await readFile(path)).subarray(0, 10))

    assert.match(verify('patch.bin', 'e').json().error.message, /manifest\.bin/)
  })

  it('reports a missing file in one line, without a stack trace', () => {
    const r = patchmesh(work, 'verify', 'nope.bin', '--root', 'keys/root.signed', '--bundle', 'b')

    assert.equal(r.code, 1)
    assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr)
    assert.match(r.stderr, /nope\.bin/)
  })

  it('follows a publisher key rotation from the original root', () => {
    assert.equal(patchmesh(work, 'keys', 'init', '--keys', 'rot').code, 0)
    const anchor = join(work, 'rot-v1.signed')
    return copyFile(join(work, 'rot/root.signed'), anchor).then(() => {
      assert.equal(
        patchmesh(work, 'keys', 'rotate', '--keys', 'rot', '--role', 'publisher').code,
        0,
      )
      const args = ['publish', 'patch.bin', '--keys', 'rot', '--name', 'r', '--version', '1']
      assert.equal(patchmesh(work, ...args, '--out', 'r').code, 0)
      const r = verify('patch.bin', 'r', anchor)

      assert.equal(r.code, 0, r.stdout)
      assert.equal(r.json().rootVersion, 2)
    })
  })

  it('refuses to create keys over an existing root', () => {
    const r = patchmesh(work, 'keys', 'init', '--keys', 'keys')

    assert.equal(r.code, 1)
    assert.match(r.stderr, /already holds a root\.signed \(KeysDirError\)/)
  })

  it('refuses a chunk size it cannot parse, naming the option', () => {
    const r = patchmesh(
      work,
      'publish',
      'patch.bin',
      '--name',
      'x',
      '--version',
      '1',
      '--chunk-size',
      'big',
    )

    assert.notEqual(r.code, 0)
    assert.match(r.stderr, /--chunk-size/)
  })
})

describe('patchmesh --help', () => {
  const commands = [
    [],
    ['keys'],
    ['keys', 'init'],
    ['keys', 'rotate'],
    ['publish'],
    ['verify'],
    ['inspect'],
  ]

  for (const command of commands) {
    it(`documents "${['patchmesh', ...command].join(' ')}"`, () => {
      const r = patchmesh(tmpdir(), ...command, '--help')

      assert.equal(r.code, 0)
      assert.match(r.stdout, /^Usage: patchmesh/)
    })
  }
})
