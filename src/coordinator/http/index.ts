export { createCoordinatorHttp } from './server.ts'
export type { CoordinatorHttp, CoordinatorHttpOptions } from './server.ts'
export type { Access, TokenSource } from './auth.ts'
export {
  API_PREFIX,
  DEFAULT_COORDINATOR_URL,
  DEFAULT_HTTP_HOST,
  DEFAULT_HTTP_PORT,
  MAX_BODY_BYTES,
  MAX_PATCH_REF_LENGTH,
} from './defaults.ts'
export { errorReply, RouteNotFoundError, UnauthorizedError } from './errors.ts'
export type { ErrorBody } from './errors.ts'
