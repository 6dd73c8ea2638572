/**
 * A route's answer as plain data (status, JSON body, extra headers), so the same route logic serves both the Hono
 * app (in-process requests, every other route) and the lean node:http fast path of `hound serve` (fastListener),
 * byte for byte.
 * @module
 */
import type { Context } from 'hono'
import type { ContentfulStatusCode } from 'hono/utils/http-status'

export type ApiResponse = {
  readonly status: number
  /** The JSON text; a Buffer when it is a cached answer encoded once. */
  readonly body: string | Buffer
  readonly headers?: Readonly<Record<string, string>>
}

/** The one error shape, `{"error":{"code","message"}}`, as an ApiResponse. */
export function errorResponse(
  status: number,
  code: string,
  message: string,
  headers?: Readonly<Record<string, string>>,
): ApiResponse {
  const body = JSON.stringify({ error: { code, message } })
  return headers ? { status, body, headers } : { status, body }
}

/** Send an ApiResponse through Hono (content-type application/json, like `c.json`). */
export function sendHono(c: Context, r: ApiResponse): Response {
  if (r.headers) for (const k in r.headers) c.header(k, r.headers[k])
  c.header('content-type', 'application/json')
  const status = r.status as ContentfulStatusCode
  return typeof r.body === 'string' ? c.body(r.body, status) : c.body(r.body as Uint8Array<ArrayBuffer>, status)
}
