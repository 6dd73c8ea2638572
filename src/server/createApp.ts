/**
 * The `hound serve` application (Hono): body-size limit (413), JSON 404/500 without internal details, the
 * OpenAPI document, and the route modules. Other modules add their routes by passing more `RouteModule`s.
 *
 * Over a socket (startServer), the screening routes of the default modules are answered by a lean node:http
 * listener (fastListener) with the same logic and bytes; a module that adds app-wide middleware (`app.use('*')`)
 * must know that those three routes do not pass through it.
 * @module
 */
import type { RequestListener } from 'node:http'
import { Hono } from 'hono'
import { bodyLimit } from 'hono/body-limit'
import type { Screener } from '../risk/Screener.js'
import type { HoundStore } from '../store/HoundStore.js'
import { ApiKeyRegistry } from './apiKeys.js'
import {
  apiError,
  defaultLimits,
  type RouteModule,
  type ServerContext,
  type ServerEnv,
  type ServerLimits,
} from './context.js'
import { type FastRoutes, fastListener } from './fastListener.js'
import { openapiDocument } from './openapiDocument.js'
import { RateLimiter } from './RateLimiter.js'
import { sanctionsFacades } from './routes/sanctionsFacades.js'
import { screenRoutes } from './routes/screenRoutes.js'

/**
 * The node:http fast path of each app made by createApp (startServer uses it): given the Hono listener for everything
 * else, the listener that answers the screening routes directly.
 */
const fastPaths = new WeakMap<object, (fallback: RequestListener) => RequestListener>()

/** The fast-path listener factory registered for an app, if any (see fastListener). */
export function fastPathOf(app: object): ((fallback: RequestListener) => RequestListener) | undefined {
  return fastPaths.get(app)
}

/** The modules `hound serve` mounts by default. */
export const defaultRouteModules: readonly RouteModule[] = [sanctionsFacades, screenRoutes]

export type CreateAppOptions = {
  readonly screener: Screener
  readonly keys?: ApiKeyRegistry
  readonly limits?: Partial<ServerLimits>
  readonly store?: HoundStore | null
  readonly modules?: readonly RouteModule[]
  readonly onScreened?: ServerContext['onScreened']
  /** Where unexpected errors are logged (server side only). Default stderr. */
  readonly log?: (msg: string) => void
}

export function createApp(o: CreateAppOptions): { app: Hono<ServerEnv>; ctx: ServerContext } {
  const ctx: ServerContext = {
    screener: o.screener,
    keys: o.keys ?? new ApiKeyRegistry([]),
    limiter: new RateLimiter(),
    limits: { ...defaultLimits, ...o.limits },
    store: o.store ?? null,
    ...(o.onScreened ? { onScreened: o.onScreened } : {}),
  }
  const modules = o.modules ?? defaultRouteModules
  const log = o.log ?? ((m: string) => process.stderr.write(`${m}\n`))
  const app = new Hono<ServerEnv>()
  app.use(
    '*',
    bodyLimit({
      maxSize: ctx.limits.maxBodyBytes,
      onError: (c) => apiError(c, 413, 'payload_too_large', `request body over ${ctx.limits.maxBodyBytes} bytes`),
    }),
  )
  const doc = JSON.stringify(openapiDocument(modules))
  app.get('/openapi.json', (c) => c.body(doc, 200, { 'content-type': 'application/json' }))
  app.get('/healthz', (c) =>
    c.json({ ok: true, dataVersion: ctx.screener.dataVersion, labels: ctx.screener.index.size }),
  )
  for (const m of modules) m.register(app, ctx)
  app.notFound((c) => apiError(c, 404, 'not_found', 'no such endpoint'))
  app.onError((err, c) => {
    log(
      `hound serve: ${c.req.method} ${c.req.path}: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`,
    )
    return apiError(c, 500, 'internal', 'internal error')
  })
  const routes: FastRoutes = { facades: modules.includes(sanctionsFacades), screen: modules.includes(screenRoutes) }
  if (routes.facades || routes.screen) fastPaths.set(app, (fallback) => fastListener(ctx, routes, fallback, log))
  return { app, ctx }
}
