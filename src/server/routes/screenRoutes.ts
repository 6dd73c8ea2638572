/**
 * The native screening API: `POST /v1/screen` with `{"address"}`, `{"addresses": [...]}` (≤ 1,000) or
 * `{"transaction": "<txid>"}` → risk level, categories, labels with provenance, exposure breakdown with paths,
 * policy and data version. Amounts are integers in base units (satoshi). Needs a key with the read right.
 * @module
 */
import type { Tlp } from '../../core/model.js'
import { riskLevels } from '../../risk/riskLevel.js'
import { isScreenError, type ScreenResult } from '../../risk/Screener.js'
import { type ApiResponse, errorResponse, sendHono } from '../ApiResponse.js'
import { type CachedAnswer, getAnswer, putAnswer, reportScreened } from '../answerCache.js'
import type { ApiKeyRecord } from '../apiKeys.js'
import { authenticate } from '../auth.js'
import type { RouteModule, ServerContext } from '../context.js'
import { parseJsonBody, readBodyText } from '../parseJsonBody.js'

const TXID = /^[0-9a-fA-F]{64}$/
const NONE: readonly ScreenResult[] = []

/**
 * `POST /v1/screen` after authentication, from the body text and the caller's key: the answer and the results it
 * reports (for `onScreened`). Cached per warm state, body text and TLP ceiling (labels above the key's ceiling are
 * invisible to it, so the ceiling is part of the question).
 */
export function screenAnswer(ctx: ServerContext, text: string, apiKey: ApiKeyRecord | null): CachedAnswer {
  const maxTlp = apiKey?.maxTlp ?? 'clear'
  const s = ctx.screener
  const key = `s${maxTlp}|${text}`
  const hit = getAnswer(s, key)
  if (hit) return hit
  return putAnswer(s, key, computeScreen(ctx, text, maxTlp))
}

const fail = (res: ApiResponse): CachedAnswer => ({ res, screened: NONE })

function computeScreen(ctx: ServerContext, text: string, maxTlp: Tlp): CachedAnswer {
  const body = parseJsonBody(text)
  if (!body.ok) return fail(body.res)
  const v = body.value as Record<string, unknown> | null
  if (!v || typeof v !== 'object' || Array.isArray(v)) {
    return fail(
      errorResponse(400, 'bad_request', 'body must be an object: {"address"}, {"addresses": [...]} or {"transaction"}'),
    )
  }
  const s = ctx.screener
  const common = { dataVersion: s.dataVersion, units: 'satoshi' }
  if (v.transaction !== undefined) {
    const txid = v.transaction
    if (typeof txid !== 'string' || !TXID.test(txid)) {
      return fail(errorResponse(400, 'invalid_txid', 'transaction must be a 64-hex-digit txid'))
    }
    const g = s.graph
    const t = g ? g.names.txIndex(txid.toLowerCase()) : -1
    if (!g || t < 0) return fail(errorResponse(404, 'not_found', 'transaction not in the loaded chain data'))
    const side = (addrs: (string | null)[]) =>
      addrs.map((a) => (a === null ? null : (s.screen(a, maxTlp) as ScreenResult)))
    const inAddrs: (string | null)[] = []
    for (let i = g.txInStart[t]!; i < g.txInStart[t + 1]!; i++) {
      const a = g.inAddr[i]!
      inAddrs.push(a >= 0 ? g.names.address(a) : null)
    }
    const outAddrs: (string | null)[] = []
    for (let o = g.txOutStart[t]!; o < g.txOutStart[t + 1]!; o++) {
      const a = g.outAddr[o]!
      outAddrs.push(a >= 0 ? g.names.address(a) : null)
    }
    const inputs = side(inAddrs)
    const outputs = side(outAddrs)
    let worst = 0
    const screened: ScreenResult[] = []
    for (const r of [...inputs, ...outputs]) {
      if (r && !isScreenError(r)) {
        worst = Math.max(worst, riskLevels.indexOf(r.risk))
        screened.push(r)
      }
    }
    const res = {
      ...common,
      transaction: { txid: txid.toLowerCase(), risk: riskLevels[worst], inputs, outputs },
    }
    return { res: { status: 200, body: JSON.stringify(res) }, screened }
  }
  let list: unknown[]
  if (v.addresses !== undefined) {
    if (!Array.isArray(v.addresses))
      return fail(errorResponse(400, 'bad_request', 'addresses must be an array of strings'))
    list = v.addresses
  } else if (v.address !== undefined) list = [v.address]
  else return fail(errorResponse(400, 'bad_request', 'body must have "address", "addresses" or "transaction"'))
  if (list.length === 0) return fail(errorResponse(400, 'bad_request', 'addresses is empty'))
  if (list.length > ctx.limits.maxBatch) {
    return fail(errorResponse(400, 'batch_too_large', `at most ${ctx.limits.maxBatch} addresses per request`))
  }
  const results: ScreenResult[] = []
  for (let i = 0; i < list.length; i++) {
    const r = s.screen(list[i], maxTlp, { cluster: v.cluster === true })
    if (isScreenError(r)) {
      return fail(errorResponse(400, 'invalid_address', `addresses[${i}]: invalid address: ${r.error}`))
    }
    results.push(r)
  }
  return { res: { status: 200, body: JSON.stringify({ ...common, results }) }, screened: results }
}

export const screenRoutes: RouteModule = {
  name: 'screen',
  register(app, ctx) {
    app.post('/v1/screen', authenticate(ctx, 'required'), async (c) => {
      const t = await readBodyText(c)
      if (!t.ok) return sendHono(c, t.res)
      const apiKey = c.get('apiKey')
      return sendHono(c, reportScreened(ctx, screenAnswer(ctx, t.text, apiKey), apiKey?.keyId ?? null))
    })
  },
  openapi: {
    '/v1/screen': {
      post: {
        summary: 'Screen addresses (batch ≤ 1,000) or a transaction: risk, categories, exposure, paths, data version',
        security: [{ apiKey: [] }, { basic: [] }, { bearer: [] }],
        requestBody: {
          required: true,
          content: {
            'application/json': {
              schema: {
                oneOf: [
                  { type: 'object', required: ['address'], properties: { address: { type: 'string' } } },
                  {
                    type: 'object',
                    required: ['addresses'],
                    properties: {
                      addresses: { type: 'array', minItems: 1, maxItems: 1000, items: { type: 'string' } },
                      cluster: { type: 'boolean', description: "exposure of each address's whole cluster" },
                    },
                  },
                  {
                    type: 'object',
                    required: ['transaction'],
                    properties: { transaction: { type: 'string', pattern: '^[0-9a-fA-F]{64}$' } },
                  },
                ],
              },
            },
          },
        },
        responses: {
          '200': {
            description: 'screening results (amounts in satoshi)',
            content: { 'application/json': { schema: { $ref: '#/components/schemas/ScreenResponse' } } },
          },
          '400': { $ref: '#/components/responses/Error' },
          '401': { $ref: '#/components/responses/Error' },
          '403': { $ref: '#/components/responses/Error' },
          '404': { $ref: '#/components/responses/Error' },
          '413': { $ref: '#/components/responses/Error' },
          '429': { $ref: '#/components/responses/Error' },
        },
      },
    },
  },
}
