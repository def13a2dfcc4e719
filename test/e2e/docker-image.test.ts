/**
 * The image's install and start steps, without a Docker engine: the files docker/Dockerfile
 * copies (as .dockerignore lets them into the build context) go into a fresh folder laid out as
 * the image is, `npm ci --omit=dev` installs the production dependencies there as the deps stage
 * does, and the entrypoint then runs with Node.js 24 as the container would: `--help`, the
 * compose file's init service, its authority, coordinator and one node per site (their compose
 * commands, volumes mapped to folders, service names to localhost), the health check, a patch
 * published, approved for the canary ring and installed by the canary node only.
 */
import assert from 'node:assert/strict'
import { execFile, spawn } from 'node:child_process'
import type { ChildProcess } from 'node:child_process'
import { createHash, randomBytes } from 'node:crypto'
import { chmod, cp, mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { basename, dirname, join, relative } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { promisify } from 'node:util'
import {
  DOCKERFILE,
  DOCKERIGNORE,
  REPO,
  dockerignore,
  entrypointDefaults,
  filesUnder,
  mount,
  parseDockerfile,
  readCompose,
} from '../docker/docker-files.ts'
import type { ComposeService, Stage } from '../docker/docker-files.ts'
import { freePort } from '../fixtures/ports.ts'

const run = promisify(execFile)
/** Node.js 24 from the `node` devDependency: the system Node.js may be older. */
const NODE_BIN = join(REPO, 'node_modules/.bin')
const INSTALL_TIMEOUT_MS = 10 * 60_000
const START_TIMEOUT_MS = 60_000

/** Copies what a stage's COPY instructions copy from the build context into `root` (its /). */
async function copyStage(stage: Stage, root: string): Promise<void> {
  const included = dockerignore(await readFile(DOCKERIGNORE, 'utf8'))
  let workdir = '/'
  for (const instruction of stage.instructions) {
    if (instruction.keyword === 'WORKDIR') workdir = join(workdir, instruction.words[0])
    if (instruction.keyword !== 'COPY' || instruction.flags.from !== undefined) continue
    const sources = instruction.words.slice(0, -1)
    const dest = instruction.words.at(-1)!
    const target = join(root, workdir, dest)
    const intoFolder = sources.length > 1 || dest.endsWith('/')
    for (const source of sources) {
      const folder = (await stat(join(REPO, source))).isDirectory()
      for (const file of await filesUnder(REPO, join(REPO, source))) {
        if (!included(file)) continue
        // A folder's contents go into the target; a file goes into it, or becomes it.
        const to = folder
          ? join(target, relative(source, file))
          : intoFolder
            ? join(target, basename(file))
            : target
        await mkdir(dirname(to), { recursive: true })
        await cp(join(REPO, file), to)
      }
    }
  }
}

interface Daemon {
  name: string
  child: ChildProcess
  stdout: string
  stderr: string
  exited: Promise<number | null>
}

describe(
  'the docker image, installed and started without an engine',
  { timeout: 20 * 60_000 },
  () => {
    let work: string
    let app: string
    let entrypoint: string
    const daemons: Daemon[] = []
    let env: NodeJS.ProcessEnv

    before(async () => {
      work = await mkdtemp(join(tmpdir(), 'patchmesh-docker-'))
      const dockerfile = parseDockerfile(await readFile(DOCKERFILE, 'utf8'))
      const runtime = dockerfile.stages.at(-1)!
      const deps = dockerfile.stages.find((s) =>
        runtime.instructions.some((i) => i.keyword === 'COPY' && i.flags.from === s.name),
      )!
      // The deps stage: its files and its `npm ci`, then its node_modules into the runtime's /app.
      const depsRoot = join(work, 'deps')
      await copyStage(deps, depsRoot)
      const install = deps.instructions.find((i) => i.keyword === 'RUN' && /npm ci/.test(i.text))!
      const npmCi = /npm ci[^&;]*/.exec(install.text)![0].trim().split(/\s+/)
      assert.deepEqual(npmCi.slice(0, 3), ['npm', 'ci', '--omit=dev'])
      await run('npm', npmCi.slice(1), {
        cwd: join(depsRoot, 'app'),
        env: { ...process.env, PATH: `${NODE_BIN}:${process.env.PATH}` },
        timeout: INSTALL_TIMEOUT_MS,
        maxBuffer: 16 * 1024 * 1024,
      })
      const runtimeRoot = join(work, 'runtime')
      await copyStage(runtime, runtimeRoot)
      app = join(runtimeRoot, 'app')
      await cp(join(depsRoot, 'app/node_modules'), join(app, 'node_modules'), { recursive: true })
      entrypoint = join(app, 'docker/entrypoint.sh')
      // As the runtime stage's RUN chmod does.
      await chmod(entrypoint, 0o755)
      await chmod(join(app, 'bin/patchmesh.js'), 0o755)
      env = {
        PATH: `${NODE_BIN}:/usr/local/bin:/usr/bin:/bin`,
        HOME: work,
        PATCHMESH_LISTEN_HOST: '127.0.0.1',
      }
    })

    after(async () => {
      for (const d of daemons) if (d.child.exitCode === null) d.child.kill('SIGKILL')
      await Promise.all(daemons.map((d) => d.exited))
      if (work !== undefined) await rm(work, { recursive: true, force: true })
    })

    it('installs production dependencies only, and level loads its native addon', async () => {
      const modules = join(app, 'node_modules')
      await assert.rejects(stat(join(modules, 'node')), 'the node devDependency is left out')
      await assert.rejects(stat(join(modules, 'typescript')), 'no typescript')
      await assert.rejects(stat(join(app, 'test')), 'no tests in the image')
      const script = [
        "import { Level } from 'level'",
        "const db = new Level(process.argv[1], { valueEncoding: 'utf8' })",
        "await db.put('k', 'v')",
        "process.stdout.write(await db.get('k'))",
        'await db.close()',
      ].join('\n')
      const { stdout } = await run(
        'node',
        ['--input-type=module', '-e', script, join(work, 'level-check')],
        { cwd: app, env },
      )
      assert.equal(stdout, 'v')
    })

    it('runs patchmesh through the entrypoint: the image default shows the help', async () => {
      const { stdout } = await run(entrypoint, ['--help'], { env })
      assert.match(stdout, /Usage: patchmesh/)
      assert.match(stdout, /authority/)
    })

    it('starts the compose fleet: init, authority, coordinator, nodes; a canary installs', async () => {
      const compose = await readCompose()
      const defaults = await entrypointDefaults()
      const volumes = join(work, 'volumes')
      const ports = { authority: await freePort(), coordinator: await freePort() }
      const httpPort = await freePort()
      const targets: Record<string, string> = {
        [defaults.PATCHMESH_KEYS]: 'PATCHMESH_KEYS',
        [defaults.PATCHMESH_ENROL]: 'PATCHMESH_ENROL',
        [defaults.PATCHMESH_DATA]: 'PATCHMESH_DATA',
      }
      /** The environment that puts a service's volumes where the entrypoint looks. */
      const serviceEnv = (name: string, service: ComposeService, port: number) => {
        const out: NodeJS.ProcessEnv = {
          ...env,
          PATCHMESH_PORT: String(port),
          PATCHMESH_HTTP_PORT: String(httpPort),
          // Compose's DNS names the services; here they are all on localhost.
          PATCHMESH_AUTHORITY_ADDR: `localhost:${ports.authority}`,
          PATCHMESH_COORDINATOR_ADDR: `localhost:${ports.coordinator}`,
          PATCHMESH_HEALTH_FILE: join(work, `${name}.health`),
        }
        for (const entry of service.volumes ?? []) {
          const { source, target } = mount(entry)
          assert.ok(targets[target] !== undefined, `${name} mounts ${target}`)
          out[targets[target]] = join(volumes, source)
        }
        return out
      }
      const start = (name: string, port: number) => {
        const service = compose.services[name]
        const child = spawn(entrypoint, service.command!, {
          env: serviceEnv(name, service, port),
          stdio: ['ignore', 'pipe', 'pipe'],
        })
        const daemon: Daemon = {
          name,
          child,
          stdout: '',
          stderr: '',
          exited: new Promise((resolve) => child.on('exit', (code) => resolve(code))),
        }
        child.stdout.on('data', (b: Buffer) => (daemon.stdout += b.toString()))
        child.stderr.on('data', (b: Buffer) => (daemon.stderr += b.toString()))
        daemons.push(daemon)
        return daemon
      }
      const ready = async (daemon: Daemon) => {
        await until(
          `${daemon.name} ready`,
          () => /ready;/.test(daemon.stdout),
          () => daemon,
        )
        return /^\S+ (\S+) ready;/m.exec(daemon.stdout)![1]
      }
      const health = (name: string) =>
        run('node', [join(app, 'docker/healthcheck.ts')], {
          env: { ...env, PATCHMESH_HEALTH_FILE: join(work, `${name}.health`) },
        })

      // init: keys once, identities, the enrolment folder; a second run changes nothing.
      const initEnv = serviceEnv('init', compose.services.init, 0)
      await run(entrypoint, compose.services.init.command, { env: initEnv })
      const enrol = initEnv.PATCHMESH_ENROL!
      const authorityId = (await readFile(join(enrol, 'authority.peer'), 'utf8')).trim()
      const coordinatorId = (await readFile(join(enrol, 'coordinator.peer'), 'utf8')).trim()
      const root = await readFile(join(enrol, 'root.signed'))
      await run(entrypoint, compose.services.init.command, { env: initEnv })
      assert.equal((await readFile(join(enrol, 'authority.peer'), 'utf8')).trim(), authorityId)
      assert.deepEqual(await readFile(join(enrol, 'root.signed')), root)

      // An operator publishes into the authority's bundles (`docker compose run authority publish`).
      const patch = randomBytes(3 * 1024 * 1024 + 17)
      await writeFile(join(work, 'patch.bin'), patch)
      const authorityEnv = serviceEnv('authority', compose.services.authority, ports.authority)
      await run(
        entrypoint,
        [
          'publish',
          join(work, 'patch.bin'),
          '--keys',
          authorityEnv.PATCHMESH_KEYS!,
          '--name',
          'docker-e2e',
          '--version',
          '1.0',
          '--chunk-size',
          '256KiB',
          '--out',
          join(authorityEnv.PATCHMESH_DATA!, 'bundles/docker-e2e-1.0.bundle'),
        ],
        { env: authorityEnv },
      )

      const authority = start('authority', ports.authority)
      assert.equal(
        await ready(authority),
        authorityId,
        'the authority runs with the identity init made',
      )
      const coordinator = start('coordinator', ports.coordinator)
      assert.equal(await ready(coordinator), coordinatorId)
      // The canary node, and a node at the other site that is in another ring.
      const nodes = Object.entries(compose.services).filter(([, s]) => s.command?.[0] === 'node')
      const site = (s: ComposeService) => s.command![s.command!.indexOf('--site') + 1]
      const canaryNode = nodes.find(([, s]) => s.command!.includes('canary'))!
      const otherNode = nodes.find(([, s]) => site(s) !== site(canaryNode[1]))!
      assert.ok(canaryNode !== undefined && otherNode !== undefined)
      const canary = start(canaryNode[0], await freePort())
      const other = start(otherNode[0], await freePort())
      await ready(canary)
      await ready(other)

      for (const name of ['authority', 'coordinator', canaryNode[0], otherNode[0]]) {
        const { stdout } = await health(name)
        assert.match(stdout, /healthy/, name)
      }

      // The operator approves the canary ring with the coordinator's own keys and token.
      const api = `http://127.0.0.1:${httpPort}`
      const operator = { env: { ...env, PATCHMESH_COORDINATOR: api } }
      const keys = serviceEnv('coordinator', compose.services.coordinator, 0).PATCHMESH_KEYS!
      await until('the coordinator knows the patch', async () => {
        const res = await fetch(`${api}/api/v1/patches`)
        const body = (await res.json()) as { patches: unknown[] }
        return body.patches.length === 1
      })
      await run(
        entrypoint,
        ['approve', 'docker-e2e@1.0', '--ring', 'canary', '--keys', keys],
        operator,
      )

      const staged = join(serviceEnv(canaryNode[0], canaryNode[1], 0).PATCHMESH_DATA!, 'staged')
      const expected = createHash('sha256').update(patch).digest('hex')
      await until('the canary node installs the patch', async () => {
        const bytes = await readFile(join(staged, 'docker-e2e-1.0')).catch(() => undefined)
        return bytes !== undefined && createHash('sha256').update(bytes).digest('hex') === expected
      })
      // The canary reports it through the mesh; the coordinator counts it in its ring only.
      const rings = async () => {
        const res = await fetch(`${api}/api/v1/patches`)
        const body = (await res.json()) as {
          patches: Array<{ rings: Array<{ ring: string; installed: number }> }>
        }
        return Object.fromEntries(body.patches[0].rings.map((r) => [r.ring, r.installed]))
      }
      await until('the coordinator counts the install', async () => (await rings()).canary === 1)
      assert.equal(
        Object.values(await rings()).reduce((a, b) => a + b),
        1,
      )
      const { stdout } = await run(
        entrypoint,
        ['status', 'docker-e2e@1.0', '--keys', keys],
        operator,
      )
      assert.match(stdout, /canary/)
      const otherStaged = join(serviceEnv(otherNode[0], otherNode[1], 0).PATCHMESH_DATA!, 'staged')
      await assert.rejects(stat(join(otherStaged, 'docker-e2e-1.0')), 'not approved elsewhere')

      // A stop as `docker compose stop` sends it: SIGTERM, a clean exit, and the check fails after.
      for (const daemon of [...daemons].reverse()) {
        daemon.child.kill('SIGTERM')
        assert.equal(await daemon.exited, 0, `${daemon.name} stops cleanly:\n${daemon.stderr}`)
      }
      await assert.rejects(health('authority'), 'no daemon: unhealthy')
    })
  },
)

/** Polls `check` until it holds, failing with the daemon's output after START_TIMEOUT_MS. */
async function until(
  what: string,
  check: () => boolean | Promise<boolean>,
  daemon?: () => Daemon,
): Promise<void> {
  const deadline = Date.now() + START_TIMEOUT_MS
  for (;;) {
    if (await check()) return
    const d = daemon?.()
    if (d !== undefined && d.child.exitCode !== null) {
      assert.fail(`${d.name} exited ${d.child.exitCode}:\n${d.stdout}\n${d.stderr}`)
    }
    if (Date.now() > deadline) {
      assert.fail(`timed out waiting until ${what}${d ? `:\n${d.stdout}\n${d.stderr}` : ''}`)
    }
    await new Promise((resolve) => setTimeout(resolve, 250))
  }
}
