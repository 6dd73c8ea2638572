/**
 * A TAXII 2.1 client tolerant of the known server differences (sharing.md §2.6): relative `api_roots` are resolved
 * against the discovery URL; `next` is opaque (UUID, base64, anything); with `more` and no `next` it continues from
 * `X-TAXII-Date-Added-Last`; timestamps of any precision are passed through, never compared as strings; error
 * bodies in the spec shape (`title`, `description`) and OpenTAXII's (`name`, `description[]`) are both read.
 * Authenticates with HTTP Basic (institution name : API key).
 * @module
 */
import { SourceError } from '../core/errors.js'
import type { StixObject } from './markings.js'

export const TAXII_ACCEPT = 'application/taxii+json;version=2.1'

export type TaxiiCollectionResource = {
  id: string
  title?: string
  alias?: string
  can_read: boolean
  can_write: boolean
  media_types?: string[]
}

export type TaxiiPage = { objects: StixObject[]; more: boolean; next: string | null; dateAddedLast: string | null }

export class TaxiiClient {
  private readonly auth: string

  constructor(
    readonly discoveryUrl: string,
    user: string,
    key: string,
    private readonly fetchImpl: typeof fetch = fetch,
  ) {
    this.auth = `Basic ${Buffer.from(`${user}:${key}`).toString('base64')}`
  }

  /** GET/POST with TAXII headers; throws SourceError (with `status`) on non-2xx, the message taken from the body. */
  async request(
    url: string,
    init: { method?: string; body?: unknown } = {},
  ): Promise<{ body: unknown; headers: Headers }> {
    const res = await this.fetchImpl(url, {
      method: init.method ?? 'GET',
      headers: {
        accept: TAXII_ACCEPT,
        authorization: this.auth,
        ...(init.body !== undefined ? { 'content-type': TAXII_ACCEPT } : {}),
      },
      ...(init.body !== undefined ? { body: JSON.stringify(init.body) } : {}),
    })
    const text = await res.text()
    let body: unknown = null
    try {
      body = text ? JSON.parse(text) : null
    } catch {
      body = text
    }
    if (!res.ok) {
      throw new SourceError(`TAXII ${init.method ?? 'GET'} ${url}: HTTP ${res.status}: ${errorMessage(body)}`, {
        details: { url, status: res.status },
      })
    }
    return { body, headers: res.headers }
  }

  /** API roots, absolute (relative ones resolved against the discovery URL). Default first. */
  async apiRoots(): Promise<string[]> {
    const { body } = await this.request(this.discoveryUrl)
    const d = body as { default?: string; api_roots?: string[] }
    const roots = [...(d.default ? [d.default] : []), ...(d.api_roots ?? [])].map((r) =>
      slash(new URL(r, this.discoveryUrl).href),
    )
    return [...new Set(roots)]
  }

  async collections(apiRoot: string): Promise<TaxiiCollectionResource[]> {
    const { body } = await this.request(`${slash(apiRoot)}collections/`)
    return ((body as { collections?: TaxiiCollectionResource[] }).collections ?? []) as TaxiiCollectionResource[]
  }

  /** One objects page. */
  async page(
    apiRoot: string,
    collection: string,
    q: { addedAfter?: string | null; next?: string | null; limit?: number },
  ): Promise<TaxiiPage> {
    const u = new URL(`${slash(apiRoot)}collections/${encodeURIComponent(collection)}/objects/`)
    if (q.limit) u.searchParams.set('limit', String(q.limit))
    if (q.next) u.searchParams.set('next', q.next)
    else if (q.addedAfter) u.searchParams.set('added_after', q.addedAfter)
    const { body, headers } = await this.request(u.href)
    const b = (body ?? {}) as { objects?: StixObject[]; more?: boolean; next?: string }
    return {
      objects: b.objects ?? [],
      more: b.more === true,
      next: typeof b.next === 'string' && b.next ? b.next : null,
      dateAddedLast: headers.get('x-taxii-date-added-last'),
    }
  }

  /** Every page from `addedAfter` on; `onPage` runs after each (persist the resume point there). */
  async *pages(
    apiRoot: string,
    collection: string,
    o: { addedAfter?: string | null; limit?: number } = {},
  ): AsyncGenerator<TaxiiPage> {
    let addedAfter = o.addedAfter ?? null
    let next: string | null = null
    for (;;) {
      const p = await this.page(apiRoot, collection, { addedAfter, next, ...(o.limit ? { limit: o.limit } : {}) })
      yield p
      if (!p.more) return
      if (p.next) next = p.next
      else if (p.dateAddedLast && p.dateAddedLast !== addedAfter) {
        next = null
        addedAfter = p.dateAddedLast
      } else return // a server that says "more" without a way forward: stop rather than loop
    }
  }

  /** POST an envelope; returns the status resource. */
  async add(apiRoot: string, collection: string, objects: readonly StixObject[]): Promise<Record<string, unknown>> {
    const { body } = await this.request(`${slash(apiRoot)}collections/${encodeURIComponent(collection)}/objects/`, {
      method: 'POST',
      body: { objects },
    })
    return body as Record<string, unknown>
  }
}

function slash(u: string): string {
  return u.endsWith('/') ? u : `${u}/`
}

/** The message of an error body: spec `{title, description}`, OpenTAXII `{name, description: [...]}`, or text. */
export function errorMessage(body: unknown): string {
  if (typeof body === 'string') return body.slice(0, 300)
  if (!body || typeof body !== 'object') return 'no body'
  const b = body as Record<string, unknown>
  const desc = Array.isArray(b.description) ? b.description.join('; ') : b.description
  const title = b.title ?? b.name ?? (b.error as { message?: string } | undefined)?.message
  return [title, desc].filter((x) => typeof x === 'string' && x).join(': ') || JSON.stringify(body).slice(0, 300)
}
