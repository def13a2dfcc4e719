/**
 * The API's routes under /api/v1, and /metrics. Each hands over to the service and returns its
 * view; failures are thrown and answered by the error handler (see errors.ts).
 */
import type { FastifyInstance } from 'fastify'
import type { CoordinatorService } from '../service.ts'
import { API_PREFIX } from './defaults.ts'
import { approvalRequest } from './requests.ts'
import type { ApprovalBody, HaltBody } from './requests.ts'
import * as schemas from './schemas.ts'

export interface RouteDeps {
  readonly service: CoordinatorService
  /** The clock relative times ("+2h") count from. */
  readonly now: () => number
}

interface PatchRoute {
  Params: { patch: string }
}

export function registerApiRoutes(app: FastifyInstance, deps: RouteDeps): void {
  const { service } = deps
  const read = { access: 'read' } as const
  const change = { access: 'change' } as const
  const security = [{ operatorToken: [] }]

  app.get(
    `${API_PREFIX}/health`,
    {
      config: { access: 'open' },
      schema: {
        summary: 'Whether the coordinator is up, with how many patches and nodes it knows',
        tags: ['status'],
        response: { 200: schemas.healthSchema },
      },
    },
    () => ({ ok: true, ...service.counts() }),
  )

  app.get(
    `${API_PREFIX}/patches`,
    {
      config: read,
      schema: {
        summary: 'Every patch announced, most recent first, with its progress by ring',
        tags: ['patches'],
        security,
        response: { 200: schemas.patchListSchema, ...schemas.errors(401) },
      },
    },
    () => ({ patches: service.listPatches() }),
  )

  app.get<PatchRoute>(
    `${API_PREFIX}/patches/:patch`,
    {
      config: read,
      schema: {
        summary: 'One patch (id or name@version): its rollout by ring and by site, its history',
        tags: ['patches'],
        security,
        params: schemas.patchParams,
        response: { 200: schemas.patchDetailSchema, ...schemas.errors(400, 401, 404) },
      },
    },
    (request) => service.patchDetail(request.params.patch),
  )

  app.get(
    `${API_PREFIX}/nodes`,
    {
      config: read,
      schema: {
        summary: 'Every node that reported, by site then id, with its latest state per patch',
        tags: ['nodes'],
        security,
        response: { 200: schemas.nodeListSchema, ...schemas.errors(401) },
      },
    },
    () => ({ nodes: service.listNodes() }),
  )

  app.post<PatchRoute & { Body: ApprovalBody }>(
    `${API_PREFIX}/patches/:patch/approvals`,
    {
      config: change,
      schema: {
        summary: 'Approve a ring or a group of a patch: signs, stores and gossips an approval',
        tags: ['patches'],
        security,
        params: schemas.patchParams,
        body: schemas.approvalBody,
        response: { 201: schemas.approvalResult, ...schemas.errors(400, 401, 404, 409) },
      },
    },
    async (request, reply) => {
      const result = await service.approve(
        request.params.patch,
        approvalRequest(request.body, deps.now()),
      )

      return reply.code(201).send(result)
    },
  )

  app.post<PatchRoute & { Body: HaltBody | undefined }>(
    `${API_PREFIX}/patches/:patch/halt`,
    {
      config: change,
      schema: {
        summary: "Halt a patch's rollout: nodes install nothing more until a later approval",
        tags: ['patches'],
        security,
        params: schemas.patchParams,
        body: schemas.haltBody,
        response: { 201: schemas.haltResult, ...schemas.errors(400, 401, 404, 409) },
      },
      // The body may be left out: a halt needs no reason.
      preValidation: (request, _reply, done) => {
        request.body ??= {}
        done()
      },
    },
    async (request, reply) => {
      const result = await service.halt(request.params.patch, request.body?.reason ?? '')

      return reply.code(201).send(result)
    },
  )

  app.get(
    '/metrics',
    {
      config: read,
      schema: {
        summary: 'Prometheus metrics of the coordinator (text exposition format)',
        tags: ['status'],
        security,
        response: {
          200: {
            description: 'the metrics, one sample a line',
            content: { 'text/plain': { schema: { type: 'string' } } },
          },
          ...schemas.errors(401),
        },
      },
    },
    async (_request, reply) => {
      const { registry } = service.metrics

      return reply.type(registry.contentType).send(await registry.metrics())
    },
  )
}
