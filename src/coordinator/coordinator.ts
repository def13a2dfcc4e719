/**
 * The coordinator's process: a mesh node with role "coordinator" (it fetches no patches), the
 * service that holds the approval state, the status protocol nodes report on, and the HTTP API
 * and dashboard for operators.
 *
 * Records flow in from the node (every verified announcement and revocation, also those stored
 * before a restart) and out through it (signed approvals and halts are gossiped, and served to
 * nodes that catch up).
 */
import { openKeys } from '../authority/keys-dir.ts'
import { ensureOperatorToken } from '../authority/operator-token.ts'
import { component } from '../log.ts'
import type { Logger } from '../log.ts'
import { serveStatus } from '../mesh/status-protocol.ts'
import { PatchNode } from '../node/node.ts'
import type { PatchNodeOptions } from '../node/node.ts'
import { createCoordinatorHttp, DEFAULT_HTTP_HOST, DEFAULT_HTTP_PORT } from './http/index.ts'
import type { CoordinatorHttp } from './http/index.ts'
import { CoordinatorService } from './service.ts'
import type { CoordinatorServiceOptions } from './service.ts'
import { openCoordinatorStore } from './state/index.ts'
import type { CoordinatorStore } from './state/index.ts'

export interface CoordinatorOptions
  extends
    Omit<
      PatchNodeOptions,
      'root' | 'role' | 'site' | 'observe' | 'install' | 'onStep' | 'coordinator'
    >,
    Pick<CoordinatorServiceOptions, 'rings' | 'autoPromote' | 'autoHalt' | 'policy'> {
  /** The keys directory: the root, a threshold of coordinator keys and the operator token. */
  keysDir: string
  /** The coordinator's site name. Default "head-office". */
  site?: string
  /** Where the HTTP API listens. Default {@link DEFAULT_HTTP_HOST}, {@link DEFAULT_HTTP_PORT}. */
  httpHost?: string
  httpPort?: number
  /** Ask for the operator token on reads as well as changes. Default false. */
  tokenForReads?: boolean
  log: Logger
}

export class Coordinator {
  readonly node: PatchNode
  readonly service: CoordinatorService
  readonly http: CoordinatorHttp
  /** The URLs the HTTP API and dashboard answer on. */
  readonly urls: string[]
  /** Where the operator token is kept (never its value). */
  readonly tokenPath: string
  readonly #store: CoordinatorStore

  constructor(parts: {
    node: PatchNode
    service: CoordinatorService
    http: CoordinatorHttp
    urls: string[]
    tokenPath: string
    store: CoordinatorStore
  }) {
    this.node = parts.node
    this.service = parts.service
    this.http = parts.http
    this.urls = parts.urls
    this.tokenPath = parts.tokenPath
    this.#store = parts.store
  }

  async stop(): Promise<void> {
    await this.http.close()
    await this.service.stop()
    await this.node.stop()
    await this.#store.close()
  }
}

/** Starts the coordinator; on any failure, whatever was started is stopped again. */
export async function startCoordinator(opts: CoordinatorOptions): Promise<Coordinator> {
  const log = component(opts.log, 'coordinator')
  const keys = await openKeys(opts.keysDir, ['coordinator'])
  const threshold = keys.root.root.roles.find((r) => r.name === 'coordinator')?.threshold ?? 1
  if (keys.keys.coordinator.length < threshold) {
    throw new Error(
      `${opts.keysDir} holds ${keys.keys.coordinator.length} coordinator keys of the root's ` +
        `current ones; signing approvals needs ${threshold}`,
    )
  }
  const token = await ensureOperatorToken(opts.keysDir)
  if (token.created) log.info({ path: token.path }, 'operator token created')

  const cleanup: Array<() => Promise<void>> = []
  try {
    const store = await openCoordinatorStore(opts.dataDir)
    cleanup.push(() => store.close())
    // The node is made first but started last: its observers call the service, which signs
    // with the node's current root; neither runs before node.start().
    const node: PatchNode = new PatchNode({
      ...opts,
      site: opts.site ?? 'head-office',
      role: 'coordinator',
      root: keys.root.bytes,
      observe: {
        announcement: (a) => service.recordAnnouncement(a),
        revocation: (r) => service.recordRevocation(r.patchId, r.reason),
        dropped: (kind, patchId, reason) => service.recordDropped(kind, patchId, reason),
      },
    })
    const service = await CoordinatorService.open({
      store,
      signers: keys.keys.coordinator,
      publish: (bytes) => node.publish(bytes),
      root: () => node.root,
      rings: opts.rings,
      autoPromote: opts.autoPromote,
      autoHalt: opts.autoHalt,
      policy: opts.policy,
      now: opts.now,
      log: opts.log,
    })
    await node.start()
    cleanup.unshift(() => node.stop())
    const stopStatus = await serveStatus(
      node.host,
      (report) => service.receiveReport(report),
      component(opts.log, 'coordinator:status'),
    )
    cleanup.unshift(stopStatus)

    await service.start()
    cleanup.unshift(() => service.stop())
    await service.republish()

    const http = await createCoordinatorHttp({
      service,
      token: token.token,
      requireTokenForReads: opts.tokenForReads ?? false,
      now: opts.now,
      log: opts.log,
    })
    cleanup.unshift(() => http.close())
    const urls = await http.listen(
      opts.httpHost ?? DEFAULT_HTTP_HOST,
      opts.httpPort ?? DEFAULT_HTTP_PORT,
    )
    log.info({ urls, peer: node.peerId.toString() }, 'coordinator started')

    return new Coordinator({ node, service, http, urls, tokenPath: token.path, store })
  } catch (err) {
    for (const undo of cleanup) await undo().catch(() => undefined)
    throw err
  }
}
