/**
 * Authentication and rate limiting.
 *
 * A key is read from `X-API-Key` (Chainalysis style), `Authorization: Basic base64(key:key)` (TRM style) or
 * `Authorization: Bearer <key>`. Missing key where one is required → 401 (with WWW-Authenticate); unknown or
 * revoked key → 403; key without the right → 403; over the rate → 429 with Retry-After (seconds).
 *
 * `authorize` is the decision as plain data (used by the Hono middleware and by the node:http fast path alike);
 * `authenticate` wraps it as Hono middleware.
 * @module
 */

import { getConnInfo } from '@hono/node-server/conninfo'
import type { MiddlewareHandler } from 'hono'
import { type ApiResponse, errorResponse, sendHono } from './ApiResponse.js'
import type { ApiKeyRecord } from './apiKeys.js'
import type { ServerContext, ServerEnv } from './context.js'

export function keyFromHeaders(h: (name: string) => string | undefined): string | null {
  const x = h('x-api-key')
  if (x) return x.trim()
  const auth = h('authorization')
  if (!auth) return null
  const [scheme, value] = auth.split(' ', 2)
  if (!value) return null
  if (scheme?.toLowerCase() === 'bearer') return value.trim()
  if (scheme?.toLowerCase() === 'basic') {
    const dec = Buffer.from(value.trim(), 'base64').toString('utf8')
    const i = dec.indexOf(':')
    return (i < 0 ? dec : dec.slice(0, i) || dec.slice(i + 1)).trim() || null
  }
  return null
}

export type AuthMode = 'required' | 'optional'
export type AuthRight = 'read' | 'write'

const UNAUTHORIZED = errorResponse(401, 'unauthorized', 'an API key is required (X-API-Key header or Basic auth)', {
  'WWW-Authenticate': 'Basic realm="hound", charset="UTF-8"',
})
const UNKNOWN_KEY = errorResponse(403, 'forbidden', 'unknown or revoked API key')

/**
 * Decide a request: `{ ok: true, key }` (key null for an allowed anonymous call) or the 401/403/429 answer.
 * `key` is the key as sent (keyFromHeaders) and `clientIp` is called only for anonymous calls. Takes a rate-limit
 * token when allowed.
 */
export function authorize(
  ctx: ServerContext,
  key: string | null,
  mode: AuthMode,
  right: AuthRight,
  clientIp: () => string,
): { ok: true; key: ApiKeyRecord | null } | { ok: false; res: ApiResponse } {
  if (key === null) {
    if (mode === 'required') return { ok: false, res: UNAUTHORIZED }
    const wait = ctx.limiter.take(`ip:${clientIp()}`, ctx.limits.anonRatePerSec, ctx.limits.anonBurst)
    if (wait > 0) {
      return {
        ok: false,
        res: errorResponse(429, 'rate_limited', 'too many anonymous requests; use an API key or retry later', {
          'Retry-After': String(Math.ceil(wait)),
        }),
      }
    }
    return { ok: true, key: null }
  }
  const rec = ctx.keys.verify(key)
  if (!rec) return { ok: false, res: UNKNOWN_KEY }
  if ((right === 'read' && !rec.canRead) || (right === 'write' && !rec.canWrite)) {
    return { ok: false, res: errorResponse(403, 'forbidden', `this API key has no ${right} right`) }
  }
  const wait = ctx.limiter.take(`key:${rec.keyId}`, rec.ratePerSec, rec.burst)
  if (wait > 0) {
    return {
      ok: false,
      res: errorResponse(429, 'rate_limited', `rate limit of ${rec.ratePerSec} requests/s exceeded`, {
        'Retry-After': String(Math.ceil(wait)),
      }),
    }
  }
  return { ok: true, key: rec }
}

function clientIp(c: Parameters<MiddlewareHandler>[0]): string {
  try {
    return getConnInfo(c).remote.address ?? 'unknown'
  } catch {
    return 'in-process'
  }
}

/**
 * `mode: 'required'`: a valid key with `right` is needed. `mode: 'optional'`: anonymous calls are allowed at the
 * anonymous rate (per IP), a given key must be valid.
 */
export function authenticate(
  ctx: ServerContext,
  mode: AuthMode,
  right: AuthRight = 'read',
): MiddlewareHandler<ServerEnv> {
  return async (c, next) => {
    const a = authorize(
      ctx,
      keyFromHeaders((n) => c.req.header(n)),
      mode,
      right,
      () => clientIp(c),
    )
    if (!a.ok) return sendHono(c, a.res)
    c.set('apiKey', a.key)
    return next()
  }
}
