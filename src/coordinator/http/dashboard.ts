/**
 * The operator dashboard: one page at / (dashboard/index.html, its script inline) and its style
 * sheet, plain files read once at start: no build step, nothing from elsewhere, since the head
 * office network may be closed. The page holds no data of its own; it reads the API like any
 * client, so it is open, and asks for the operator token when the API wants one.
 */
import { createHash } from 'node:crypto'
import { readFile } from 'node:fs/promises'
import type { FastifyInstance } from 'fastify'

/** Raised when the page's files are not as this module expects (a broken checkout). */
export class DashboardFileError extends Error {
  override readonly name = 'DashboardFileError'
}

/**
 * Only the page's own script (by its hash) and style, and requests to its own origin: whatever a
 * patch or node name holds, the page runs no other code and loads nothing from elsewhere.
 */
function contentSecurityPolicy(scriptHash: string): string {
  return [
    "default-src 'none'",
    `script-src 'sha256-${scriptHash}'`,
    "style-src 'self'",
    "connect-src 'self'",
    "img-src 'self'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ')
}

export async function registerDashboard(app: FastifyInstance): Promise<void> {
  const read = (file: string) => readFile(new URL(`./dashboard/${file}`, import.meta.url), 'utf8')
  const html = await read('index.html')
  const css = await read('dashboard.css')

  const scripts = [...html.matchAll(/<script>([\s\S]*?)<\/script>/g)]
  if (scripts.length !== 1) {
    throw new DashboardFileError(`dashboard/index.html has ${scripts.length} inline scripts, not 1`)
  }
  const hash = createHash('sha256').update(scripts[0][1]).digest('base64')
  const policy = contentSecurityPolicy(hash)
  const open = { config: { access: 'open' }, schema: { hide: true } } as const

  app.get('/', open, (_request, reply) =>
    reply
      .type('text/html; charset=utf-8')
      .header('content-security-policy', policy)
      .header('cache-control', 'no-cache')
      .send(html),
  )
  app.get('/dashboard.css', open, (_request, reply) =>
    reply.type('text/css; charset=utf-8').header('cache-control', 'no-cache').send(css),
  )
  // Browsers ask for an icon whatever the page says; there is none, and that is no error.
  app.get('/favicon.ico', open, (_request, reply) => reply.code(204).send())
}
