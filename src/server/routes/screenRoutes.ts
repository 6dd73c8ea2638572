/**
 * The native screening API: `POST /v1/screen` with `{"address"}`, `{"addresses": [...]}` (≤ 1,000) or
 * `{"transaction": "<txid>"}` → risk level, categories, labels with provenance, exposure breakdown with paths,
 * policy and data version. Amounts are integers in base units (satoshi). Needs a key with the read right.
 * @module
 */
import { riskLevels } from '../../risk/riskLevel.js'
import { isScreenError, type ScreenResult } from '../../risk/Screener.js'
import { authenticate } from '../auth.js'
import { apiError, type RouteModule } from '../context.js'
import { readJsonBody } from '../readJsonBody.js'

const TXID = /^[0-9a-fA-F]{64}$/

export const screenRoutes: RouteModule = {
  name: 'screen',
  register(app, ctx) {
    app.post('/v1/screen', authenticate(ctx, 'required'), async (c) => {
      const body = await readJsonBody(c)
      if (!body.ok) return body.res
      const v = body.value as Record<string, unknown> | null
      if (!v || typeof v !== 'object' || Array.isArray(v)) {
        return apiError(
          c,
          400,
          'bad_request',
          'body must be an object: {"address"}, {"addresses": [...]} or {"transaction"}',
        )
      }
      const keyId = c.get('apiKey')?.keyId ?? null
      // labels above the key's TLP ceiling are invisible to it (own labels and exposure alike)
      const maxTlp = c.get('apiKey')?.maxTlp ?? 'clear'
      const s = ctx.screener
      const common = { dataVersion: s.dataVersion, units: 'satoshi' }
      if (v.transaction !== undefined) {
        const txid = v.transaction
        if (typeof txid !== 'string' || !TXID.test(txid)) {
          return apiError(c, 400, 'invalid_txid', 'transaction must be a 64-hex-digit txid')
        }
        const g = s.graph
        const t = g ? g.names.txIndex(txid.toLowerCase()) : -1
        if (!g || t < 0) return apiError(c, 404, 'not_found', 'transaction not in the loaded chain data')
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
        for (const r of [...inputs, ...outputs]) {
          if (r && !isScreenError(r)) {
            worst = Math.max(worst, riskLevels.indexOf(r.risk))
            ctx.onScreened?.(r, keyId)
          }
        }
        return c.json({
          ...common,
          transaction: { txid: txid.toLowerCase(), risk: riskLevels[worst], inputs, outputs },
        })
      }
      let list: unknown[]
      if (v.addresses !== undefined) {
        if (!Array.isArray(v.addresses)) return apiError(c, 400, 'bad_request', 'addresses must be an array of strings')
        list = v.addresses
      } else if (v.address !== undefined) list = [v.address]
      else return apiError(c, 400, 'bad_request', 'body must have "address", "addresses" or "transaction"')
      if (list.length === 0) return apiError(c, 400, 'bad_request', 'addresses is empty')
      if (list.length > ctx.limits.maxBatch) {
        return apiError(c, 400, 'batch_too_large', `at most ${ctx.limits.maxBatch} addresses per request`)
      }
      const results: ScreenResult[] = []
      for (let i = 0; i < list.length; i++) {
        const r = s.screen(list[i], maxTlp, { cluster: v.cluster === true })
        if (isScreenError(r)) return apiError(c, 400, 'invalid_address', `addresses[${i}]: invalid address: ${r.error}`)
        results.push(r)
      }
      for (const r of results) ctx.onScreened?.(r, keyId)
      return c.json({ ...common, results })
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
