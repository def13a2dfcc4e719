/**
 * How the operator commands (approve, halt, status) reach the coordinator: its HTTP API at
 * --coordinator, or $PATCHMESH_COORDINATOR, or the default loopback address, with the operator
 * token read from --token-file or the keys directory. The token goes into the Authorization
 * header and nowhere else: messages name the token's file, never its content.
 */
import { stat } from 'node:fs/promises'
import type { Command } from 'commander'
import { readOperatorToken, tokenPath } from '../authority/operator-token.ts'
import { API_PREFIX, DEFAULT_COORDINATOR_URL } from '../coordinator/http/defaults.ts'
import { fail } from './output.ts'

/** The environment variable naming the coordinator's URL. */
export const COORDINATOR_ENV = 'PATCHMESH_COORDINATOR'

/** How long a request may take before the command gives up: 15 s. */
export const REQUEST_TIMEOUT_MS = 15_000

/** The API answered with an error; `error` is its error class, e.g. UnknownPatchError. */
export class CoordinatorApiError extends Error {
  override readonly name = 'CoordinatorApiError'
  readonly status: number
  readonly error: string
  readonly field: string | undefined

  constructor(status: number, error: string, message: string, field?: string) {
    super(message)
    this.status = status
    this.error = error
    this.field = field
  }
}

/** No answer from the coordinator: refused, unknown host, timed out. */
export class CoordinatorUnreachableError extends Error {
  override readonly name = 'CoordinatorUnreachableError'
  readonly url: string

  constructor(url: string, reason: string) {
    super(
      `cannot reach the coordinator at ${url} (${reason}); is it running? ` +
        `Give its address with --coordinator or ${COORDINATOR_ENV}`,
    )
    this.url = url
  }
}

/** A --coordinator (or environment) value that is not an http or https URL. */
export class CoordinatorUrlError extends Error {
  override readonly name = 'CoordinatorUrlError'

  constructor(value: string, source: string) {
    super(`${source} must be an http:// or https:// URL, got "${value.slice(0, 200)}"`)
  }
}

/** The operator token could not be read for a command that needs it. */
export class OperatorTokenError extends Error {
  override readonly name = 'OperatorTokenError'
  readonly path: string

  constructor(path: string, options: ErrorOptions) {
    const reason = (options.cause as Error).message
    super(
      `${reason}; give the token's file with --token-file FILE or its keys directory with --keys DIR`,
      options,
    )
    this.path = path
  }
}

export interface ClientFlags {
  coordinator?: string
  tokenFile?: string
  keys: string
  json?: boolean
}

/** Adds --coordinator, --token-file, --keys and --json to an operator command. */
export function addClientOptions(command: Command): Command {
  return command
    .option(
      '--coordinator <url>',
      `the coordinator's API (default $${COORDINATOR_ENV}, else ${DEFAULT_COORDINATOR_URL})`,
    )
    .option(
      '--token-file <file>',
      'the operator token file (default <keys>/private/operator.token)',
    )
    .option('--keys <dir>', 'keys directory holding the operator token', 'keys')
    .option('--json', "print the API's JSON answer")
}

/** A client of the coordinator's API. */
export class CoordinatorClient {
  readonly url: string
  readonly #token: string | undefined
  readonly #tokenFile: string | undefined

  constructor(url: string, token?: string, tokenFile?: string) {
    this.url = url
    this.#token = token
    this.#tokenFile = tokenFile
  }

  get<T>(path: string): Promise<T> {
    return this.#request<T>('GET', path)
  }

  post<T>(path: string, body: object): Promise<T> {
    return this.#request<T>('POST', path, body)
  }

  async #request<T>(method: string, path: string, body?: object): Promise<T> {
    const headers: Record<string, string> = { accept: 'application/json' }
    if (this.#token !== undefined) headers.authorization = `Bearer ${this.#token}`
    if (body !== undefined) headers['content-type'] = 'application/json'
    // Relative to the base, so that a coordinator behind a proxy path (/patchmesh/) works.
    const target = new URL(
      `.${API_PREFIX}${path}`,
      this.url.endsWith('/') ? this.url : `${this.url}/`,
    )

    let res: Response
    try {
      res = await fetch(target, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
      })
    } catch (err) {
      throw new CoordinatorUnreachableError(this.url, unreachableReason(err))
    }

    const text = await res.text()
    const answer = parseJson(text)
    if (!res.ok) {
      const error = typeof answer?.error === 'string' ? answer.error : `HTTP ${res.status}`
      let message = typeof answer?.message === 'string' ? answer.message : text.slice(0, 200)
      const field = typeof answer?.field === 'string' ? answer.field : undefined
      if (res.status === 401) message += `; ${this.#tokenHint()}`
      throw new CoordinatorApiError(res.status, error, message, field)
    }
    if (answer === undefined) {
      throw new CoordinatorApiError(res.status, 'InvalidAnswer', `not JSON: ${text.slice(0, 80)}`)
    }

    return answer as T
  }

  #tokenHint(): string {
    return this.#tokenFile === undefined
      ? 'no operator token was sent: give --token-file FILE or --keys DIR'
      : `the token sent is the one in ${this.#tokenFile}`
  }
}

/**
 * The client for a command's flags. A change needs the token, so a missing token file is an
 * error; a read sends the token when the file is there (reads may need it) and goes without
 * when there is none, unless the file was named with --token-file. A token file that is there
 * but unreadable or open to others is an error either way.
 */
export async function connect(flags: ClientFlags, access: 'read' | 'change') {
  const fromEnv = process.env[COORDINATOR_ENV]
  const url = flags.coordinator ?? (fromEnv === '' ? undefined : fromEnv) ?? DEFAULT_COORDINATOR_URL
  const source = flags.coordinator !== undefined ? '--coordinator' : fromEnv ? COORDINATOR_ENV : ''
  checkUrl(url, source)

  const file = flags.tokenFile ?? tokenPath(flags.keys)
  const optional = access === 'read' && flags.tokenFile === undefined
  if (optional && !(await exists(file))) return new CoordinatorClient(url)

  try {
    return new CoordinatorClient(url, await readOperatorToken(file), file)
  } catch (err) {
    throw new OperatorTokenError(file, { cause: err })
  }
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  )
}

/**
 * Reports a failure and exits 1: an API error as one line naming what the coordinator said
 * (its error class and status), anything else as every command does.
 */
export function failRequest(err: unknown, json: boolean): never {
  if (!(err instanceof CoordinatorApiError)) fail(err, json)

  const { status, error, message, field } = err
  if (json) {
    const body = { ok: false, error: { name: error, message, status, ...(field ? { field } : {}) } }
    process.stdout.write(JSON.stringify(body, null, 2) + '\n')
  } else {
    console.error(`patchmesh: ${message} (${error}, HTTP ${status})`)
  }
  process.exit(1)
}

/** A patch reference as a path segment. */
export function patchPath(patch: string): string {
  return `/patches/${encodeURIComponent(patch)}`
}

function checkUrl(url: string, source: string): void {
  let parsed: URL | undefined
  try {
    parsed = new URL(url)
  } catch {
    parsed = undefined
  }
  if (parsed === undefined || !['http:', 'https:'].includes(parsed.protocol)) {
    throw new CoordinatorUrlError(url, source || 'the coordinator URL')
  }
}

function parseJson(text: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(text)
    return typeof value === 'object' && value !== null
      ? (value as Record<string, unknown>)
      : undefined
  } catch {
    return undefined
  }
}

function unreachableReason(err: unknown): string {
  if (err instanceof Error && err.name === 'TimeoutError') {
    return `no answer within ${REQUEST_TIMEOUT_MS / 1000} s`
  }
  const cause = (err as { cause?: { code?: unknown; message?: unknown } }).cause
  if (typeof cause?.code === 'string') return cause.code
  if (typeof cause?.message === 'string') return cause.message

  return err instanceof Error ? err.message : String(err)
}
