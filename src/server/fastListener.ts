/**
 * The lean hot path of `hound serve`: the three screening routes — `GET /api/v1/address/{address}`, `POST
 * /public/v1/sanctions/screening` and `POST /v1/screen` — answered straight on node:http, without building a Web
 * Request/Response per call (the Hono node adapter's cost dominated a screening, whose lookup is ~0.1 µs). Every
 * other request, and any request of an unusual form (percent-encoded or nested path, HEAD, a body without
 * Content-Length), goes to the Hono app unchanged.
 *
 * Behaviour is the Hono routes' own: the same body limit (413 first, as the body-limit middleware), the same
 * `authorize` decision (401/403/429 with their headers), the same route functions (chainalysisAnswer, trmAnswer,
 * screenAnswer) and so the same bytes; unexpected errors are 500 `internal`, logged server side only. The tests
 * compare both paths request by request.
 * @module
 */
import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http'
import type { ApiResponse } from './ApiResponse.js'
import { errorResponse } from './ApiResponse.js'
import { reportScreened } from './answerCache.js'
import { authorize, keyFromHeaders } from './auth.js'
import type { ServerContext } from './context.js'
import { chainalysisAnswer, trmAnswer } from './routes/sanctionsFacades.js'
import { screenAnswer } from './routes/screenRoutes.js'

export type FastRoutes = {
  /** The sanctions facades are mounted (GET address, TRM POST). */
  readonly facades: boolean
  /** `POST /v1/screen` is mounted. */
  readonly screen: boolean
}

const ADDRESS_PREFIX = '/api/v1/address/'
const TRM_PATH = '/public/v1/sanctions/screening'
const SCREEN_PATH = '/v1/screen'
const INTERNAL = errorResponse(500, 'internal', 'internal error')

/** Write an answer: JSON content type, its length, its extra headers. */
export function sendNode(res: ServerResponse, r: ApiResponse): void {
  const body = r.body
  const len = typeof body === 'string' ? Buffer.byteLength(body) : body.length
  if (r.headers) {
    res.writeHead(r.status, { ...r.headers, 'content-type': 'application/json', 'content-length': len })
  } else res.writeHead(r.status, ['content-type', 'application/json', 'content-length', String(len)])
  res.end(body)
}

function header(req: IncomingMessage, name: string): string | undefined {
  const v = req.headers[name]
  return typeof v === 'string' ? v : undefined
}

function requestKey(req: IncomingMessage): string | null {
  const h = req.headers
  // the common case, no closure: a plain X-API-Key header
  const x = h['x-api-key']
  if (typeof x === 'string' && x) return x.trim()
  return keyFromHeaders((n) => header(req, n))
}

/**
 * A node:http listener that answers the screening routes of `ctx` itself and hands everything else to `fallback`
 * (the Hono app's listener). `log` receives unexpected errors.
 */
export function fastListener(
  ctx: ServerContext,
  routes: FastRoutes,
  fallback: RequestListener,
  log: (msg: string) => void,
): RequestListener {
  const fail = (req: IncomingMessage, res: ServerResponse, e: unknown) => {
    log(`hound serve: ${req.method} ${req.url}: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`)
    if (!res.headersSent) sendNode(res, INTERNAL)
    else res.destroy()
  }

  const getAddress = (req: IncomingMessage, res: ServerResponse, address: string) => {
    const a = authorize(ctx, requestKey(req), 'required', 'read', () => req.socket.remoteAddress ?? 'unknown')
    if (!a.ok) return sendNode(res, a.res)
    sendNode(res, reportScreened(ctx, chainalysisAnswer(ctx, address), a.key?.keyId ?? null))
  }

  const post = (req: IncomingMessage, res: ServerResponse, route: 'trm' | 'screen', len: number) => {
    if (len > ctx.limits.maxBodyBytes) {
      return sendNode(
        res,
        errorResponse(413, 'payload_too_large', `request body over ${ctx.limits.maxBodyBytes} bytes`),
      )
    }
    const a = authorize(ctx, requestKey(req), route === 'trm' ? 'optional' : 'required', 'read', () => {
      return req.socket.remoteAddress ?? 'unknown'
    })
    if (!a.ok) return sendNode(res, a.res)
    const key = a.key
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('error', () => {
      if (!res.headersSent) sendNode(res, errorResponse(400, 'bad_request', 'could not read the request body'))
    })
    req.on('end', () => {
      try {
        let text = chunks.length === 1 ? chunks[0]!.toString('utf8') : Buffer.concat(chunks).toString('utf8')
        if (text.charCodeAt(0) === 0xfeff) text = text.slice(1) // as Response.text() does
        if (route === 'trm') return sendNode(res, trmAnswer(ctx, text))
        sendNode(res, reportScreened(ctx, screenAnswer(ctx, text, key), key?.keyId ?? null))
      } catch (e) {
        fail(req, res, e)
      }
    })
  }

  return (req, res) => {
    try {
      const url = req.url ?? ''
      const q = url.indexOf('?')
      const path = q < 0 ? url : url.slice(0, q)
      const m = req.method
      if (m === 'GET') {
        if (routes.facades && path.startsWith(ADDRESS_PREFIX)) {
          const address = path.slice(ADDRESS_PREFIX.length)
          if (address && !address.includes('/') && !address.includes('%')) return getAddress(req, res, address)
        }
      } else if (m === 'POST' && (path === SCREEN_PATH ? routes.screen : path === TRM_PATH && routes.facades)) {
        const cl = req.headers['content-length']
        if (cl !== undefined && req.headers['transfer-encoding'] === undefined && /^\d+$/.test(cl)) {
          return post(req, res, path === TRM_PATH ? 'trm' : 'screen', Number(cl))
        }
      }
    } catch (e) {
      return fail(req, res, e)
    }
    return fallback(req, res)
  }
}
