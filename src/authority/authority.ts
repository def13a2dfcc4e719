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
import { readBundle } from './bundle.ts'
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

  constructor(node: PatchNode, opts: AuthorityOptions) {
    this.node = node
    this.#opts = opts
    this.#log = component(opts.log, 'authority')
  }

  /** Seeds a bundle and gossips its announcement; returns the patch id. */
  async addBundle(dir: string): Promise<string> {
    const bundle = await readBundle(dir)
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
