/**
 * The private-matching endpoint beside TAXII (docs/API.md#private-matching): `POST /taxii2/api/psi/` with
 * `{"blinded": [hex…], "session"?: id}` (≤ 2,000 points per call; the first call opens a session, later calls
 * reuse it) → `{session, evaluated, setSize}`; `GET /taxii2/api/psi/{session}/tags/?offset=&limit=` → the sorted
 * 16-byte tags of this server's stolen-funds set under the session key. The set: addresses whose labels in force
 * (visible at the key's TLP ceiling, never RED) are stolen_funds, hacker, ransomware or sanctioned. Sessions expire
 * after 10 minutes. Needs the read right. Protocol and what each side learns: src/share/psi.ts, docs/sharing.md.
 * @module
 */
import { randomUUID } from 'node:crypto'
import type { Context } from 'hono'
import type { Tlp } from '../core/model.js'
import type { ApiKeyRecord } from '../server/apiKeys.js'
import type { App, RouteModule, ServerContext } from '../server/context.js'
import { tlpAllowed } from './markings.js'
import { PsiServerSession } from './psi.js'
import { TAXII_MEDIA, taxiiKey } from './taxiiRoutes.js'

export const PSI_CATEGORIES = new Set(['stolen_funds', 'hacker', 'ransomware', 'sanctioned'])
const MAX_BATCH = 2000
const TTL_MS = 10 * 60_000

/** The canonical addresses of the matchable set visible at `maxTlp`. */
export function psiSet(ctx: ServerContext, maxTlp: Tlp): string[] {
  const idx = ctx.screener.index
  const out: string[] = []
  for (const k of idx.keys())
    if (idx.lookupCanonical(k).some((l) => PSI_CATEGORIES.has(l.category) && tlpAllowed(l.tlp, maxTlp))) out.push(k)
  return out
}

type Session = {
  s: PsiServerSession
  keyId: string
  maxTlp: Tlp
  expires: number
  /** The set's tags, computed in the background from the session's start (they do not depend on the query). */
  tags: Promise<string[]>
  setSize: number
}

const err = (c: Context, status: 400 | 401 | 403 | 404, title: string) =>
  c.body(JSON.stringify({ title, http_status: String(status) }), status, { 'content-type': TAXII_MEDIA })

export function psiRoutes(): RouteModule {
  const sessions = new Map<string, Session>()
  const who = (c: Context, ctx: ServerContext): ApiKeyRecord | Response => {
    const k = taxiiKey(ctx, (n) => c.req.header(n))
    if (k === 'missing' || k === null) return err(c, 401, 'Unauthorized')
    if (!k.canRead) return err(c, 403, 'Forbidden')
    return k
  }
  return {
    name: 'psi',
    register(app: App, ctx: ServerContext) {
      app.post('/taxii2/api/psi/', async (c) => {
        const k = who(c, ctx)
        if (k instanceof Response) return k
        const now = Date.now()
        for (const [id, s] of sessions) if (s.expires < now) sessions.delete(id)
        let body: { blinded?: unknown; session?: unknown }
        try {
          body = await c.req.json()
        } catch {
          return err(c, 400, 'body is not JSON')
        }
        const b = body?.blinded
        if (
          !Array.isArray(b) ||
          b.length > MAX_BATCH ||
          !b.every((x) => typeof x === 'string' && /^[0-9a-f]{64}$/.test(x))
        )
          return err(c, 400, `blinded must be a list of at most ${MAX_BATCH} 32-byte hex points`)
        let id = typeof body.session === 'string' ? body.session : null
        let s = id ? sessions.get(id) : undefined
        if (id && (!s || s.keyId !== k.keyId)) return err(c, 404, 'no such session')
        if (!s) {
          id = randomUUID()
          const ps = new PsiServerSession()
          const set = psiSet(ctx, k.maxTlp)
          const tags = ps.tagsAsync(set)
          tags.catch(() => undefined)
          s = { s: ps, keyId: k.keyId, maxTlp: k.maxTlp, expires: now + TTL_MS, tags, setSize: set.length }
          sessions.set(id, s)
        }
        let evaluated: string[]
        try {
          evaluated = await s.s.evaluateAsync(b as string[])
        } catch {
          return err(c, 400, 'a blinded value is not a valid ristretto255 point')
        }
        return c.body(JSON.stringify({ session: id, evaluated, setSize: s.setSize }), 200, {
          'content-type': TAXII_MEDIA,
        })
      })
      app.get('/taxii2/api/psi/:sid/tags/', async (c) => {
        const k = who(c, ctx)
        if (k instanceof Response) return k
        const s = sessions.get(c.req.param('sid'))
        if (!s || s.keyId !== k.keyId || s.expires < Date.now()) return err(c, 404, 'no such session')
        const offset = Number(c.req.query('offset') ?? 0)
        const limit = Math.min(Number(c.req.query('limit') ?? 20_000), 20_000)
        if (!Number.isInteger(offset) || offset < 0 || !Number.isInteger(limit) || limit < 1)
          return err(c, 400, 'bad offset/limit')
        const all = await s.tags
        const tags = all.slice(offset, offset + limit)
        const more = offset + tags.length < all.length
        return c.body(JSON.stringify({ tags, more, ...(more ? { next: offset + tags.length } : {}) }), 200, {
          'content-type': TAXII_MEDIA,
        })
      })
    },
  }
}
