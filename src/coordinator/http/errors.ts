/**
 * How the API answers failures: every error body is `{ error, message }` (plus `field` when one
 * request field is at fault), where `error` is the class name of what went wrong. The service's
 * errors map to status codes here; anything unexpected is a 500 whose details go to the log,
 * not to the client.
 */
import type { FastifyError, FastifySchemaValidationError } from 'fastify'
import { InvalidFieldError } from '../errors.ts'

/** A request without the operator token, or with another one. */
export class UnauthorizedError extends Error {
  override readonly name = 'UnauthorizedError'

  constructor(reason: string) {
    super(reason)
  }
}

/** A path no route answers. */
export class RouteNotFoundError extends Error {
  override readonly name = 'RouteNotFoundError'

  constructor(method: string, url: string) {
    super(`no route ${method} ${url.split('?')[0].slice(0, 200)}`)
  }
}

/** What the client is told. */
export interface ErrorBody {
  error: string
  message: string
  field?: string
}

const STATUS_BY_NAME: Readonly<Record<string, number>> = {
  UnauthorizedError: 401,
  UnknownPatchError: 404,
  RouteNotFoundError: 404,
  AmbiguousPatchError: 400,
  InvalidFieldError: 400,
  UnknownRingError: 400,
  PatchRevokedError: 409,
  PatchUntrustedError: 409,
  AlreadyHaltedError: 409,
}

/**
 * The status code and body for an error thrown while handling a request. Schema validation
 * failures become InvalidFieldError naming the field; fastify's own client errors (bad JSON, a
 * body too large, a wrong content type) keep their status and say what fastify said.
 */
export function errorReply(err: unknown): { status: number; body: ErrorBody } {
  const fastifyError = err as Partial<FastifyError>
  const failures = fastifyError.validation
  if (failures !== undefined && failures.length > 0) {
    return errorReply(fromValidation(failures[0], fastifyError.validationContext ?? 'body'))
  }

  if (err instanceof Error) {
    const status = STATUS_BY_NAME[err.name]
    if (status !== undefined) return { status, body: bodyOf(err) }

    const code = fastifyError.statusCode
    if (typeof code === 'number' && code >= 400 && code < 500) {
      return { status: code, body: { error: fastifyError.code ?? err.name, message: err.message } }
    }
  }

  return { status: 500, body: { error: 'InternalError', message: 'internal error; see the log' } }
}

function bodyOf(err: Error): ErrorBody {
  const body: ErrorBody = { error: err.name, message: err.message }
  if (err instanceof InvalidFieldError) body.field = err.field

  return body
}

/**
 * The first schema failure as an InvalidFieldError: `/windows/0` becomes `windows[0]`, and a
 * missing or unknown member is named itself, so "deadline" rather than the object around it.
 */
function fromValidation(first: FastifySchemaValidationError, context: string): InvalidFieldError {
  const { params } = first
  const path = first.instancePath
    .split('/')
    .filter((part) => part !== '')
    .map((part) => (/^\d+$/.test(part) ? `[${part}]` : `.${part}`))
    .join('')
    .replace(/^\./, '')
  const join = (member: unknown) => (path === '' ? String(member) : `${path}.${String(member)}`)

  switch (first.keyword) {
    case 'required':
      return new InvalidFieldError(join(params.missingProperty), 'is required')
    case 'additionalProperties':
      return new InvalidFieldError(join(params.additionalProperty), 'is not a known field')
    case 'type':
      return new InvalidFieldError(path || context, `must be ${[params.type].flat().join(' or ')}`)
    default:
      return new InvalidFieldError(path || context, first.message ?? 'is invalid')
  }
}
