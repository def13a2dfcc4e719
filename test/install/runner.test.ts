import assert from 'node:assert/strict'
import { chmod, readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'

import { createLogger } from '../../src/log.ts'
import { runCommand, runInstall } from '../../src/install/index.ts'
import type { CommandAction, InstallTarget } from '../../src/install/index.ts'
import { PATCH_ID, scratch } from './fixtures.ts'

let dir: string
let remove: () => Promise<void>
let target: InstallTarget

before(async () => {
  ;({ dir, remove } = await scratch())
  target = { patchId: PATCH_ID, name: 'agent', version: '1.2.3', path: join(dir, 'patch.bin') }
  await writeFile(target.path, 'patch bytes')
})
after(() => remove())

/** Writes an executable shell script and returns an action that runs it. */
async function script(name: string, body: string, more: Partial<CommandAction> = {}) {
  const path = join(dir, name)
  await writeFile(path, `#!/bin/sh\n${body}\n`)
  await chmod(path, 0o755)

  return { kind: 'command' as const, command: path, ...more }
}

/** Whether a process with this id is alive (a zombie awaiting its reaper is not). */
async function alive(pid: number): Promise<boolean> {
  try {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8')

    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z'
  } catch {
    return false
  }
}

/** Whether the process is gone within `ms`: a signal takes a moment to be acted on. */
async function goneWithin(pid: number, ms: number): Promise<boolean> {
  const until = Date.now() + ms
  while (await alive(pid)) {
    if (Date.now() > until) return false
    await new Promise((resolve) => setTimeout(resolve, 20))
  }

  return true
}

async function pidFrom(file: string): Promise<number> {
  return Number((await readFile(file, 'utf8')).trim())
}

describe('install runner: command', () => {
  it('passes the patch file last and succeeds on exit code 0', async () => {
    const action = await script('ok.sh', 'echo "args: $*"; echo "id: $PATCHMESH_PATCH_ID" >&2', {
      args: ['--quiet'],
    })
    const outcome = await runCommand(action, target)

    assert.equal(outcome.ok, true)
    assert.equal(outcome.exitCode, 0)
    assert.equal(outcome.reason, 'command succeeded')
    assert.match(outcome.outputTail, new RegExp(`args: --quiet ${target.path}`))
    assert.match(outcome.outputTail, new RegExp(`id: ${PATCH_ID}`))
    assert.ok(outcome.finishedAtMs >= outcome.startedAtMs)
  })

  it('fails with the exit code', async () => {
    const outcome = await runCommand(await script('three.sh', 'echo nope; exit 3'), target)

    assert.equal(outcome.ok, false)
    assert.equal(outcome.exitCode, 3)
    assert.equal(outcome.reason, 'command exited with code 3')
    assert.equal(outcome.outputTail, 'nope\n')
  })

  it('reports a command killed by a signal', async () => {
    const outcome = await runCommand(await script('die.sh', 'kill -9 $$'), target)

    assert.equal(outcome.ok, false)
    assert.equal(outcome.signal, 'SIGKILL')
    assert.equal(outcome.reason, 'command killed by SIGKILL')
  })

  it('kills a hanging command and its children at the time-out', async () => {
    const pids = join(dir, 'hang.pid')
    const action = await script('hang.sh', `sleep 30 & echo $! > ${pids}; wait`, {
      timeoutMs: 200,
    })
    const began = Date.now()
    const outcome = await runCommand(action, target)

    assert.equal(outcome.ok, false)
    assert.match(outcome.reason, /timed out after 200 ms/)
    assert.equal(outcome.signal, 'SIGTERM')
    assert.ok(Date.now() - began < 3_000)
    assert.equal(await goneWithin(await pidFrom(pids), 2_000), true)
  })

  it('sends SIGKILL after the grace period to a command that ignores SIGTERM', async () => {
    const action = await script('stubborn.sh', "trap '' TERM; sleep 30", {
      timeoutMs: 100,
      killGraceMs: 200,
    })
    const outcome = await runCommand(action, target)

    assert.equal(outcome.ok, false)
    assert.equal(outcome.signal, 'SIGKILL')
    assert.match(outcome.reason, /timed out/)
  })

  it('does not wait for children that outlive a successful command', async () => {
    const pids = join(dir, 'daemon.pid')
    const action = await script('daemon.sh', `sleep 30 & echo $! > ${pids}; echo started`)
    const began = Date.now()
    const outcome = await runCommand(action, target)
    const pid = await pidFrom(pids)

    assert.equal(outcome.ok, true)
    assert.equal(outcome.outputTail, 'started\n')
    assert.ok(Date.now() - began < 3_000)
    assert.equal(await alive(pid), true)
    process.kill(pid)
  })

  it('keeps only the last 4 KiB of combined output', async () => {
    const body =
      'head -c 10000 /dev/zero | tr "\\0" a; echo; echo tail-of-stdout; echo tail-of-stderr >&2'
    const outcome = await runCommand(await script('loud.sh', body), target)

    assert.equal(Buffer.byteLength(outcome.outputTail), 4096)
    assert.match(outcome.outputTail, /^a+\ntail-of-stdout\ntail-of-stderr\n$/)
  })

  it('does not start the tail inside a UTF-8 character', async () => {
    const outcome = await runCommand(await script('utf8.sh', 'printf "ééé"'), target, {
      outputTailBytes: 5,
    })

    assert.equal(outcome.outputTail, 'éé')
  })

  it('reports a command that does not exist', async () => {
    const command = join(dir, 'no-such-installer')
    const outcome = await runCommand({ kind: 'command', command }, target)

    assert.equal(outcome.ok, false)
    assert.equal(outcome.reason, `command not found: ${command}`)
    assert.equal(outcome.exitCode, undefined)
  })

  it('reports a command that is not executable', async () => {
    const command = join(dir, 'not-executable.sh')
    await writeFile(command, '#!/bin/sh\nexit 0\n')
    const outcome = await runCommand({ kind: 'command', command }, target)

    assert.equal(outcome.ok, false)
    assert.equal(outcome.reason, `command not executable: ${command}`)
  })

  it('reports a working directory that does not exist', async () => {
    const action = await script('cwd.sh', 'exit 0', { cwd: join(dir, 'missing') })
    const outcome = await runCommand(action, target)

    assert.equal(outcome.ok, false)
    assert.match(outcome.reason, /working directory not found/)
  })

  it('rejects a time-out that is not positive', async () => {
    const action = await script('never.sh', 'exit 0', { timeoutMs: 0 })

    await assert.rejects(runCommand(action, target), { name: 'InstallActionError' })
  })

  it('logs a failed install with its reason and output', async () => {
    const lines: Array<Record<string, any>> = []
    const log = createLogger({
      level: 'info',
      destination: { write: (line: string) => lines.push(JSON.parse(line)) },
    })
    await runInstall(await script('fail.sh', 'echo broken; exit 1'), target, { log })

    const failed = lines.find((l) => l.msg === 'install failed')
    assert.equal(failed?.patchId, PATCH_ID)
    assert.equal(failed?.component, 'patchmesh:install:runner')
    assert.equal(failed?.outputTail, 'broken\n')
  })
})
