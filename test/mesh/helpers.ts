/**
 * Hosts, handlers and small promise tools for the mesh tests. Every host listens on loopback
 * only, with a fresh key; whoever starts one stops it.
 */
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { generateKeyPair } from '@libp2p/crypto/keys'
import type { StreamHandler } from '@libp2p/interface'
import { createLogger } from '../../src/log.ts'
import { createHost } from '../../src/mesh/host.ts'
import type { Host } from '../../src/mesh/host.ts'

export const silent = createLogger({ level: 'silent' })

/** A well-formed patch id (32 lowercase hex characters). */
export const PATCH = 'ab'.repeat(16)

/** A started host listening on 127.0.0.1 at a port of the system's choice. */
export async function startHost(): Promise<Host> {
  return createHost({
    privateKey: await generateKeyPair('Ed25519'),
    listen: ['/ip4/127.0.0.1/tcp/0'],
  })
}

/** Two started hosts, `client` connected to `server`. */
export async function connectedPair(): Promise<{ server: Host; client: Host }> {
  const [server, client] = await Promise.all([startHost(), startHost()])
  await client.dial(server.getMultiaddrs()[0], { signal: AbortSignal.timeout(30_000) })

  return { server, client }
}

/** Stops every host given, whatever state it is in. */
export async function stopAll(...hosts: Array<Host | undefined>): Promise<void> {
  await Promise.all(hosts.map(async (h) => h?.stop()))
}

/** Runs `fn` with `handler` registered for `protocol` on `host`, and unregisters it after. */
export async function withHandler<T>(
  host: Host,
  protocol: string,
  handler: StreamHandler,
  fn: () => Promise<T>,
): Promise<T> {
  await host.handle(protocol, handler)
  try {
    return await fn()
  } finally {
    await host.unhandle(protocol)
  }
}

export interface Deferred<T> {
  promise: Promise<T>
  resolve: (value: T) => void
  reject: (err: Error) => void
}

export function deferred<T = void>(): Deferred<T> {
  let resolve!: (value: T) => void
  let reject!: (err: Error) => void
  const promise = new Promise<T>((res, rej) => {
    resolve = res
    reject = rej
  })

  return { promise, resolve, reject }
}

/** Settles with `promise`, or rejects after `ms` saying what was awaited. */
export async function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: nothing after ${ms} ms`)), ms)
  })
  try {
    return await Promise.race([promise, late])
  } finally {
    clearTimeout(timer)
  }
}

/** A fresh directory under os.tmpdir(); `remove` deletes it and everything in it. */
export async function scratch(): Promise<{ dir: string; remove: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'patchmesh-mesh-'))

  return { dir, remove: () => rm(dir, { recursive: true, force: true }) }
}

/** `length` bytes of a pattern that differs at every offset modulo 251, so no shift matches. */
export function patterned(length: number, seed = 0): Uint8Array<ArrayBuffer> {
  const bytes = new Uint8Array(length)
  for (let i = 0; i < length; i++) bytes[i] = (i + seed) % 251

  return bytes
}

/** Unsigned LEB128, as the length prefix of a frame. */
export function varint(value: number): Uint8Array {
  const out: number[] = []
  let rest = value
  while (rest >= 0x80) {
    out.push((rest & 0x7f) | 0x80)
    rest = Math.floor(rest / 128)
  }
  out.push(rest)

  return Uint8Array.from(out)
}
