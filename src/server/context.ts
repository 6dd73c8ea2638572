/**
 * What every route module gets: the screener (warm state), the key registry, the rate limiter and limits.
 * Modules add routes with `register(app, ctx)` and document them with `openapi` paths, so later modules (TAXII,
 * detectors) plug into the same server without editing it.
 * @module
 */
import type { Context, Hono } from 'hono'
import type { ContentfulStatusCode } from 'hono/utils/http-status'
import type { Screener, ScreenResult } from '../risk/Screener.js'
import type { HoundStore } from '../store/HoundStore.js'
import { errorResponse, sendHono } from './ApiResponse.js'
import type { ApiKeyRecord, ApiKeyRegistry } from './apiKeys.js'
import type { RateLimiter } from './RateLimiter.js'

export type ServerEnv = { Variables: { apiKey: ApiKeyRecord | null } }
export type App = Hono<ServerEnv>

export type ServerLimits = {
  /** Largest request body in bytes (413 above). Default 256 KiB. */
  readonly maxBodyBytes: number
  /** Largest batch of addresses (400 above). Default 1,000. */
  readonly maxBatch: number
  /** Anonymous calls (TRM facade without a key): rate per second and burst, per client IP. */
  readonly anonRatePerSec: number
  readonly anonBurst: number
}

export const defaultLimits: ServerLimits = { maxBodyBytes: 256 * 1024, maxBatch: 1000, anonRatePerSec: 1, anonBurst: 5 }

export type ServerContext = {
  /** Mutable so a running server can swap in reloaded warm state (`hound serve` on SIGHUP). */
  screener: Screener
  keys: ApiKeyRegistry
  readonly limiter: RateLimiter
  readonly limits: ServerLimits
  /** The store, when the server was started on one (route modules that write use it). */
  readonly store: HoundStore | null
  /** Called for every screened address (the server records them for `hound rescreen`). */
  readonly onScreened?: (r: ScreenResult, keyId: string | null) => void
}

/** A pluggable group of routes with its OpenAPI paths. */
export type RouteModule = {
  readonly name: string
  readonly register: (app: App, ctx: ServerContext) => void
  readonly openapi?: Record<string, unknown>
}

/** The one error body shape (errorResponse: `{"error":{"code","message"}}`, never internal details), sent by Hono. */
export function apiError(c: Context, status: ContentfulStatusCode, code: string, message: string): Response {
  return sendHono(c, errorResponse(status, code, message))
}
