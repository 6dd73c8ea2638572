/**
 * Finished answers of the screening routes, cached per warm state: the same request (route, TLP ceiling, body text
 * or address) against the same Screener always gets the same bytes, so a repeat is one Map probe instead of JSON
 * parsing, validation, screening and serialisation. The cache belongs to the Screener instance (a WeakMap), so a
 * reload (SIGHUP: new labels, new data version) starts empty. Bounded: cleared when full.
 * @module
 */
import type { ScreenResult } from '../risk/Screener.js'
import type { ApiResponse } from './ApiResponse.js'
import type { ServerContext } from './context.js'

export type CachedAnswer = {
  readonly res: ApiResponse
  /** The results the answer reports, for `onScreened` (recorded for `hound rescreen` on every request). */
  readonly screened: readonly ScreenResult[]
}

/** Entries per warm state (each a few hundred bytes to a few KB). */
export const ANSWER_CACHE_ENTRIES = 20_000
/** Request bodies longer than this are not cached (big batches are computed every time). */
export const ANSWER_CACHE_MAX_KEY = 2048

const caches = new WeakMap<object, Map<string, CachedAnswer>>()

function cacheOf(owner: object): Map<string, CachedAnswer> {
  let m = caches.get(owner)
  if (!m) caches.set(owner, (m = new Map()))
  return m
}

/** The cached answer for `key` under `owner` (the Screener), or undefined. */
export function getAnswer(owner: object, key: string): CachedAnswer | undefined {
  return caches.get(owner)?.get(key)
}

/** Cache an answer (its body encoded once); returns the cached form. Long keys are not cached. */
export function putAnswer(owner: object, key: string, a: CachedAnswer): CachedAnswer {
  if (key.length > ANSWER_CACHE_MAX_KEY) return a
  const m = cacheOf(owner)
  if (m.size >= ANSWER_CACHE_ENTRIES) m.clear()
  const body = typeof a.res.body === 'string' ? Buffer.from(a.res.body) : a.res.body
  const c: CachedAnswer = { res: { ...a.res, body }, screened: a.screened }
  m.set(key, c)
  return c
}

/** Report an answer's results to `ctx.onScreened` as made with `keyId` (every path, cached or not); the response to send. */
export function reportScreened(ctx: ServerContext, a: CachedAnswer, keyId: string | null): ApiResponse {
  if (ctx.onScreened) for (const r of a.screened) ctx.onScreened(r, keyId)
  return a.res
}
