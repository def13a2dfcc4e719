// Regenerates src/wire/generated from proto/*.proto: the one way codecs are made.
//
// protons emits TypeScript with namespaces, which Node's type stripping cannot run, so the
// output is compiled once more by tsc into plain JavaScript with declarations. Both steps
// run from this project's own devDependencies.
import { execFileSync } from 'node:child_process'
import { mkdtempSync, readdirSync, rmSync, mkdirSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

const root = join(import.meta.dirname, '..')
const out = join(root, 'src/wire/generated')
const work = mkdtempSync(join(tmpdir(), 'patchmesh-proto-'))
const bin = (name: string): string => join(root, 'node_modules/.bin', name)

try {
  const protos = readdirSync(join(root, 'proto')).filter((f) => f.endsWith('.proto'))
  execFileSync(
    bin('protons'),
    protos.map((f) => join(root, 'proto', f)),
    { stdio: 'inherit' },
  )

  const generated = protos.map((f) => join(root, 'proto', f.replace(/\.proto$/, '.ts')))
  rmSync(out, { recursive: true, force: true })
  mkdirSync(out, { recursive: true })
  execFileSync(
    bin('tsc'),
    [
      ...generated,
      ['--outDir', out],
      ['--declaration', '--target', 'es2022', '--module', 'nodenext'],
      ['--moduleResolution', 'nodenext', '--skipLibCheck', '--removeComments', 'false'],
    ].flat(),
    { stdio: 'inherit', cwd: work },
  )
  for (const file of generated) rmSync(file)
  console.log(`generated codecs for ${protos.join(', ')} in ${out}`)
} finally {
  rmSync(work, { recursive: true, force: true })
}
