/**
 * Drop-in facades of the free sanctions-screening APIs (sharing.md §5), backed by the OFAC import, so an exchange
 * switches by changing the base URL:
 * - `GET /api/v1/address/{address}` — Chainalysis Sanctions API shape: 200 `{"identifications":[{category, name,
 *   description, url}]}`, `[]` when not sanctioned. Needs a key (`X-API-Key`), like the original.
 * - `POST /public/v1/sanctions/screening` — TRM Labs shape: body `[{"address"}…]`, 201 `[{"address",
 *   "isSanctioned"}…]` in request order. Key optional (Basic auth), anonymous calls at a low rate, like the original.
 * @module
 */

import { checkAddress } from '../../intel/canonicalAddress.js'
import { OFAC_SOURCE } from '../../intel/importOfac.js'
import type { IndexedLabel } from '../../intel/LabelIndex.js'
import { isScreenError } from '../../risk/Screener.js'
import { type ApiResponse, errorResponse, sendHono } from '../ApiResponse.js'
import { type CachedAnswer, getAnswer, putAnswer, reportScreened } from '../answerCache.js'
import { authenticate } from '../auth.js'
import type { RouteModule, ServerContext } from '../context.js'
import { parseJsonBody, readBodyText } from '../parseJsonBody.js'

const NONE: CachedAnswer['screened'] = []

function identification(l: IndexedLabel) {
  return l.source === OFAC_SOURCE
    ? {
        category: 'sanctions',
        name: `SANCTIONS: OFAC SDN ${l.entity} ${l.validFrom ?? ''} ${l.address}`.replace(/\s+/g, ' '),
        description:
          `${l.entity} was added to OFAC's SDN List${l.validFrom ? ` on ${l.validFrom}` : ''}. ${l.note ?? ''}`.trim(),
        url: l.reference ?? 'https://sanctionssearch.ofac.treas.gov/',
      }
    : {
        category: 'sanctions',
        name: `SANCTIONS: ${l.source} ${l.entity} ${l.validFrom ?? ''} ${l.address}`.replace(/\s+/g, ' '),
        description: `${l.entity} is sanctioned according to ${l.source}. ${l.note ?? ''}`.trim(),
        url: l.reference ?? '',
      }
}

/** `GET /api/v1/address/{address}` after authentication: the Chainalysis-shaped answer (cached per warm state). */
export function chainalysisAnswer(ctx: ServerContext, address: string): CachedAnswer {
  const s = ctx.screener
  const key = `g${address}`
  const hit = getAnswer(s, key)
  if (hit) return hit
  const r = s.screen(address)
  if (isScreenError(r)) {
    return putAnswer(s, key, {
      res: errorResponse(400, 'invalid_address', `invalid address: ${r.error}`),
      screened: NONE,
    })
  }
  const identifications = s.sanctionsOf(r.canonical).map(identification)
  return putAnswer(s, key, { res: { status: 200, body: JSON.stringify({ identifications }) }, screened: [r] })
}

/** `POST /public/v1/sanctions/screening` after authentication, from the body text: the TRM-shaped answer. */
export function trmAnswer(ctx: ServerContext, text: string): ApiResponse {
  const s = ctx.screener
  const key = `t${text}`
  const hit = getAnswer(s, key)
  if (hit) return hit.res
  return putAnswer(s, key, { res: computeTrm(ctx, text), screened: NONE }).res
}

function computeTrm(ctx: ServerContext, text: string): ApiResponse {
  const body = parseJsonBody(text)
  if (!body.ok) return body.res
  const items = body.value
  if (!Array.isArray(items)) return errorResponse(400, 'bad_request', 'body must be a JSON array of {"address": "…"}')
  if (items.length === 0) return errorResponse(400, 'bad_request', 'body must list at least one address')
  if (items.length > ctx.limits.maxBatch) {
    return errorResponse(400, 'batch_too_large', `at most ${ctx.limits.maxBatch} addresses per request`)
  }
  const out: { address: string; isSanctioned: boolean }[] = []
  for (let i = 0; i < items.length; i++) {
    const it = items[i] as { address?: unknown } | null
    const a = it && typeof it === 'object' ? it.address : undefined
    if (typeof a !== 'string') return errorResponse(400, 'bad_request', `item ${i}: expected {"address": "<string>"}`)
    const chk = checkAddress(a)
    const known = ctx.screener.index.lookup(a).length > 0
    if (!chk.ok && !known) return errorResponse(400, 'invalid_address', `item ${i}: invalid address: ${chk.reason}`)
    out.push({ address: a, isSanctioned: ctx.screener.sanctionsOf(a).length > 0 })
  }
  return { status: 201, body: JSON.stringify(out) }
}

export const sanctionsFacades: RouteModule = {
  name: 'sanctions-facades',
  register(app, ctx) {
    app.get('/api/v1/address/:address', authenticate(ctx, 'required'), (c) => {
      const a = chainalysisAnswer(ctx, c.req.param('address'))
      return sendHono(c, reportScreened(ctx, a, c.get('apiKey')?.keyId ?? null))
    })

    app.post('/public/v1/sanctions/screening', authenticate(ctx, 'optional'), async (c) => {
      const t = await readBodyText(c)
      return sendHono(c, t.ok ? trmAnswer(ctx, t.text) : t.res)
    })
  },
  openapi: {
    '/api/v1/address/{address}': {
      get: {
        summary: 'Chainalysis-compatible sanctions check of one address (OFAC SDN)',
        security: [{ apiKey: [] }],
        parameters: [{ name: 'address', in: 'path', required: true, schema: { type: 'string', maxLength: 128 } }],
        responses: {
          '200': {
            description: 'identifications (empty when not sanctioned)',
            content: { 'application/json': { schema: { $ref: '#/components/schemas/ChainalysisResponse' } } },
          },
          '400': { $ref: '#/components/responses/Error' },
          '401': { $ref: '#/components/responses/Error' },
          '403': { $ref: '#/components/responses/Error' },
          '429': { $ref: '#/components/responses/Error' },
        },
      },
    },
    '/public/v1/sanctions/screening': {
      post: {
        summary: 'TRM-compatible batch sanctions check (OFAC SDN)',
        security: [{}, { basic: [] }],
        requestBody: {
          required: true,
          content: {
            'application/json': {
              schema: {
                type: 'array',
                minItems: 1,
                maxItems: 1000,
                items: { type: 'object', required: ['address'], properties: { address: { type: 'string' } } },
              },
            },
          },
        },
        responses: {
          '201': {
            description: 'one entry per request item, in order',
            content: {
              'application/json': {
                schema: {
                  type: 'array',
                  items: {
                    type: 'object',
                    properties: { address: { type: 'string' }, isSanctioned: { type: 'boolean' } },
                  },
                },
              },
            },
          },
          '400': { $ref: '#/components/responses/Error' },
          '403': { $ref: '#/components/responses/Error' },
          '413': { $ref: '#/components/responses/Error' },
          '429': { $ref: '#/components/responses/Error' },
        },
      },
    },
  },
}
