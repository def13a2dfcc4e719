/**
 * The operator commands (approve, halt, status) as processes, against a coordinator's HTTP API
 * listening on loopback in this process.
 */
import assert from 'node:assert/strict'
import { execFile } from 'node:child_process'
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'

import { fleet, harness, HOUR, OPENSSL } from '../coordinator/http/fixtures.ts'
import type { Harness } from '../coordinator/http/fixtures.ts'
import { freePort } from '../fixtures/ports.ts'

const bin = join(import.meta.dirname, '../../bin/patchmesh.js')

interface Run {
  code: number
  stdout: string
  stderr: string
  json: () => any
}

/** Runs the CLI without blocking this process, which serves the API it talks to. */
function patchmesh(cwd: string, env: Record<string, string>, ...args: string[]): Promise<Run> {
  const inherited = { ...process.env }
  delete inherited.PATCHMESH_COORDINATOR
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [bin, ...args],
      { cwd, env: { ...inherited, ...env }, encoding: 'utf8' },
      (err, stdout, stderr) => {
        const code = err === null ? 0 : typeof err.code === 'number' ? err.code : -1
        resolve({ code, stdout, stderr, json: () => JSON.parse(stdout) })
      },
    )
  })
}

describe('patchmesh approve, halt and status', () => {
  let h: Harness
  let work: string
  let url: string
  let run: (...args: string[]) => Promise<Run>

  before(async () => {
    h = await harness({ reports: fleet() })
    ;[url] = await h.http.listen('127.0.0.1', 0)
    work = await mkdtemp(join(tmpdir(), 'patchmesh-operator-'))
    await mkdir(join(work, 'keys', 'private'), { recursive: true, mode: 0o700 })
    await writeFile(join(work, 'keys', 'private', 'operator.token'), h.token + '\n', {
      mode: 0o600,
    })
    run = (...args) => patchmesh(work, {}, ...args, '--coordinator', url)
  })
  after(async () => {
    await h.close()
    await rm(work, { recursive: true, force: true })
  })

  it('status --json prints the patches and nodes the API returns', async () => {
    const r = await run('status', '--json')

    assert.equal(r.code, 0, r.stderr)
    const patches = (await h.http.app.inject('/api/v1/patches')).json().patches
    const nodes = (await h.http.app.inject('/api/v1/nodes')).json().nodes
    assert.deepEqual(r.json(), { patches, nodes })
  })

  it('status shows every patch and the fleet by site and ring as tables', async () => {
    const r = await run('status')

    assert.equal(r.code, 0, r.stderr)
    assert.match(r.stdout, /openssl 3\.0\.15-1 .* active .* 3\/5/)
    assert.match(r.stdout, /canary 3\/3/)
    assert.match(r.stdout, /│ leeds\s+│ 3\s+│ 3\s+│ 2\s+│ 1\s+│ 0\s+│/)
    assert.match(r.stdout, /│ york\s+│ 2\s+│ 2\s+│ 1\s+│ 0\s+│ 1\s+│/)
  })

  it('status PATCH shows the rollout by ring and by site with the WAN saved', async () => {
    const r = await run('status', 'openssl@3.0.15-1')

    assert.equal(r.code, 0, r.stderr)
    assert.match(r.stdout, /status: active/)
    assert.match(r.stdout, /│ canary\s+│ not approved\s+│ 3\s+│ 3\s+│ 0\s+│ 0\s+│ #{10} 100%/)
    assert.match(r.stdout, /│ leeds\s+│ 3\s+│ 2\s+│ 1\s+│ 0/)
    const detail = (await h.http.app.inject(`/api/v1/patches/${OPENSSL.patchId}`)).json()
    const saved = detail.rollout.total.bytes.savedWan
    assert.ok(saved > 0)
    assert.match(r.stdout, new RegExp(`WAN: .* crossed, ${formatted(saved)} saved`))
  })

  it('status --json PATCH prints the API answer as it is', async () => {
    const r = await run('status', OPENSSL.patchId, '--json')

    assert.equal(r.code, 0, r.stderr)
    const detail = (await h.http.app.inject(`/api/v1/patches/${OPENSSL.patchId}`)).json()
    assert.deepEqual(r.json(), detail)
  })

  it('status of an unknown patch exits 1 with one line saying so', async () => {
    const r = await run('status', 'nosuch@1')

    assert.equal(r.code, 1)
    assert.equal(r.stderr.trim().split('\n').length, 1)
    assert.match(
      r.stderr,
      /^patchmesh: unknown patch "nosuch@1".*\(UnknownPatchError, HTTP 404\)$/m,
    )
  })

  it('approve --json prints the signed approval, deadline and windows included', async () => {
    const before = Date.now()
    const r = await run(
      ...['approve', OPENSSL.patchId, '--ring', 'canary', '--deadline', '+2h'],
      ...['--window', 'mon-fri 01:00-04:00', '--window', 'sat 22:00-06:00', '--json'],
    )

    assert.equal(r.code, 0, r.stderr)
    const { record } = r.json()
    assert.equal(record.ring, 'canary')
    assert.equal(record.by, 'operator')
    assert.ok(record.deadlineMs >= before + 2 * HOUR && record.deadlineMs <= Date.now() + 2 * HOUR)
    assert.equal(record.windows.length, 2)
    const detail = (await h.http.app.inject(`/api/v1/patches/${OPENSSL.patchId}`)).json()
    assert.equal(detail.rollout.rings[0].approval.deadlineMs, record.deadlineMs)
  })

  it('approve prints what was approved for people', async () => {
    const r = await run('approve', 'curl@8.11.1', '--group', 'tills', '--not-before', '2026-12-10')

    assert.equal(r.code, 0, r.stderr)
    assert.match(r.stdout, /^approved group tills of curl@8\.11\.1 \(patch c0ffee/)
    assert.match(r.stdout, /not before 2026-12-1[01]T/)
    assert.match(r.stdout, /windows +none/)
  })

  it('approve of a ring the rollout lacks exits 1 naming the ring', async () => {
    const r = await run('approve', OPENSSL.patchId, '--ring', 'beta')

    assert.equal(r.code, 1)
    assert.match(r.stderr, /^patchmesh: unknown ring "beta"; the rings are canary, pilot, broad/)
    assert.match(r.stderr, /\(UnknownRingError, HTTP 400\)/)
  })

  it('approve --json of a deadline before not-before names the field', async () => {
    const args = ['--not-before', '+2h', '--deadline', '+1h', '--json']
    const r = await run('approve', OPENSSL.patchId, '--ring', 'pilot', ...args)

    assert.equal(r.code, 1)
    assert.equal(r.json().ok, false)
    assert.equal(r.json().error.name, 'InvalidFieldError')
    assert.equal(r.json().error.field, 'deadline')
    assert.equal(r.json().error.status, 400)
  })

  const usage: [string, string[], RegExp][] = [
    ['neither --ring nor --group', [], /give --ring <ring> or --group <group>/],
    ['both --ring and --group', ['--ring', 'a', '--group', 'b'], /cannot be used with/],
    ['a time that does not parse', ['--ring', 'a', '--deadline', 'soon'], /--deadline.*"soon"/],
    ['a window that does not parse', ['--ring', 'a', '--window', 'mon 9-5'], /--window.*HH:MM/],
  ]
  for (const [name, args, message] of usage) {
    it(`approve with ${name} is a usage error and sends nothing`, async () => {
      const published = h.published.length
      const r = await run('approve', OPENSSL.patchId, ...args)

      assert.equal(r.code, 1)
      assert.match(r.stderr, message)
      assert.equal(h.published.length, published)
    })
  }

  it('approve without a token file exits 1 naming the file it looked for', async () => {
    const r = await run('approve', OPENSSL.patchId, '--ring', 'pilot', '--keys', 'elsewhere')

    assert.equal(r.code, 1)
    assert.match(r.stderr, /elsewhere\/private\/operator\.token: no such file/)
    assert.match(r.stderr, /--token-file/)
  })

  it('approve with a wrong token exits 1 with the 401 and the file the token came from', async () => {
    const wrong = join(work, 'wrong.token')
    await writeFile(wrong, 'f'.repeat(64), { mode: 0o600 })

    const r = await run('approve', OPENSSL.patchId, '--ring', 'pilot', '--token-file', wrong)

    assert.equal(r.code, 1)
    assert.match(r.stderr, /operator token does not match.*wrong\.token.*HTTP 401/)
    assert.equal(r.stderr.includes(h.token), false)
  })

  it('halt, then halt again: the second exits 1 saying it is halted already', async () => {
    const first = await run('halt', 'curl@8.11.1', '--reason', 'breaks proxies')
    const second = await run('halt', 'curl@8.11.1', '--json')

    assert.equal(first.code, 0, first.stderr)
    assert.match(first.stdout, /^halted curl@8\.11\.1 \(patch c0ffee.*: breaks proxies$/m)
    assert.equal(second.code, 1)
    assert.equal(second.json().error.name, 'AlreadyHaltedError')
    const list = (await h.http.app.inject('/api/v1/patches')).json().patches
    assert.equal(list.find((p: any) => p.name === 'curl').halted.reason, 'breaks proxies')
  })

  it('reads the coordinator URL from PATCHMESH_COORDINATOR', async () => {
    const r = await patchmesh(work, { PATCHMESH_COORDINATOR: url }, 'status', '--json')

    assert.equal(r.code, 0, r.stderr)
    assert.equal(r.json().patches.length, 2)
  })

  it('says which URL it cannot reach when nothing listens there', async () => {
    const nowhere = `http://127.0.0.1:${await freePort()}`
    const r = await patchmesh(work, {}, 'status', '--coordinator', nowhere)

    assert.equal(r.code, 1)
    assert.match(
      r.stderr,
      new RegExp(`cannot reach the coordinator at ${nowhere} \\(ECONNREFUSED\\)`),
    )
  })

  it('every operator command has --help', async () => {
    for (const command of ['approve', 'halt', 'status']) {
      const r = await run(command, '--help')

      assert.equal(r.code, 0)
      assert.match(r.stdout, new RegExp(`^Usage: patchmesh ${command} `))
      assert.match(r.stdout, /--coordinator <url>/)
    }
  })
})

function formatted(bytes: number): string {
  const mib = bytes / 1024 / 1024
  return `${mib.toFixed(mib < 10 ? 2 : 1)} MiB`.replace('.', '\\.')
}
