/**
 * TAXII 2.1 on `hound serve` (a RouteModule): discovery `/taxii2/`, API root `/taxii2/api/`, collections per
 * audience (TLP level) plus an inbox, objects (GET with `added_after`, `limit`/`next`, `match[id|type|version|
 * spec_version]`; POST envelopes → 202 status; DELETE of an object from the inbox), manifest, object, object
 * versions, status (kept in the collection store); media type
 * `application/taxii+json;version=2.1`, `X-TAXII-Date-Added-First/Last`, errors as TAXII error resources.
 *
 * Authentication: HTTP Basic with user = the institution's key name and password = its API key (the TAXII
 * baseline), or the `X-API-Key` / `Authorization: Bearer` key. Missing or bad credentials → 401; a key without
 * read (write) right, or below a collection's TLP → 403. TLP:RED never leaves; each object is filtered by the
 * key's `maxTlp` on the way out as well.
 * @module
 */
import { randomUUID } from 'node:crypto'
import type { Context, MiddlewareHandler } from 'hono'
import type { Tlp } from '../core/model.js'
import type { ApiKeyRecord } from '../server/apiKeys.js'
import type { App, RouteModule, ServerContext, ServerEnv } from '../server/context.js'
import type { HoundStore } from '../store/HoundStore.js'
import { ensureShareSchema } from '../store/shareSchema.js'
import { importStixObjects } from './importStix.js'
import { type StixObject, tlpAllowed } from './markings.js'
import { COLLECTIONS, micros, type Page, type PageQuery, type TaxiiCollections } from './TaxiiCollections.js'
import { validateStixObject } from './validateStix.js'

export const TAXII_MEDIA = 'application/taxii+json;version=2.1'
export const STIX_MEDIA = 'application/stix+json;version=2.1'
const API = '/taxii2/api'
const MAX_PAGE = 10_000

export type TaxiiOptions = {
  readonly collections: TaxiiCollections
  readonly title?: string
  /** Opens the store for a write (POSTed objects are stored and imported as labels); null: memory only. */
  readonly withStore?: (<T>(fn: (s: HoundStore) => Promise<T>) => Promise<T>) | null
  /** Called after posted objects were imported (the server reloads its screener). */
  readonly onImported?: () => Promise<void> | void
}

function taxiiError(
  c: Context,
  status: 400 | 401 | 403 | 404 | 406 | 413 | 415 | 422,
  title: string,
  description?: string,
) {
  return c.body(
    JSON.stringify({ title, ...(description ? { description } : {}), http_status: String(status) }),
    status,
    {
      'content-type': TAXII_MEDIA,
    },
  )
}

const json = (c: Context, v: unknown, status: 200 | 202 = 200, headers: Record<string, string> = {}) =>
  c.body(JSON.stringify(v), status, { 'content-type': TAXII_MEDIA, ...headers })

/** The key of a request: Basic user:key (user must be the key's name), X-API-Key, or Bearer. */
export function taxiiKey(ctx: ServerContext, h: (n: string) => string | undefined): ApiKeyRecord | null | 'missing' {
  const x = h('x-api-key')
  const auth = h('authorization')
  if (x) return ctx.keys.verify(x.trim())
  if (!auth) return 'missing'
  const [scheme, value] = auth.split(' ', 2)
  if (!value) return null
  if (scheme?.toLowerCase() === 'bearer') return ctx.keys.verify(value.trim())
  if (scheme?.toLowerCase() !== 'basic') return null
  const dec = Buffer.from(value.trim(), 'base64').toString('utf8')
  const i = dec.indexOf(':')
  if (i < 0) return null
  const rec = ctx.keys.verify(dec.slice(i + 1))
  return rec && rec.name.toLowerCase() === dec.slice(0, i).toLowerCase() ? rec : null
}

function auth(ctx: ServerContext): MiddlewareHandler<ServerEnv> {
  return async (c, next) => {
    const accept = c.req.header('accept')
    if (accept && !/application\/taxii\+json|\*\/\*/.test(accept))
      return taxiiError(c, 406, 'Not Acceptable', `use Accept: ${TAXII_MEDIA}`)
    if (/version=(?!2\.1)/.test(accept ?? '')) return taxiiError(c, 406, 'Not Acceptable', 'only TAXII 2.1 is served')
    const k = taxiiKey(ctx, (n) => c.req.header(n))
    if (k === 'missing' || k === null) {
      c.header('WWW-Authenticate', 'Basic realm="hound-taxii", charset="UTF-8"')
      return taxiiError(
        c,
        401,
        'Unauthorized',
        k === 'missing' ? 'credentials required (Basic institution:key)' : 'bad credentials',
      )
    }
    const wait = ctx.limiter.take(`key:${k.keyId}`, k.ratePerSec, k.burst)
    if (wait > 0) {
      c.header('Retry-After', String(Math.ceil(wait)))
      return c.body(JSON.stringify({ title: 'Too Many Requests', http_status: '429' }), 429, {
        'content-type': TAXII_MEDIA,
      })
    }
    c.set('apiKey', k)
    return next()
  }
}

const canRead = (k: ApiKeyRecord, tlp: Tlp | null) => k.canRead && tlp !== null && tlpAllowed(tlp, k.maxTlp)
const canWrite = (k: ApiKeyRecord, writable: boolean) => k.canWrite && writable

function collectionResource(col: (typeof COLLECTIONS)[number], k: ApiKeyRecord) {
  return {
    id: col.id,
    title: col.title,
    alias: col.alias,
    can_read: canRead(k, col.tlp),
    can_write: canWrite(k, col.writable),
    media_types: [STIX_MEDIA],
  }
}

const BAD_VERSIONS = 'match[version] must be last, first, all or timestamps'
/** Whether some match[version] value is neither last, first, all nor a timestamp. */
const badVersions = (vs: readonly string[]) =>
  vs.some((v) => v !== 'last' && v !== 'first' && v !== 'all' && Number.isNaN(micros(v)))

/**
 * The TAXII filters of a request (match[id|type|version|spec_version], added_after, limit, next) as a PageQuery,
 * or the problem as a string.
 */
function pageQuery(c: Context, maxTlp: Tlp, withJson: boolean, fixedId?: string): PageQuery | string {
  const q = (n: string) => c.req.query(n)
  const list = (n: string) => q(n)?.split(',')
  const lim = q('limit') === undefined ? MAX_PAGE : Number(q('limit'))
  if (!Number.isInteger(lim) || lim < 1) return 'limit must be a positive integer'
  let after: number | undefined
  const aa = q('added_after')
  if (aa !== undefined) {
    after = micros(aa)
    if (Number.isNaN(after)) return 'added_after is not a timestamp'
  }
  const next = q('next')
  if (next !== undefined) {
    const [da, id] = Buffer.from(next, 'base64url').toString('utf8').split('|')
    if (!da || !id || Number.isNaN(micros(da))) return 'bad next token'
    after = Math.max(after ?? 0, micros(da))
  }
  const versions = list('match[version]') ?? ['last']
  if (badVersions(versions)) return BAD_VERSIONS
  const ids = fixedId ? [fixedId] : list('match[id]')
  const types = list('match[type]')
  const specVersions = list('match[spec_version]')
  for (const l of [ids, types, specVersions, versions]) if (l && l.length > 1000) return 'too many match values'
  return {
    maxTlp,
    limit: Math.min(lim, MAX_PAGE),
    withJson,
    versions,
    ...(after !== undefined ? { afterMicros: after } : {}),
    ...(ids ? { ids } : {}),
    ...(types ? { types } : {}),
    ...(specVersions ? { specVersions } : {}),
  }
}

const nextToken = (p: Page) => {
  const last = p.items[p.items.length - 1]
  return p.more && last ? Buffer.from(`${last.dateAdded}|${last.id}`).toString('base64url') : undefined
}

/** An objects envelope of a page, assembled from the stored JSON text without re-parsing it. */
const objectsEnvelope = (c: Context, p: Page) => {
  const next = nextToken(p)
  return c.body(
    `{"more":${p.more}${next ? `,"next":"${next}"` : ''},"objects":[${p.items.map((e) => e.json).join(',')}]}`,
    200,
    { 'content-type': TAXII_MEDIA, ...pageHeaders(p) },
  )
}

function pageHeaders(p: Page): Record<string, string> {
  const f = p.items[0]
  const l = p.items[p.items.length - 1]
  return f && l ? { 'X-TAXII-Date-Added-First': f.dateAdded, 'X-TAXII-Date-Added-Last': l.dateAdded } : {}
}

/** The TAXII route module. */
export function taxiiRoutes(o: TaxiiOptions): RouteModule {
  return {
    name: 'taxii',
    openapi: {
      '/taxii2/': { get: { summary: 'TAXII 2.1 discovery (docs/API.md#taxii-21)' } },
      '/taxii2/api/collections/{id}/objects/': {
        get: { summary: 'TAXII objects' },
        post: { summary: 'TAXII add objects' },
      },
    },
    register(app: App, ctx: ServerContext) {
      const a = auth(ctx)
      const col = (c: Context) => COLLECTIONS.find((x) => x.id === c.req.param('cid') || x.alias === c.req.param('cid'))
      app.get('/taxii2/', a, (c) => {
        const base = new URL(c.req.url)
        return json(c, {
          title: o.title ?? 'Ledgerhound TAXII 2.1',
          description: 'Laundering-address intelligence (STIX 2.1, cryptocurrency-wallet SCO)',
          default: `${base.origin}${API}/`,
          api_roots: [`${base.origin}${API}/`],
        })
      })
      app.get(`${API}/`, a, (c) =>
        json(c, {
          title: o.title ?? 'Ledgerhound',
          versions: [TAXII_MEDIA],
          max_content_length: ctx.limits.maxBodyBytes,
        }),
      )
      app.get(`${API}/status/:sid/`, a, async (c) => {
        const s = await o.collections.status(c.req.param('sid'))
        return s ? json(c, s) : taxiiError(c, 404, 'Not Found', 'no such status')
      })
      app.get(`${API}/collections/`, a, (c) => {
        const k = c.get('apiKey')!
        return json(c, {
          collections: COLLECTIONS.filter((x) => canRead(k, x.tlp) || canWrite(k, x.writable)).map((x) =>
            collectionResource(x, k),
          ),
        })
      })
      const readable = (c: Context) => {
        const x = col(c)
        const k = c.get('apiKey') as ApiKeyRecord
        if (!x) return { err: taxiiError(c, 404, 'Not Found', 'no such collection') }
        if (!canRead(k, x.tlp)) return { err: taxiiError(c, 403, 'Forbidden', 'this key may not read this collection') }
        return { x, k }
      }
      app.get(`${API}/collections/:cid/`, a, (c) => {
        const x = col(c)
        const k = c.get('apiKey')!
        if (!x) return taxiiError(c, 404, 'Not Found', 'no such collection')
        if (!canRead(k, x.tlp) && !canWrite(k, x.writable))
          return taxiiError(c, 403, 'Forbidden', 'no access to this collection')
        return json(c, collectionResource(x, k))
      })
      app.get(`${API}/collections/:cid/objects/`, a, async (c) => {
        const r = readable(c)
        if (r.err) return r.err
        const q = pageQuery(c, r.k.maxTlp, true)
        if (typeof q === 'string') return taxiiError(c, 400, 'Bad Request', q)
        return objectsEnvelope(c, await o.collections.page(r.x.id, q))
      })
      app.get(`${API}/collections/:cid/manifest/`, a, async (c) => {
        const r = readable(c)
        if (r.err) return r.err
        const q = pageQuery(c, r.k.maxTlp, false)
        if (typeof q === 'string') return taxiiError(c, 400, 'Bad Request', q)
        const p = await o.collections.page(r.x.id, q)
        const next = nextToken(p)
        return json(
          c,
          {
            more: p.more,
            ...(next ? { next } : {}),
            objects: p.items.map((e) => ({
              id: e.id,
              date_added: e.dateAdded,
              version: e.version,
              media_type: STIX_MEDIA,
            })),
          },
          200,
          pageHeaders(p),
        )
      })
      app.get(`${API}/collections/:cid/objects/:oid/`, a, async (c) => {
        const r = readable(c)
        if (r.err) return r.err
        const q = pageQuery(c, r.k.maxTlp, true, c.req.param('oid'))
        if (typeof q === 'string') return taxiiError(c, 400, 'Bad Request', q)
        const p = await o.collections.page(r.x.id, q)
        if (p.items.length === 0) return taxiiError(c, 404, 'Not Found', 'no such object')
        return objectsEnvelope(c, p)
      })
      app.get(`${API}/collections/:cid/objects/:oid/versions/`, a, async (c) => {
        const r = readable(c)
        if (r.err) return r.err
        const list = await o.collections.versions(r.x.id, c.req.param('oid'), r.k.maxTlp)
        if (list.length === 0) return taxiiError(c, 404, 'Not Found', 'no such object')
        const versions = list.map((e) => e.version)
        return json(c, { more: false, versions }, 200, pageHeaders({ items: list, more: false }))
      })
      // TAXII 2.1 §5.7: delete an object (all versions, or those given by match[version]/match[spec_version]) from a
      // collection the key may write to. The audience collections mirror our export (not writable): only the inbox.
      app.delete(`${API}/collections/:cid/objects/:oid/`, a, async (c) => {
        const x = col(c)
        const k = c.get('apiKey')!
        if (!x) return taxiiError(c, 404, 'Not Found', 'no such collection')
        if (!canWrite(k, x.writable))
          return taxiiError(c, 403, 'Forbidden', 'this key may not delete from this collection')
        const versions = c.req.query('match[version]')?.split(',')
        if (versions && badVersions(versions)) return taxiiError(c, 400, 'Bad Request', BAD_VERSIONS)
        const specVersions = c.req.query('match[spec_version]')?.split(',')
        const n = await o.collections.remove(x.id, c.req.param('oid'), {
          ...(versions ? { versions } : {}),
          ...(specVersions ? { specVersions } : {}),
        })
        if (n === 0) return taxiiError(c, 404, 'Not Found', 'no such object')
        return c.body(null, 200)
      })
      app.post(`${API}/collections/:cid/objects/`, a, async (c) => {
        const x = col(c)
        const k = c.get('apiKey')!
        if (!x) return taxiiError(c, 404, 'Not Found', 'no such collection')
        if (!canWrite(k, x.writable))
          return taxiiError(c, 403, 'Forbidden', 'this key may not write to this collection')
        if (!/^application\/taxii\+json/.test(c.req.header('content-type') ?? ''))
          return taxiiError(c, 415, 'Unsupported Media Type', `use Content-Type: ${TAXII_MEDIA}`)
        let body: unknown
        try {
          body = await c.req.json()
        } catch {
          return taxiiError(c, 400, 'Bad Request', 'body is not JSON')
        }
        const env = body as { type?: unknown; objects?: unknown }
        if (!env || typeof env !== 'object' || env.type === 'bundle' || !Array.isArray(env.objects))
          return taxiiError(
            c,
            422,
            'Unprocessable Entity',
            'the body must be a TAXII envelope {"objects": [...]} (not a bundle)',
          )
        const requestTs = new Date().toISOString().replace('Z', '000Z')
        const successes: { id: string; version: string }[] = []
        const failures: { id: string; version?: string; message: string }[] = []
        const accepted: StixObject[] = []
        for (const ob of env.objects as unknown[]) {
          const p = validateStixObject(ob)
          const so = ob as StixObject
          if (p.length) failures.push({ id: typeof so?.id === 'string' ? so.id : '', message: p.join('; ') })
          else accepted.push(so)
        }
        const versions = await o.collections.add(x.id, accepted)
        const ok: StixObject[] = []
        accepted.forEach((so, i) => {
          const v = versions[i]
          if (v === null || v === undefined) failures.push({ id: so.id, message: 'TLP:RED objects are not accepted' })
          else {
            successes.push({ id: so.id, version: v || requestTs })
            ok.push(so)
          }
        })
        if (o.withStore && ok.length) {
          await o.withStore(async (s) => {
            await ensureShareSchema(s)
            for (const so of ok)
              await s.run('INSERT INTO share_taxii_objects VALUES (?, ?, ?, ?, ?, ?, ?, ?)', [
                x.id,
                so.id,
                so.type,
                String(so.modified ?? so.created ?? ''),
                String(so.spec_version ?? '2.1'),
                requestTs,
                'clear',
                JSON.stringify(so),
              ])
            await importStixObjects(s, () => ok, `taxii:${k.name}`, { defaultInstitution: k.name })
          })
          await o.onImported?.()
        }
        const status = {
          id: randomUUID(),
          status: 'complete',
          request_timestamp: requestTs,
          total_count: successes.length + failures.length,
          success_count: successes.length,
          failure_count: failures.length,
          pending_count: 0,
          successes,
          failures,
        }
        await o.collections.saveStatus(status)
        return json(c, status, 202)
      })
    },
  }
}
