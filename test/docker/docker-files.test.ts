/**
 * The container files, checked without a Docker engine: the Dockerfile's shape, what the build
 * context holds, and the compose fleet's wiring (image, networks, sites, bootstrap and
 * coordinator addresses, keys and volumes). test/e2e/docker-image.test.ts runs the image's
 * install and entry steps for real.
 */
import assert from 'node:assert/strict'
import { access, readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { describe, it } from 'node:test'
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
} from './docker-files.ts'
import type { Compose, ComposeService, Stage } from './docker-files.ts'

const dockerfile = parseDockerfile(await readFile(DOCKERFILE, 'utf8'))
const included = dockerignore(await readFile(DOCKERIGNORE, 'utf8'))
const compose = await readCompose()
const defaults = await entrypointDefaults()
const runtime = dockerfile.stages.at(-1)!

const of = (stage: Stage, keyword: string) =>
  stage.instructions.filter((i) => i.keyword === keyword)
const role = (service: ComposeService) => service.command?.[0]
const nodes = (c: Compose) => Object.entries(c.services).filter(([, s]) => role(s) === 'node')
const option = (service: ComposeService, name: string) => {
  const args = service.command ?? []
  const i = args.indexOf(name)
  return i < 0 ? undefined : args[i + 1]
}

describe('docker/Dockerfile', () => {
  it('has a dependencies stage and a runtime stage, both on Node.js 24', () => {
    assert.ok(dockerfile.stages.length >= 2, 'multi-stage')
    for (const stage of dockerfile.stages) {
      assert.match(stage.base, /^node:24(\.[\d.]+)?-[\w-]*slim$/, `base ${stage.base}`)
    }
  })

  it('installs production dependencies only, from the lockfile', () => {
    const runs = dockerfile.stages.flatMap((s) => of(s, 'RUN')).map((i) => i.text)
    assert.ok(
      runs.some((run) => /\bnpm ci\b.*--omit=dev\b/.test(run)),
      runs.join('\n'),
    )
    assert.ok(!runs.some((run) => /\bnpm (install|i)\b/.test(run)), 'no npm install')
    const copied = of(runtime, 'COPY').find((i) => i.words.includes('./node_modules'))
    const from = dockerfile.stages.find((s) => s.name === copied?.flags.from)
    assert.ok(from !== undefined && from !== runtime, 'node_modules comes from an earlier stage')
    assert.ok(of(from, 'RUN').some((i) => /npm ci --omit=dev/.test(i.text)))
  })

  it('runs as a user that is not root', () => {
    const user = of(runtime, 'USER').at(-1)?.words[0]
    assert.ok(user !== undefined, 'a USER instruction in the runtime stage')
    assert.ok(!['root', '0', '0:0', 'root:root'].includes(user), `USER ${user}`)
    const created = of(runtime, 'RUN').some((i) =>
      new RegExp(`useradd\\b.*\\b${user}\\b`).test(i.text),
    )
    assert.ok(created, `the runtime stage creates ${user}`)
  })

  it('has a health check that runs the check script the image holds', async () => {
    const checks = of(runtime, 'HEALTHCHECK')
    assert.equal(checks.length, 1)
    const [check] = checks
    assert.equal(check.words[0], 'CMD')
    const command = check.text.slice(check.text.indexOf('CMD') + 3).trim()
    const words = JSON.parse(command) as string[]
    assert.deepEqual(words, ['node', '/app/docker/healthcheck.ts'])
    await access(join(REPO, 'docker/healthcheck.ts'))
    for (const flag of ['interval', 'timeout', 'start-period', 'retries']) {
      assert.ok(check.flags[flag] !== undefined, `--${flag}`)
    }
  })

  it('starts through the entrypoint, in the exec form', () => {
    const [entry] = of(runtime, 'ENTRYPOINT')
    assert.ok(entry?.json, 'ENTRYPOINT ["..."]')
    assert.deepEqual(entry.words, ['/app/docker/entrypoint.sh'])
    assert.equal(of(runtime, 'WORKDIR').at(-1)?.words[0], '/app')
    assert.ok(
      of(runtime, 'EXPOSE').some((i) => i.words.includes('4001') && i.words.includes('7341')),
    )
  })

  it('copies only files that exist and that .dockerignore lets into the build context', async () => {
    const sources = dockerfile.stages
      .flatMap((s) => of(s, 'COPY'))
      .filter((i) => i.flags.from === undefined)
      .flatMap((i) => i.words.slice(0, -1))
    assert.ok(sources.length > 0)
    for (const source of sources) {
      const files = await filesUnder(REPO, join(REPO, source))
      assert.ok(files.length > 0, `${source} has files`)
      for (const file of files) assert.ok(included(file), `${file} is in the build context`)
    }
    for (const source of ['bin', 'src', 'package.json', 'package-lock.json']) {
      assert.ok(sources.includes(source), `the image copies ${source}`)
    }
  })

  it('keeps the build context small: no node_modules, tests, git or local data', () => {
    for (const path of [
      'node_modules/level/package.json',
      '.git/HEAD',
      'test/e2e/docker-image.test.ts',
      'keys/private/root-1.key',
      'docker/compose.yaml',
      'README.md',
    ]) {
      assert.equal(included(path), false, path)
    }
  })
})

describe('docker/compose.yaml', () => {
  it('builds every service from docker/Dockerfile, as one image', async () => {
    const images = new Set<string>()
    for (const [name, service] of Object.entries(compose.services)) {
      assert.ok(service.image !== undefined, `${name} names the image`)
      images.add(service.image)
      assert.deepEqual(service.build, { context: '..', dockerfile: 'docker/Dockerfile' }, name)
    }
    assert.equal(images.size, 1)
    await access(join(REPO, 'docker', compose.services.init.build!.context, 'docker/Dockerfile'))
  })

  it('has an init service, an authority, a coordinator and two nodes at each of two sites', () => {
    const roles = Object.values(compose.services).map(role)
    assert.equal(roles.filter((r) => r === 'init').length, 1)
    assert.equal(role(compose.services.authority), 'authority')
    assert.equal(role(compose.services.coordinator), 'coordinator')
    const sites = new Map<string, number>()
    for (const [name, service] of nodes(compose)) {
      const site = option(service, '--site')
      assert.ok(site !== undefined, `${name} names its site`)
      assert.ok(name.startsWith(`${site}-`), `${name} is at ${site}`)
      assert.ok(option(service, '--ring') !== undefined, `${name} has a ring`)
      sites.set(site, (sites.get(site) ?? 0) + 1)
    }
    assert.deepEqual([...sites.values()], [2, 2])
  })

  it('gives each site a network of its own that the head office is on too', () => {
    const sites = new Set(nodes(compose).map(([, s]) => option(s, '--site')!))
    for (const [name, service] of nodes(compose)) {
      assert.deepEqual(service.networks, [option(service, '--site')], `${name} is on its site only`)
    }
    for (const site of sites) {
      assert.equal(compose.networks[site]?.internal, true, `${site} is internal`)
      for (const head of ['authority', 'coordinator']) {
        assert.ok(compose.services[head].networks?.includes(site), `${head} is on ${site}`)
      }
    }
    const headOffice = compose.services.authority.networks!.filter((n) => !sites.has(n))
    assert.equal(headOffice.length, 1, 'the head office has a network of its own')
    assert.ok(compose.services.coordinator.networks!.includes(headOffice[0]))
    assert.equal(compose.services.init.network_mode, 'none')
    for (const service of Object.values(compose.services)) {
      for (const network of service.networks ?? []) assert.ok(network in compose.networks)
    }
  })

  it('wires bootstrap and coordinator addresses to the head office services', () => {
    // The entrypoint builds /dns4/<host>/tcp/<port>/p2p/<peer id> from these: the hosts must be
    // the services' names and the ports the mesh port every service listens on.
    const port = defaults.PATCHMESH_PORT
    assert.equal(defaults.PATCHMESH_AUTHORITY_ADDR, `authority:${port}`)
    assert.equal(defaults.PATCHMESH_COORDINATOR_ADDR, `coordinator:${port}`)
    for (const [name, service] of Object.entries(compose.services)) {
      assert.equal(service.environment, undefined, `${name} keeps the entrypoint's defaults`)
      for (const flag of ['--bootstrap', '--coordinator', '--listen', '--data', '--root']) {
        assert.ok(!service.command?.includes(flag), `${name}: the entrypoint sets ${flag}`)
      }
    }
    for (const [name, service] of nodes(compose)) {
      for (const head of ['init', 'authority', 'coordinator']) {
        const condition = head === 'init' ? 'service_completed_successfully' : 'service_healthy'
        assert.equal(service.depends_on?.[head]?.condition, condition, `${name} waits for ${head}`)
      }
    }
    assert.equal(compose.services.coordinator.depends_on?.authority?.condition, 'service_healthy')
    assert.equal(
      compose.services.authority.depends_on?.init?.condition,
      'service_completed_successfully',
    )
  })

  it('shares keys read-only with the head office and only the enrolment with nodes', () => {
    const keys = defaults.PATCHMESH_KEYS
    const enrol = defaults.PATCHMESH_ENROL
    const data = defaults.PATCHMESH_DATA
    const mounts = (service: ComposeService) => (service.volumes ?? []).map(mount)
    const init = mounts(compose.services.init)
    assert.ok(
      init.some((m) => m.target === keys && !m.readOnly),
      'init writes the keys',
    )
    assert.ok(
      init.some((m) => m.target === enrol && !m.readOnly),
      'init writes the enrolment',
    )
    const keysVolume = init.find((m) => m.target === keys)!.source
    const enrolVolume = init.find((m) => m.target === enrol)!.source
    for (const head of ['authority', 'coordinator']) {
      const m = mounts(compose.services[head])
      assert.ok(
        m.some((v) => v.source === keysVolume && v.target === keys && v.readOnly),
        head,
      )
    }
    // The coordinator bootstraps from the authority: it reads its peer id from the enrolment.
    const coordinator = mounts(compose.services.coordinator)
    assert.ok(coordinator.some((v) => v.source === enrolVolume && v.target === enrol && v.readOnly))
    const dataVolumes = new Set<string>()
    for (const [name, service] of Object.entries(compose.services)) {
      if (name === 'init') continue
      const m = mounts(service)
      for (const v of m.filter((v) => v.target === data)) {
        assert.ok(!dataVolumes.has(v.source), `${name} has a data volume of its own`)
        dataVolumes.add(v.source)
      }
      if (role(service) !== 'node') continue
      assert.ok(!m.some((v) => v.source === keysVolume), `${name} does not see the keys`)
      assert.ok(
        m.some((v) => v.source === enrolVolume && v.readOnly),
        `${name} reads enrolment`,
      )
      assert.ok(
        m.some((v) => v.target === data && !v.readOnly),
        `${name} has data`,
      )
    }
    for (const service of Object.values(compose.services)) {
      for (const v of mounts(service)) assert.ok(v.source in compose.volumes, v.source)
    }
  })

  it('publishes the dashboard on the host loopback, and checks health on daemons only', () => {
    assert.deepEqual(compose.services.coordinator.ports, [
      `127.0.0.1:${defaults.PATCHMESH_HTTP_PORT}:${defaults.PATCHMESH_HTTP_PORT}`,
    ])
    for (const [name, service] of Object.entries(compose.services)) {
      if (name === 'init') continue
      assert.equal(service.ports !== undefined, name === 'coordinator', name)
      assert.equal(service.healthcheck, undefined, `${name} uses the image's health check`)
    }
    assert.equal(compose.services.init.healthcheck?.disable, true)
    assert.equal(compose.services.init.restart, 'no')
  })

  it('mounts volumes where the image makes the folders the entrypoint uses', () => {
    const made = of(runtime, 'RUN').find((i) => i.text.includes('mkdir'))!.text
    for (const path of [
      defaults.PATCHMESH_KEYS,
      defaults.PATCHMESH_ENROL,
      defaults.PATCHMESH_DATA,
    ]) {
      assert.ok(made.includes(path), `the image makes ${path}`)
    }
  })
})
