/**
 * A coordinator for HTTP tests: a real CoordinatorService over a real store in a temporary
 * directory, signing with test keys, a `publish` that records what it was given, a fixed clock,
 * a log captured line by line, and the HTTP server built over them (not listening: tests use
 * `inject`, unless they call `listen`).
 */
import { randomBytes } from 'node:crypto'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createCoordinatorHttp } from '../../../src/coordinator/http/index.ts'
import type { CoordinatorHttp } from '../../../src/coordinator/http/index.ts'
import { CoordinatorService } from '../../../src/coordinator/service.ts'
import type { CoordinatorReport } from '../../../src/coordinator/service.ts'
import { openCoordinatorStore } from '../../../src/coordinator/state/index.ts'
import { createLogger } from '../../../src/log.ts'
import type { Announcement } from '../../../src/wire/records.ts'
import { announcement, DAY, makeAuthority, T0 } from '../../fixtures/trust.ts'
import type { Authority } from '../../fixtures/trust.ts'

/** The harness clock: a day after the test root and announcements were issued. */
export const NOW = T0 + DAY
export const HOUR = 3_600_000

/** Two patches: openssl (5 MiB) and curl (2 MiB). */
export const OPENSSL = announcement()
export const CURL = announcement({
  patchId: 'c0ffee00c0ffee00c0ffee00c0ffee00',
  name: 'curl',
  version: '8.11.1',
  size: 2 * 1024 * 1024,
  issuedAtMs: T0 + 1000,
})

export interface Harness {
  readonly service: CoordinatorService
  readonly http: CoordinatorHttp
  /** The operator token the server expects. */
  readonly token: string
  /** The keys and root the service signs under. */
  readonly authority: Authority
  /** Every record the service gossiped, in order. */
  readonly published: Uint8Array[]
  /** Every log line, as written. */
  readonly logs: string[]
  /** `Authorization` header with the right token. */
  readonly auth: { authorization: string }
  close(): Promise<void>
}

export interface HarnessOptions {
  requireTokenForReads?: boolean
  announcements?: Announcement[]
  reports?: CoordinatorReport[]
}

export async function harness(opts: HarnessOptions = {}): Promise<Harness> {
  const dir = await mkdtemp(join(tmpdir(), 'patchmesh-http-'))
  const store = await openCoordinatorStore(dir)
  const authority = makeAuthority()
  const published: Uint8Array[] = []
  const logs: string[] = []
  const log = createLogger({ level: 'trace', destination: { write: (line) => logs.push(line) } })
  const now = () => NOW
  const service = await CoordinatorService.open({
    store,
    signers: authority.keys.coordinator,
    publish: (bytes) => {
      published.push(bytes)
      return Promise.resolve()
    },
    root: () => authority.anchor,
    now,
    log,
  })
  for (const a of opts.announcements ?? [OPENSSL, CURL]) await service.recordAnnouncement(a)
  for (const r of opts.reports ?? []) await service.receiveReport(r)

  const token = randomBytes(32).toString('hex')
  const http = await createCoordinatorHttp({
    service,
    token,
    requireTokenForReads: opts.requireTokenForReads,
    now,
    log,
  })

  return {
    service,
    http,
    token,
    authority,
    published,
    logs,
    auth: { authorization: `Bearer ${token}` },
    async close() {
      await http.close()
      await service.stop()
      await store.close()
      await rm(dir, { recursive: true, force: true })
    },
  }
}

let sequence = 0

/** A report on openssl; site leeds, ring canary, nothing fetched, unless `fields` say otherwise. */
export function report(
  nodeId: string,
  state: CoordinatorReport['state'],
  fields: Partial<CoordinatorReport> = {},
): CoordinatorReport {
  return {
    nodeId,
    patchId: OPENSSL.patchId,
    state,
    site: 'leeds',
    ring: 'canary',
    sequence: ++sequence,
    timeMs: NOW,
    ...fields,
  }
}

/** A small fleet: two sites, three rings, nodes in several states, bytes from every source. */
export function fleet(): CoordinatorReport[] {
  const size = OPENSSL.size
  return [
    report('leeds-1', 'installed', { bytesOrigin: size }),
    report('leeds-2', 'installed', { bytesOwnSite: size }),
    report('leeds-3', 'downloading', {
      ring: 'pilot',
      bytesOwnSite: 1024,
      chunksHeld: 1,
      reason: 'disk full: /var/lib/patchmesh',
    }),
    report('york-1', 'installed', {
      site: 'york',
      bytesOtherSites: size - 1024,
      bytesOrigin: 1024,
    }),
    report('york-2', 'failed', { site: 'york', ring: 'broad', reason: 'exit code 2' }),
    report('york-1', 'downloaded', { site: 'york', patchId: CURL.patchId, bytesOrigin: CURL.size }),
  ]
}
