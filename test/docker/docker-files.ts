/**
 * Readers for the files under docker/ that the tests check without a Docker engine: the
 * Dockerfile (instructions by stage, with line continuations joined and ARG defaults applied),
 * .dockerignore (Docker's rules: the last matching pattern wins, a pattern that matches a folder
 * matches everything in it, `!` takes back), the compose file, and the entrypoint's defaults.
 */
import { readdir, readFile, stat } from 'node:fs/promises'
import { join, posix, relative, resolve, sep } from 'node:path'
import { parse } from 'yaml'

export const REPO = resolve(import.meta.dirname, '../..')
export const DOCKERFILE = join(REPO, 'docker/Dockerfile')
export const COMPOSE_FILE = join(REPO, 'docker/compose.yaml')
export const DOCKERIGNORE = join(REPO, '.dockerignore')
export const ENTRYPOINT = join(REPO, 'docker/entrypoint.sh')

export interface Instruction {
  keyword: string
  /** The text after the keyword, flags included. */
  text: string
  /** `--name=value` flags at the start. */
  flags: Record<string, string>
  /** The rest, split on white space; or the JSON array of the exec form. */
  words: string[]
  json: boolean
}

export interface Stage {
  base: string
  name: string | undefined
  instructions: Instruction[]
}

export interface Dockerfile {
  /** ARGs before the first FROM, with their defaults. */
  args: Record<string, string>
  stages: Stage[]
}

export function parseDockerfile(text: string): Dockerfile {
  const logical: string[] = []
  let pending = ''
  for (const raw of text.split('\n')) {
    const line = raw.trim()
    if (pending === '' && (line === '' || line.startsWith('#'))) continue
    if (pending !== '' && line.startsWith('#')) continue
    if (line.endsWith('\\')) {
      pending += line.slice(0, -1) + ' '
      continue
    }
    logical.push(pending + line)
    pending = ''
  }
  if (pending !== '') logical.push(pending)

  const args: Record<string, string> = {}
  const stages: Stage[] = []
  for (const line of logical) {
    const instruction = parseInstruction(line)
    if (instruction.keyword === 'FROM') {
      const [image = '', as, name] = instruction.words
      const base = image.replace(/\$\{?(\w+)\}?/g, (_, arg: string) => args[arg] ?? '')
      stages.push({ base, name: as?.toUpperCase() === 'AS' ? name : undefined, instructions: [] })
    } else if (stages.length === 0) {
      if (instruction.keyword === 'ARG') {
        const [name = '', value = ''] = instruction.text.split('=', 2)
        args[name.trim()] = value.trim()
      }
    } else {
      stages.at(-1)!.instructions.push(instruction)
    }
  }

  return { args, stages }
}

function parseInstruction(line: string): Instruction {
  const match = /^(\S+)\s*(.*)$/.exec(line)!
  const keyword = match[1].toUpperCase()
  const text = match[2]
  const flags: Record<string, string> = {}
  let rest = text
  for (;;) {
    const flag = /^--([\w-]+)(?:=(\S*))?\s*/.exec(rest)
    if (flag === null) break
    flags[flag[1]] = flag[2] ?? ''
    rest = rest.slice(flag[0].length)
  }
  const words = exec(rest)

  return { keyword, text, flags, words: words ?? rest.split(/\s+/).filter(Boolean), json: !!words }
}

/** The words of an exec-form (JSON array) argument, or undefined for the shell form. */
function exec(text: string): string[] | undefined {
  if (!text.trimStart().startsWith('[')) return undefined
  try {
    const value: unknown = JSON.parse(text)
    return Array.isArray(value) && value.every((v) => typeof v === 'string') ? value : undefined
  } catch {
    return undefined
  }
}

/** Whether a path (relative to the build context, `/`-separated) is sent to the builder. */
export function dockerignore(text: string): (path: string) => boolean {
  const rules = text
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'))
    .map((line) => {
      const negated = line.startsWith('!')
      const pattern = posix
        .normalize((negated ? line.slice(1) : line).trim())
        .replace(/^\/|\/$/g, '')
      return { negated, regex: globToRegex(pattern) }
    })

  return (path) => {
    const parts = path.split('/')
    const prefixes = parts.map((_, i) => parts.slice(0, i + 1).join('/'))
    let included = true
    for (const { negated, regex } of rules) {
      if (prefixes.some((prefix) => regex.test(prefix))) included = negated
    }
    return included
  }
}

/** Docker's patterns: `*` and `?` stay inside one path segment, `**` spans any number. */
function globToRegex(pattern: string): RegExp {
  let out = ''
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]
    if (c === '*' && pattern[i + 1] === '*') {
      out += '.*'
      i += pattern[i + 2] === '/' ? 2 : 1
    } else if (c === '*') out += '[^/]*'
    else if (c === '?') out += '[^/]'
    else out += c.replace(/[.+^${}()|[\]\\]/g, '\\$&')
  }
  return new RegExp(`^${out}$`)
}

/** Every file under `dir` (recursively), as `/`-separated paths relative to `root`. */
export async function filesUnder(root: string, dir: string): Promise<string[]> {
  const info = await stat(dir)
  if (!info.isDirectory()) return [relative(root, dir).split(sep).join('/')]
  const out: string[] = []
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    out.push(...(await filesUnder(root, join(dir, entry.name))))
  }
  return out
}

export interface ComposeService {
  image?: string
  build?: { context: string; dockerfile: string }
  command?: string[]
  depends_on?: Record<string, { condition: string }>
  volumes?: string[]
  networks?: string[]
  network_mode?: string
  ports?: string[]
  environment?: Record<string, string>
  healthcheck?: { disable?: boolean }
  restart?: string
}

export interface Compose {
  name?: string
  services: Record<string, ComposeService>
  networks: Record<string, { internal?: boolean } | null>
  volumes: Record<string, object | null>
}

/** The compose file, with YAML merge keys (`<<: *anchor`) applied as Compose applies them. */
export async function readCompose(): Promise<Compose> {
  return parse(await readFile(COMPOSE_FILE, 'utf8'), { merge: true }) as Compose
}

/** A volume entry `source:target[:ro]` in its parts. */
export function mount(entry: string): { source: string; target: string; readOnly: boolean } {
  const [source = '', target = '', mode = 'rw'] = entry.split(':')
  return { source, target, readOnly: mode.split(',').includes('ro') }
}

/** The entrypoint's `${PATCHMESH_X:-default}` defaults, by variable name. */
export async function entrypointDefaults(): Promise<Record<string, string>> {
  const text = await readFile(ENTRYPOINT, 'utf8')
  const out: Record<string, string> = {}
  for (const match of text.matchAll(/\$\{(PATCHMESH_\w+):-([^}]*)\}/g)) out[match[1]] = match[2]!
  return out
}
