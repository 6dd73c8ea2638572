/**
 * Read a JSON request body (the size limit is enforced before, by the body-limit middleware or the fast path).
 * Returns the value or a ready 400 answer with a clear message; never throws.
 * @module
 */
import type { Context } from 'hono'
import { type ApiResponse, errorResponse } from './ApiResponse.js'

/** The body text of a Hono request, or a 400 answer when it cannot be read. */
export async function readBodyText(c: Context): Promise<{ ok: true; text: string } | { ok: false; res: ApiResponse }> {
  try {
    return { ok: true, text: await c.req.text() }
  } catch {
    return { ok: false, res: errorResponse(400, 'bad_request', 'could not read the request body') }
  }
}

/** Parse a request body text as JSON, or a 400 answer (empty body, not JSON). */
export function parseJsonBody(text: string): { ok: true; value: unknown } | { ok: false; res: ApiResponse } {
  if (!text.trim()) return { ok: false, res: errorResponse(400, 'bad_request', 'request body is empty; JSON expected') }
  try {
    return { ok: true, value: JSON.parse(text) }
  } catch {
    return { ok: false, res: errorResponse(400, 'bad_request', 'request body is not valid JSON') }
  }
}
