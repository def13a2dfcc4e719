/**
 * The operator token check. Every change needs `Authorization: Bearer <token>`; reads need it
 * too when the server is told so. The token is compared in constant time and never logged: on
 * a refusal the log says which route was refused and why, not what was offered.
 */
import type { FastifyReply, FastifyRequest } from 'fastify'
import { tokenMatches } from '../../authority/operator-token.ts'
import { UnauthorizedError } from './errors.ts'

/** Who may call a route: anyone, readers (open unless reads need the token) or operators. */
export type Access = 'open' | 'read' | 'change'

/** Where the token comes from: a fixed value, or a function read on every request. */
export type TokenSource = string | (() => string)

declare module 'fastify' {
  interface FastifyContextConfig {
    /** See {@link Access}. Default 'change', so that a route nobody marked is closed. */
    access?: Access
  }
}

const BEARER = /^Bearer[ \t]+([^\s]+)[ \t]*$/i

/**
 * The onRequest hook: throws UnauthorizedError (a 401) unless the request may reach its route.
 * Runs before the body is parsed, so an unauthorised request is refused whatever it carries.
 */
export function authHook(token: TokenSource, requireTokenForReads: boolean) {
  return (request: FastifyRequest, _reply: FastifyReply, done: (err?: Error) => void): void => {
    try {
      check(request, token, requireTokenForReads)
      done()
    } catch (err) {
      done(err as Error)
    }
  }
}

function check(request: FastifyRequest, token: TokenSource, requireTokenForReads: boolean): void {
  // A request no route matched has no access of its own: let the not-found handler answer.
  if (request.routeOptions.url === undefined) return

  const access = request.routeOptions.config.access ?? 'change'
  if (access === 'open' || (access === 'read' && !requireTokenForReads)) return

  const header = request.headers.authorization
  if (header === undefined || header === '') {
    throw new UnauthorizedError('this needs the operator token: Authorization: Bearer <token>')
  }
  const offered = BEARER.exec(header)?.[1]
  if (offered === undefined) {
    throw new UnauthorizedError('the Authorization header must be "Bearer <operator token>"')
  }
  const expected = typeof token === 'string' ? token : token()
  if (!tokenMatches(expected, offered)) {
    throw new UnauthorizedError('the operator token does not match')
  }
}
