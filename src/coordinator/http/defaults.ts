/**
 * Where the coordinator's HTTP API listens unless told otherwise. Kept apart from the server so
 * that the CLI's client can read them without loading fastify.
 */

/** Loopback only: operators reach the API from the head office machine or through a proxy. */
export const DEFAULT_HTTP_HOST = '127.0.0.1'

/** The API's default port; `patchmesh approve`, `halt` and `status` talk to it by default. */
export const DEFAULT_HTTP_PORT = 7341

/** The URL the operator commands use when neither --coordinator nor PATCHMESH_COORDINATOR is set. */
export const DEFAULT_COORDINATOR_URL = `http://${DEFAULT_HTTP_HOST}:${DEFAULT_HTTP_PORT}`

/** Where every API route lives; /metrics and the dashboard at / are outside it. */
export const API_PREFIX = '/api/v1'

/** The largest request body the API reads: approvals and halts are small. 64 KiB. */
export const MAX_BODY_BYTES = 64 * 1024

/**
 * The longest patch reference in a path: a name@version of the longest name and version the
 * records allow (1,024 characters each).
 */
export const MAX_PATCH_REF_LENGTH = 2049
