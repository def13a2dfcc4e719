/**
 * JSON schemas of the API: request bodies and parameters are validated against them (a bad one
 * is a 400 naming the field), and together with the response shapes they make the OpenAPI
 * document served at /api/v1/openapi.json. Response schemas document the views of
 * src/coordinator/views.ts; replies are written with JSON.stringify, not through them (see
 * server.ts), so a view and its schema drifting apart cannot drop fields from an answer.
 */
import { MAX_TEXT_LENGTH } from '../../wire/limits.ts'
import { MAX_PATCH_REF_LENGTH } from './defaults.ts'

const MAX_WINDOWS = 32

const integer = { type: 'integer' } as const
const string = { type: 'string' } as const
const nullable = (schema: object) => ({ anyOf: [schema, { type: 'null' }] })
const object = (properties: Record<string, object>, extra: object = {}) => ({
  type: 'object',
  properties,
  required: Object.keys(properties),
  ...extra,
})
const time = {
  type: ['string', 'integer'],
  maxLength: 64,
  description: 'ISO 8601 with Z or an offset, "+2h" (from now), "now", or ms since the epoch',
} as const

export const patchParams = {
  type: 'object',
  properties: {
    patch: {
      ...string,
      minLength: 1,
      maxLength: MAX_PATCH_REF_LENGTH,
      description: 'id or name@version',
    },
  },
  required: ['patch'],
} as const

export const approvalBody = {
  type: 'object',
  description: 'Exactly one of ring and group.',
  properties: {
    ring: { ...string, minLength: 1, maxLength: 128 },
    group: { ...string, minLength: 1, maxLength: 128 },
    notBefore: { ...time, description: `Nodes install no earlier than this. ${time.description}` },
    deadline: { ...time, description: `Nodes install by this time. ${time.description}` },
    windows: {
      type: 'array',
      maxItems: MAX_WINDOWS,
      description: 'Maintenance windows, nodes local time: "mon-fri 01:00-04:00" or the fields',
      items: {
        type: ['string', 'object'],
        maxLength: 80,
        properties: {
          days: { ...integer, description: 'bit 0 Sunday ... bit 6 Saturday' },
          startMinute: { ...integer, description: 'minutes after midnight' },
          durationMinutes: integer,
        },
        required: ['days', 'startMinute', 'durationMinutes'],
        additionalProperties: false,
      },
    },
  },
  additionalProperties: false,
} as const

export const haltBody = {
  type: 'object',
  properties: { reason: { ...string, maxLength: MAX_TEXT_LENGTH } },
  additionalProperties: false,
} as const

export const errorSchema = object(
  {
    error: { ...string, description: 'the error class, e.g. UnknownPatchError' },
    message: string,
    field: { ...string, description: 'the request field at fault, when there is one' },
  },
  { required: ['error', 'message'] },
)

const windowView = object({
  days: integer,
  startMinute: integer,
  durationMinutes: integer,
  text: string,
})
const approvalView = object({
  approvedAtMs: integer,
  notBeforeMs: integer,
  deadlineMs: nullable(integer),
  windows: { type: 'array', items: windowView },
  by: { enum: ['operator', 'policy'] },
})
const reasonAt = object({ reason: string, atMs: integer })
const haltState = object({ reason: string, atMs: integer, by: string })
const counts = { type: 'object', additionalProperties: integer }

const countSummary = {
  nodes: integer,
  byState: { ...counts, description: 'nodes by their latest state' },
  installedShare: { type: 'number' },
  failures: object({
    count: integer,
    byReason: counts,
    recent: {
      type: 'array',
      items: object({ nodeId: string, ring: string, site: string, reason: string, atMs: integer }),
    },
  }),
  stalled: {
    ...object({
      count: integer,
      recent: {
        type: 'array',
        items: object({
          nodeId: string,
          ring: string,
          site: string,
          state: string,
          reason: string,
          atMs: integer,
        }),
      },
    }),
    description: 'nodes not failed whose latest report says what holds them up (e.g. a full disk)',
  },
  bytes: object({
    ownSite: integer,
    otherSites: integer,
    origin: integer,
    wan: { ...integer, description: 'bytes that crossed a WAN link: otherSites + origin' },
    savedWan: {
      ...integer,
      description: 'WAN bytes saved against every node pulling the patch from the origin',
    },
  }),
}

const patchFields = {
  patchId: string,
  name: string,
  version: string,
  size: integer,
  chunkSize: integer,
  targets: { type: 'array', items: string },
  description: string,
  issuedAtMs: integer,
  expiresAtMs: integer,
  seenAtMs: integer,
  revoked: nullable(reasonAt),
  untrusted: nullable(reasonAt),
}

export const patchListSchema = object({
  patches: {
    type: 'array',
    items: object({
      ...patchFields,
      halted: nullable(haltState),
      autoPromote: { type: 'boolean' },
      nodes: integer,
      installed: integer,
      failed: integer,
      rings: {
        type: 'array',
        items: object({
          ring: string,
          approved: { type: 'boolean' },
          nodes: integer,
          installed: integer,
        }),
      },
    }),
  },
})

export const patchDetailSchema = object({
  patch: object(patchFields),
  rollout: object({
    patchId: string,
    sizeBytes: integer,
    autoPromote: { type: 'boolean' },
    halted: nullable(haltState),
    resumedAtMs: nullable(integer),
    total: object(countSummary),
    rings: {
      type: 'array',
      items: object({
        ring: string,
        expectedNodes: integer,
        approval: nullable(approvalView),
        ...countSummary,
      }),
    },
    sites: { type: 'array', items: object({ site: string, ...countSummary }) },
    groups: { type: 'array', items: object({ group: string, approval: approvalView }) },
  }),
  history: { type: 'array', items: { type: 'object', description: 'approvals and halts signed' } },
})

export const nodeListSchema = object({
  nodes: {
    type: 'array',
    items: object({
      nodeId: string,
      site: string,
      ring: string,
      groups: { type: 'array', items: string },
      firstSeenMs: integer,
      lastSeenMs: integer,
      active: { type: 'boolean' },
      patches: { type: 'object', additionalProperties: string, description: 'state by patch id' },
      reasons: {
        type: 'object',
        additionalProperties: string,
        description:
          'the reason of the latest report by patch id (why it failed, what holds it up, or how it installed); patches with none left out',
      },
    }),
  },
})

const signed = (record: Record<string, object>) =>
  object({
    record: object({ ...record, sequence: integer, issuedAtMs: integer, expiresAtMs: integer }),
    published: { type: 'boolean', description: 'false when stored but not gossiped yet' },
  })

export const approvalResult = signed({
  patchId: string,
  ring: string,
  group: string,
  notBeforeMs: integer,
  deadlineMs: { ...integer, description: '0 for none' },
  windows: {
    type: 'array',
    items: object({ days: integer, startMinute: integer, durationMinutes: integer }),
  },
  by: string,
})

export const haltResult = signed({ patchId: string, reason: string, by: string })

export const healthSchema = object({ ok: { type: 'boolean' }, patches: integer, nodes: integer })

/** The error answers a route may give, for the OpenAPI document. */
export function errors(...codes: number[]): Record<number, object> {
  return Object.fromEntries(codes.map((code) => [code, errorSchema]))
}
