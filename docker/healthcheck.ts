/**
 * The image's health check: asks the daemon the entrypoint started whether it answers.
 *
 * The entrypoint writes the daemon's role and ports to $PATCHMESH_HEALTH_FILE (default
 * /tmp/patchmesh.health) before it starts it. Every daemon must answer on its mesh port with
 * libp2p's multistream-select handshake (so a listening socket is not enough: the libp2p
 * upgrader behind it must reply); a coordinator must also answer GET /api/v1/health with ok.
 * Exits 0 when healthy, 1 otherwise, with one line saying why.
 */
import { readFile } from 'node:fs/promises'
import { connect } from 'node:net'

const TIMEOUT_MS = 4000
const MULTISTREAM = '/multistream/1.0.0\n'

interface State {
  role: string
  port: number
  http?: string
}

async function main(): Promise<void> {
  const file = process.env.PATCHMESH_HEALTH_FILE ?? '/tmp/patchmesh.health'
  const text = await readFile(file, 'utf8').catch(() => {
    throw new Error(`no daemon started yet (${file} is missing)`)
  })
  const state = JSON.parse(text) as State
  await probeMesh(state.port)
  if (state.role === 'coordinator' && state.http !== undefined) await probeHttp(state.http)
  process.stdout.write(`${state.role} healthy\n`)
}

/** One length-prefixed multistream-select message (the lengths here are below 128). */
function frame(message: string): Buffer {
  const body = Buffer.from(message)
  return Buffer.concat([Buffer.from([body.length]), body])
}

/** Opens a TCP connection to the mesh port and waits for the multistream-select header. */
function probeMesh(port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port })
    let received = Buffer.alloc(0)
    const done = (err?: Error) => {
      clearTimeout(timer)
      socket.destroy()
      if (err === undefined) resolve()
      else reject(err)
    }
    const timer = setTimeout(
      () => done(new Error(`mesh port ${port}: no multistream answer`)),
      TIMEOUT_MS,
    )
    socket.on('connect', () => socket.write(Buffer.concat([frame(MULTISTREAM), frame('/noise\n')])))
    socket.on('data', (chunk: Buffer) => {
      received = Buffer.concat([received, chunk])
      if (received.includes(MULTISTREAM)) done()
    })
    socket.on('error', (err) => done(new Error(`mesh port ${port}: ${err.message}`)))
    socket.on('close', () => done(new Error(`mesh port ${port}: closed without an answer`)))
  })
}

async function probeHttp(address: string): Promise<void> {
  const url = `http://${address}/api/v1/health`
  const res = await fetch(url, { signal: AbortSignal.timeout(TIMEOUT_MS) })
  const body = (await res.json()) as { ok?: unknown }
  if (!res.ok || body.ok !== true) throw new Error(`${url} answered ${res.status}`)
}

main().catch((err: unknown) => {
  process.stdout.write(`unhealthy: ${err instanceof Error ? err.message : String(err)}\n`)
  process.exit(1)
})
