/**
 * The authority's node: the origin of every patch. It runs a mesh node with role "authority",
 * seeds the bundles it is given (checking every chunk against the manifest as it copies them
 * in), and gossips their announcements. Nodes that join later get them through catch-up.
 */
import { open } from 'node:fs/promises'
import { component } from '../log.ts'
import type { Logger } from '../log.ts'
import { PatchNode } from '../node/node.ts'
import type { PatchNodeOptions } from '../node/node.ts'
import { decodeEnvelope, decodeRevocation } from '../wire/records.ts'
import { readBundle } from './bundle.ts'
import { readRevocation } from './revoke.ts'
import { openKeys } from './keys-dir.ts'

export interface AuthorityOptions extends Omit<PatchNodeOptions, 'root' | 'role' | 'site'> {
  keysDir: string
  /** Bundle directories made by `patchmesh publish`. */
  bundles: string[]
  /** The authority's site name. Default "head-office". */
  site?: string
  log: Logger
}

export class Authority {
  readonly node: PatchNode
  readonly #opts: AuthorityOptions
  readonly #log: Logger
  /** Patches whose revocation this process has gossiped. */
  readonly #revoked = new Set<string>()

  constructor(node: PatchNode, opts: AuthorityOptions) {
    this.node = node
    this.#opts = opts
    this.#log = component(opts.log, 'authority')
  }

  /**
   * Seeds a bundle and gossips its announcement; returns the patch id. A revoked bundle (one with
   * a revocation.signed) is not seeded: its revocation is gossiped instead.
   */
  async addBundle(dir: string): Promise<string> {
    const bundle = await readBundle(dir)
    const revocation = await readRevocation(dir)
    if (revocation !== undefined) {
      for (const root of bundle.roots) await this.node.publish(root).catch(() => undefined)
      await this.node.publish(bundle.announcement).catch(() => undefined)
      await this.node.publish(revocation)
      const { patchId } = decodeRevocation(decodeEnvelope(revocation).payload)
      this.#revoked.add(patchId)
      this.#log.warn({ patch: patchId, bundle: dir }, 'revocation gossiped')

      return patchId
    }

    const data = await open(bundle.data, 'r')
    try {
      const patchId = await this.node.seed(
        bundle.announcement,
        bundle.manifest,
        async (offset, length) => {
          const buffer = new Uint8Array(length)
          const { bytesRead } = await data.read(buffer, 0, length, offset)
          return buffer.subarray(0, bytesRead)
        },
      )
      for (const root of bundle.roots) await this.node.publish(root).catch(() => undefined)
      await this.node.publish(bundle.announcement)
      this.#log.info({ patch: patchId, bundle: dir }, 'announced')

      return patchId
    } finally {
      await data.close()
    }
  }

  /**
   * Reads every bundle again and gossips what changed: revocations written by `patchmesh revoke`
   * since the start (the CLI calls this on SIGHUP). Errors are logged per bundle.
   */
  async reload(): Promise<void> {
    for (const dir of this.#opts.bundles) {
      try {
        const revocation = await readRevocation(dir)
        if (revocation === undefined) continue
        const { patchId } = decodeRevocation(decodeEnvelope(revocation).payload)
        if (!this.#revoked.has(patchId)) await this.addBundle(dir)
      } catch (err) {
        this.#log.error({ bundle: dir, err }, 'bundle not reloaded')
      }
    }
  }

  async stop(): Promise<void> {
    await this.node.stop()
  }

  get options(): AuthorityOptions {
    return this.#opts
  }
}

/** Starts the authority's node and seeds every bundle given. */
export async function startAuthority(opts: AuthorityOptions): Promise<Authority> {
  const keys = await openKeys(opts.keysDir)
  const node = new PatchNode({
    ...opts,
    site: opts.site ?? 'head-office',
    role: 'authority',
    root: keys.root.bytes,
  })
  await node.start()
  const authority = new Authority(node, opts)
  try {
    for (const dir of opts.bundles) await authority.addBundle(dir)
  } catch (err) {
    await node.stop()
    throw err
  }

  return authority
}
