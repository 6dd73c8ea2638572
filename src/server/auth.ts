/**
 * Authentication and rate limiting middleware.
 *
 * A key is read from `X-API-Key` (Chainalysis style), `Authorization: Basic base64(key:key)` (TRM style) or
 * `Authorization: Bearer <key>`. Missing key where one is required → 401 (with WWW-Authenticate); unknown or
 * revoked key → 403; key without the right → 403; over the rate → 429 with Retry-After (seconds).
 * @module
 */

import { getConnInfo } from '@hono/node-server/conninfo'
import type { MiddlewareHandler } from 'hono'
import { apiError, type ServerContext, type ServerEnv } from './context.js'

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
  mode: 'required' | 'optional',
  right: 'read' | 'write' = 'read',
): MiddlewareHandler<ServerEnv> {
  return async (c, next) => {
    const key = keyFromHeaders((n) => c.req.header(n))
    if (key === null) {
      if (mode === 'required') {
        c.header('WWW-Authenticate', 'Basic realm="hound", charset="UTF-8"')
        return apiError(c, 401, 'unauthorized', 'an API key is required (X-API-Key header or Basic auth)')
      }
      const wait = ctx.limiter.take(`ip:${clientIp(c)}`, ctx.limits.anonRatePerSec, ctx.limits.anonBurst)
      if (wait > 0) {
        c.header('Retry-After', String(Math.ceil(wait)))
        return apiError(c, 429, 'rate_limited', 'too many anonymous requests; use an API key or retry later')
      }
      c.set('apiKey', null)
      return next()
    }
    const rec = ctx.keys.verify(key)
    if (!rec) return apiError(c, 403, 'forbidden', 'unknown or revoked API key')
    if ((right === 'read' && !rec.canRead) || (right === 'write' && !rec.canWrite)) {
      return apiError(c, 403, 'forbidden', `this API key has no ${right} right`)
    }
    const wait = ctx.limiter.take(`key:${rec.keyId}`, rec.ratePerSec, rec.burst)
    if (wait > 0) {
      c.header('Retry-After', String(Math.ceil(wait)))
      return apiError(c, 429, 'rate_limited', `rate limit of ${rec.ratePerSec} requests/s exceeded`)
    }
    c.set('apiKey', rec)
    return next()
  }
}
