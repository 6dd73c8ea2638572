/**
 * `hound share pull|push`: exchange intelligence with a TAXII 2.1 peer.
 * - pull: reads the chosen collection (default: the most restricted audience collection the key may read), imports
 *   every page as it arrives (each page is one all-or-nothing import) and records `X-TAXII-Date-Added-Last` in
 *   `share_pull_state` after each page, so an interrupted pull resumes where it stopped.
 * - push: posts this institution's export (up to `maxTlp`, never RED) as envelopes to the first writable collection.
 * @module
 */
import { NotFoundError } from '../core/errors.js'
import type { Tlp } from '../core/model.js'
import type { HoundStore } from '../store/HoundStore.js'
import { ensureShareSchema } from '../store/shareSchema.js'
import { stixObjects } from './exportStix.js'
import { importStixObjects } from './importStix.js'
import type { StixObject } from './markings.js'
import { TaxiiClient } from './TaxiiClient.js'

export type PeerOptions = {
  readonly peer: string
  readonly user: string
  readonly key: string
  readonly collection?: string
  readonly limit?: number
  readonly fetchImpl?: typeof fetch
}

export type PullReport = {
  peer: string
  collection: string
  pages: number
  objects: number
  labelsAdded: number
  skipped: number
  resumedFrom: string | null
  addedAfter: string | null
}

async function pickCollection(c: TaxiiClient, root: string, want: string | undefined, mode: 'read' | 'write') {
  const cols = await c.collections(root)
  if (want) {
    const x = cols.find((k) => k.id === want || k.alias === want)
    if (!x)
      throw new NotFoundError(`peer has no collection ${want} visible to this key`, { details: { collection: want } })
    return x
  }
  const ok = cols.filter((k) => (mode === 'read' ? k.can_read : k.can_write))
  if (!ok.length) throw new NotFoundError(`no collection this key may ${mode} at ${root}`)
  const order = ['intel-clear', 'intel-green', 'intel-amber', 'intel-amber-strict']
  return mode === 'read' ? ok.sort((a, b) => order.indexOf(b.alias ?? '') - order.indexOf(a.alias ?? ''))[0]! : ok[0]!
}

export async function pullFromPeer(store: HoundStore, o: PeerOptions): Promise<PullReport> {
  await ensureShareSchema(store)
  const c = new TaxiiClient(o.peer, o.user, o.key, o.fetchImpl)
  const [root] = await c.apiRoots()
  if (!root) throw new NotFoundError(`peer ${o.peer} lists no API root`)
  const col = await pickCollection(c, root, o.collection, 'read')
  const st = await store.one<{ added_after: string | null }>(
    'SELECT added_after FROM share_pull_state WHERE peer = ? AND collection_id = ?',
    [o.peer, col.id],
  )
  const resumedFrom = st?.added_after ?? null
  let addedAfter = resumedFrom
  const identities = new Map<string, string>()
  const r: PullReport = {
    peer: o.peer,
    collection: col.id,
    pages: 0,
    objects: 0,
    labelsAdded: 0,
    skipped: 0,
    resumedFrom,
    addedAfter,
  }
  for await (const p of c.pages(root, col.id, { addedAfter, ...(o.limit ? { limit: o.limit } : {}) })) {
    r.pages++
    r.objects += p.objects.length
    if (p.objects.length) {
      const rep = await importStixObjects(store, () => p.objects, `taxii:${o.peer}`, {
        defaultInstitution: new URL(o.peer).host,
        identities,
      })
      r.labelsAdded += rep.labelsAdded
      r.skipped += rep.skippedCount
    }
    if (p.dateAddedLast) {
      addedAfter = p.dateAddedLast
      await store.run('DELETE FROM share_pull_state WHERE peer = ? AND collection_id = ?', [o.peer, col.id])
      await store.run('INSERT INTO share_pull_state VALUES (?, ?, ?, NULL, ?)', [
        o.peer,
        col.id,
        addedAfter,
        new Date().toISOString(),
      ])
    }
  }
  r.addedAfter = addedAfter
  return r
}

export async function pushToPeer(
  store: HoundStore,
  o: PeerOptions & { institution: string; maxTlp?: Tlp; batch?: number; incidentId?: number },
): Promise<{ collection: string; posted: number; succeeded: number; failed: number }> {
  const c = new TaxiiClient(o.peer, o.user, o.key, o.fetchImpl)
  const [root] = await c.apiRoots()
  if (!root) throw new NotFoundError(`peer ${o.peer} lists no API root`)
  const col = await pickCollection(c, root, o.collection, 'write')
  let batch: StixObject[] = []
  let size = 0
  const out = { collection: col.id, posted: 0, succeeded: 0, failed: 0 }
  const send = async () => {
    if (!batch.length) return
    const s = await c.add(root, col.id, batch)
    out.posted += batch.length
    out.succeeded += Number(s.success_count ?? 0)
    out.failed += Number(s.failure_count ?? 0)
    batch = []
    size = 0
  }
  for await (const x of stixObjects(store, {
    institution: o.institution,
    maxTlp: o.maxTlp ?? 'amber',
    ...(o.incidentId !== undefined ? { incidentId: o.incidentId } : {}),
  })) {
    const n = JSON.stringify(x).length
    if (batch.length >= (o.batch ?? 200) || size + n > 200_000) await send()
    batch.push(x)
    size += n
  }
  await send()
  return out
}

/**
 * `hound share match`: which of `addresses` are in the peer's stolen-funds set, by private set intersection
 * (src/share/psi.ts): the peer sees only blinded points, we see only keyed tags of its set.
 */
export async function matchWithPeer(
  o: Omit<PeerOptions, 'collection' | 'limit'> & { addresses: readonly string[] },
): Promise<{ matches: string[]; queried: number; peerSetSize: number }> {
  const { PsiClient } = await import('./psi.js')
  const c = new TaxiiClient(o.peer, o.user, o.key, o.fetchImpl)
  const [root] = await c.apiRoots()
  if (!root) throw new NotFoundError(`peer ${o.peer} lists no API root`)
  const psi = new PsiClient(o.addresses)
  const blinded = psi.blind()
  const evaluated: string[] = []
  let session: string | null = null
  let setSize = 0
  for (let i = 0; i < blinded.length || session === null; i += 2000) {
    const { body } = await c.request(`${root}psi/`, {
      method: 'POST',
      body: { blinded: blinded.slice(i, i + 2000), ...(session ? { session } : {}) },
    })
    const b = body as { session: string; evaluated: string[]; setSize: number }
    session = b.session
    setSize = b.setSize
    evaluated.push(...b.evaluated)
    if (blinded.length === 0) break
  }
  const tags = new Set<string>()
  for (let offset: number | undefined = 0; offset !== undefined; ) {
    const { body } = await c.request(`${root}psi/${session}/tags/?offset=${offset}`)
    const b = body as { tags: string[]; next?: number }
    for (const t of b.tags) tags.add(t)
    offset = b.next
  }
  return { matches: psi.intersect(evaluated, tags), queried: o.addresses.length, peerSetSize: setSize }
}
