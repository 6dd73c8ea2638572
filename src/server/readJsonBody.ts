/**
 * Read a JSON request body (the size limit is enforced before, by the body-limit middleware). Returns the value
 * or a ready 400 response with a clear message; never throws.
 * @module
 */
import type { Context } from 'hono'
import { apiError } from './context.js'

export async function readJsonBody(c: Context): Promise<{ ok: true; value: unknown } | { ok: false; res: Response }> {
  let text: string
  try {
    text = await c.req.text()
  } catch {
    return { ok: false, res: apiError(c, 400, 'bad_request', 'could not read the request body') }
  }
  if (!text.trim()) return { ok: false, res: apiError(c, 400, 'bad_request', 'request body is empty; JSON expected') }
  try {
    return { ok: true, value: JSON.parse(text) }
  } catch {
    return { ok: false, res: apiError(c, 400, 'bad_request', 'request body is not valid JSON') }
  }
}
