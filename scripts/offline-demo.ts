// `npm run demo` until the fleet demo exists: runs the real CLI, as a newcomer would, on a
// generated file in a temporary directory. It creates keys, publishes the file as a signed
// bundle, verifies it, then shows that a single changed byte is caught and named.
import { execFileSync } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { mkdtempSync, rmSync, writeFileSync, openSync, writeSync, closeSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

const bin = join(import.meta.dirname, '..', 'bin', 'patchmesh.js')
const work = mkdtempSync(join(tmpdir(), 'patchmesh-demo-'))

function run(args: string[], expectFailure = false): void {
  console.log(`\n$ patchmesh ${args.join(' ')}`)
  try {
    execFileSync(process.execPath, [bin, ...args], { cwd: work, stdio: 'inherit' })
    if (expectFailure) throw new Error('expected this command to fail')
  } catch (err) {
    if (!expectFailure) throw err
    console.log('(exit code 1, as expected)')
  }
}

try {
  const file = join(work, 'patch.bin')
  writeFileSync(file, randomBytes(24 * 1024 * 1024))
  console.log(`demo directory ${work}: a 24 MiB generated patch file, patch.bin`)

  run(['keys', 'init', '--keys', 'keys'])
  run(['publish', 'patch.bin', '--keys', 'keys', '--name', 'demo-patch', '--version', '1.0.0'])
  run(['verify', 'patch.bin', '--root', 'keys/root.signed', '--bundle', 'demo-patch-1.0.0.bundle'])

  const fd = openSync(file, 'r+')
  writeSync(fd, Buffer.from([0xff]), 0, 1, 13 * 1024 * 1024 + 5)
  closeSync(fd)
  console.log('\nchanged one byte of patch.bin, in chunk 13')
  run(
    ['verify', 'patch.bin', '--root', 'keys/root.signed', '--bundle', 'demo-patch-1.0.0.bundle'],
    true,
  )
} finally {
  rmSync(work, { recursive: true, force: true })
}
