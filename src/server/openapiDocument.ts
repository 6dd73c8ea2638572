/**
 * The OpenAPI 3.1 document served at `/openapi.json`, assembled from the route modules' `openapi` paths.
 * @module
 */
import type { RouteModule } from './context.js'

export function openapiDocument(modules: readonly RouteModule[]): Record<string, unknown> {
  const paths: Record<string, unknown> = {
    '/openapi.json': { get: { summary: 'This document', responses: { '200': { description: 'OpenAPI 3.1' } } } },
    '/healthz': { get: { summary: 'Liveness and data version', responses: { '200': { description: 'ok' } } } },
  }
  for (const m of modules) Object.assign(paths, m.openapi ?? {})
  return {
    openapi: '3.1.0',
    info: {
      title: 'Ledgerhound screening API',
      version: '1',
      description:
        'Sanctions and exposure screening. Amounts are integers in base units (satoshi for Bitcoin). Exposure follows ' +
        "Ledgerhound's documented convention (heuristics.md §7.2), not a vendor method. Errors are " +
        '{"error":{"code","message"}}.',
    },
    paths,
    components: {
      securitySchemes: {
        apiKey: { type: 'apiKey', in: 'header', name: 'X-API-Key' },
        basic: { type: 'http', scheme: 'basic', description: 'base64(<key>:<key>)' },
        bearer: { type: 'http', scheme: 'bearer' },
      },
      responses: {
        Error: {
          description: 'error',
          content: {
            'application/json': {
              schema: {
                type: 'object',
                required: ['error'],
                properties: {
                  error: {
                    type: 'object',
                    required: ['code', 'message'],
                    properties: { code: { type: 'string' }, message: { type: 'string' } },
                  },
                },
              },
            },
          },
        },
      },
      schemas: {
        ChainalysisResponse: {
          type: 'object',
          required: ['identifications'],
          properties: {
            identifications: {
              type: 'array',
              items: {
                type: 'object',
                properties: {
                  category: { type: 'string', const: 'sanctions' },
                  name: { type: 'string' },
                  description: { type: 'string' },
                  url: { type: 'string' },
                },
              },
            },
          },
        },
        DataVersion: {
          type: 'object',
          properties: {
            intel: { type: 'integer' },
            tipHeight: { type: ['integer', 'null'] },
            chain: { type: ['string', 'null'] },
          },
        },
        ScreenResult: {
          type: 'object',
          properties: {
            address: { type: 'string' },
            canonical: { type: 'string' },
            risk: { enum: ['none', 'low', 'medium', 'high', 'severe'] },
            reasons: { type: 'array', items: { type: 'string' } },
            categories: { type: 'array', items: { type: 'string' } },
            sanctioned: { type: 'boolean' },
            labels: { type: 'array', items: { type: 'object' } },
            exposure: { type: ['object', 'null'] },
            policy: { type: 'string' },
            dataVersion: { $ref: '#/components/schemas/DataVersion' },
            resultHash: { type: 'string' },
          },
        },
        ScreenResponse: {
          type: 'object',
          properties: {
            dataVersion: { $ref: '#/components/schemas/DataVersion' },
            units: { type: 'string', const: 'satoshi' },
            results: { type: 'array', items: { $ref: '#/components/schemas/ScreenResult' } },
            transaction: { type: 'object' },
          },
        },
      },
    },
  }
}
