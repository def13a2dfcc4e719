/**
 * The coordinator's HTTP server: the operator API under /api/v1 (with its OpenAPI document at
 * /api/v1/openapi.json), Prometheus metrics at /metrics and the dashboard at /. Built by
 * {@link createCoordinatorHttp}; the caller chooses where it listens (loopback by default, see
 * defaults.ts) and closes it.
 *
 * Every change needs the operator token; reads need it when `requireTokenForReads` is set.
 * fastify's request logging is off: a line per request goes to the log at debug level with the
 * route and status only, never a header, so the token cannot reach a log.
 */
import swagger from '@fastify/swagger'
import { fastify, LogController } from 'fastify'
import type { FastifyBaseLogger, FastifyInstance, FastifyReply } from 'fastify'
import { component } from '../../log.ts'
import type { Logger } from '../../log.ts'
import type { CoordinatorService } from '../service.ts'
import { authHook } from './auth.ts'
import type { TokenSource } from './auth.ts'
import { registerDashboard } from './dashboard.ts'
import { API_PREFIX, MAX_BODY_BYTES, MAX_PATCH_REF_LENGTH } from './defaults.ts'
import { errorReply, RouteNotFoundError } from './errors.ts'
import { registerApiRoutes } from './routes.ts'

export interface CoordinatorHttpOptions {
  readonly service: CoordinatorService
  /** The operator token (see src/authority/operator-token.ts), or a function that reads it. */
  readonly token: TokenSource
  /** Reads (patches, nodes, metrics) need the token too. Default false: reads are open. */
  readonly requireTokenForReads?: boolean
  /** The clock relative times in requests ("+2h") count from. Default Date.now. */
  readonly now?: () => number
  readonly log: Logger
}

export interface CoordinatorHttp {
  /** The fastify instance, for `inject` in tests. */
  readonly app: FastifyInstance
  /** Starts listening; resolves to the URLs it listens on. Port 0 picks a free port. */
  listen(host: string, port: number): Promise<string[]>
  /** Stops listening and waits for requests in progress. */
  close(): Promise<void>
}

/** Builds the server with every route registered and ready; it does not listen yet. */
export async function createCoordinatorHttp(
  opts: CoordinatorHttpOptions,
): Promise<CoordinatorHttp> {
  const log = component(opts.log, 'coordinator:http')
  // Typed as fastify's logger so that the instance is the plain FastifyInstance routes take.
  const loggerInstance: FastifyBaseLogger = log
  const app = fastify({
    loggerInstance,
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: MAX_BODY_BYTES,
    routerOptions: { maxParamLength: MAX_PATCH_REF_LENGTH },
    // Errors the router raises before any route runs (a path too long, a bad URL): the same
    // answer shape as every other error.
    frameworkErrors: (err, _request, reply: FastifyReply) => {
      const { status, body } = errorReply(err)
      void reply.code(status).send(body)
    },
    ajv: {
      customOptions: {
        // Unknown fields are refused, not dropped, and nothing is coerced: a number where a
        // string belongs is an error the client should hear about.
        removeAdditional: false,
        coerceTypes: false,
        allowUnionTypes: true,
      },
    },
  })
  // Replies are the views as they are; the response schemas document them (see schemas.ts).
  app.setSerializerCompiler(() => (data) => JSON.stringify(data))

  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'patchmesh coordinator',
        description: 'Approve and halt patch rollouts and read fleet status.',
        version: '1',
      },
      components: {
        securitySchemes: {
          operatorToken: {
            type: 'http',
            scheme: 'bearer',
            description: 'the operator token, keys/private/operator.token',
          },
        },
      },
    },
  })

  app.addHook('onRequest', authHook(opts.token, opts.requireTokenForReads ?? false))
  app.addHook('onSend', async (_request, reply) => {
    reply.header('x-content-type-options', 'nosniff')
    if (!reply.hasHeader('cache-control')) reply.header('cache-control', 'no-store')
  })
  app.addHook('onResponse', async (request, reply) => {
    const route = request.routeOptions.url ?? 'unmatched'
    const ms = Math.round(reply.elapsedTime)
    log.debug({ method: request.method, route, status: reply.statusCode, ms }, 'request')
  })
  app.setErrorHandler((err, request, reply) => {
    const { status, body } = errorReply(err)
    const route = request.routeOptions.url
    if (status >= 500) log.error({ err, method: request.method, route }, 'request failed')
    else log.debug({ method: request.method, route, status, error: body.error }, 'refused')

    return reply.code(status).send(body)
  })
  app.setNotFoundHandler((request, reply) => {
    const { status, body } = errorReply(new RouteNotFoundError(request.method, request.url))

    return reply.code(status).send(body)
  })

  registerApiRoutes(app, { service: opts.service, now: opts.now ?? Date.now })
  app.get(
    `${API_PREFIX}/openapi.json`,
    { config: { access: 'open' }, schema: { hide: true } },
    () => app.swagger(),
  )
  await registerDashboard(app)
  await app.ready()

  return {
    app,
    async listen(host, port) {
      // fastify logs each address it listens on, with this text.
      await app.listen({ host, port, listenTextResolver: (url) => `coordinator API at ${url}` })

      return app.addresses().map((a) => {
        if (typeof a === 'string') return a
        return `http://${a.family === 'IPv6' ? `[${a.address}]` : a.address}:${a.port}`
      })
    },
    close: () => app.close(),
  }
}
