import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildUtxoGraph } from '../graph/buildUtxoGraph.js'
import type { UtxoGraph } from '../graph/UtxoGraph.js'
import { addIncident } from '../intel/addIncident.js'
import { LabelIndex } from '../intel/LabelIndex.js'
import { insertLabels, queryLabels } from '../intel/labels.js'
import { isScreenError, Screener, type ScreenResult } from '../risk/Screener.js'
import { ApiKeyRegistry, createApiKey } from '../server/apiKeys.js'
import { createApp, defaultRouteModules } from '../server/createApp.js'
import { type RunningServer, startServer } from '../server/startServer.js'
import { HoundStore } from '../store/HoundStore.js'
import { psiRoutes } from './psiRoutes.js'
import { matchWithPeer, pullFromPeer, pushToPeer } from './sharePeer.js'
import { TaxiiClient } from './TaxiiClient.js'
import { COLLECTIONS, TaxiiCollections } from './TaxiiCollections.js'
import { TAXII_MEDIA, taxiiRoutes } from './taxiiRoutes.js'

// real-format Bitcoin addresses (from the OFAC XBT list, used here only as strings on a synthetic chain)
const THIEF = '123WBUDmSJv4GctdVEz6Qq6z8nXSKrJ4KX'
const HOP1 = '125W5ek3DT6Zqy5S2iPt4FHQdNMCbZA3FU'
const DEPOSIT = '1295rkVyNfFpqZpXvKGhDqwhP1jZcNNDMV'
const SECRET = '129zKFLoVad9JtxSmDKeJoLCsjhGR7b3vr'

type Instance = { store: HoundStore; server: RunningServer; keys: Record<string, string>; taxii: TaxiiCollections }

async function instance(
  store: HoundStore,
  graph: UtxoGraph,
  name: string,
  keySpecs: Parameters<typeof createApiKey>[1][],
) {
  const keys: Record<string, string> = {}
  for (const k of keySpecs) keys[k.name] = (await createApiKey(store, k)).key
  const taxii = await TaxiiCollections.open(':memory:')
  await taxii.load(store, name)
  const screener = new Screener({ index: await LabelIndex.load(store), graph, tipHeight: 3 })
  let chain = Promise.resolve()
  const { app, ctx } = createApp({
    screener,
    keys: await ApiKeyRegistry.load(store),
    store,
    modules: [
      ...defaultRouteModules,
      psiRoutes(),
      taxiiRoutes({
        collections: taxii,
        title: name,
        withStore: (fn) => {
          const r = chain.then(() => fn(store))
          chain = r.then(
            () => undefined,
            () => undefined,
          )
          return r
        },
        onImported: async () => {
          ctx.screener = new Screener({ index: await LabelIndex.load(store), graph, tipHeight: 3 })
        },
      }),
    ],
  })
  const server = await startServer(app, { port: 0 })
  return { store, server, keys, taxii } satisfies Instance
}

describe('TAXII 2.1: two instances on loopback', () => {
  let g: UtxoGraph
  let A: Instance
  let B: Instance
  beforeAll(async () => {
    g = buildUtxoGraph([
      { name: 'theft', coinbase: true, outputs: [{ address: THIEF, value: 500_000_000 }] },
      { name: 'launder', inputs: ['theft:0'], outputs: [{ address: HOP1, value: 499_990_000 }] },
      { name: 'deposit', inputs: ['launder:0'], outputs: [{ address: DEPOSIT, value: 499_980_000 }] },
    ])
    const sa = await HoundStore.open(':memory:')
    const seed = `${g.names.txid(g.names.txIndex('theft'))}:0`
    const inc = await addIncident(
      sa,
      { name: 'Exchange hack', seeds: [seed], actor: 'Lazarus Group', tlp: 'amber', maxHops: 1 },
      { graph: g, index: await LabelIndex.load(sa) },
    )
    expect(inc.labelled.map((l) => l.address).sort()).toEqual([HOP1, THIEF].sort())
    await insertLabels(sa, [
      {
        chain: 'btc',
        address: SECRET,
        category: 'stolen_funds',
        entity: 'Internal only',
        source: 'analyst',
        confidence: 'heuristic',
        tlp: 'red',
      },
    ])
    A = await instance(sa, g, 'Institution A', [
      { name: 'Institution B', canRead: true, canWrite: true, maxTlp: 'amber' },
      { name: 'Cleared clear', canRead: true, maxTlp: 'clear' },
      { name: 'No rights', canRead: false, canWrite: false, maxTlp: 'amber' },
      { name: 'Strict', canRead: true, maxTlp: 'amber+strict' },
    ])
    B = await instance(await HoundStore.open(':memory:'), g, 'Institution B', [])
  })
  afterAll(async () => {
    await A?.server.close()
    await B?.server.close()
    A?.store.close()
    B?.store.close()
    A?.taxii.close()
    B?.taxii.close()
  })

  const get = (path: string, headers: Record<string, string>) => fetch(`${A.server.url}${path}`, { headers })
  const basic = (u: string, k: string) => `Basic ${Buffer.from(`${u}:${k}`).toString('base64')}`

  it('B pulls A: the deposit address reached by the theft becomes high risk on B, with the path', async () => {
    const before = new Screener({ index: await LabelIndex.load(B.store), graph: g, tipHeight: 3 }).screen(
      DEPOSIT,
    ) as ScreenResult
    expect(isScreenError(before)).toBe(false)
    expect(before.risk).toBe('none')
    const r = await pullFromPeer(B.store, {
      peer: `${A.server.url}/taxii2/`,
      user: 'Institution B',
      key: A.keys['Institution B']!,
      limit: 4,
    })
    expect(r.pages).toBeGreaterThan(3)
    expect(r.labelsAdded).toBe(2)
    const got = await queryLabels(B.store)
    expect(got.map((l) => [l.address, l.source, l.category, l.actor, l.tlp]).sort()).toEqual(
      [
        [HOP1, 'share:Institution A', 'stolen_funds', 'Lazarus Group', 'amber'],
        [THIEF, 'share:Institution A', 'stolen_funds', 'Lazarus Group', 'amber'],
      ].sort(),
    )
    const after = new Screener({ index: await LabelIndex.load(B.store), graph: g, tipHeight: 3 }).screen(
      DEPOSIT,
    ) as ScreenResult
    expect(['high', 'severe']).toContain(after.risk)
    const path = after.exposure!.incoming.paths[0]!
    expect(JSON.stringify(path)).toContain(HOP1)
    // resume: a second pull starts after the last object seen and finds nothing new
    const again = await pullFromPeer(B.store, {
      peer: `${A.server.url}/taxii2/`,
      user: 'Institution B',
      key: A.keys['Institution B']!,
    })
    expect(again.resumedFrom).toBe(r.addedAfter)
    expect(again.objects).toBe(0)
  })

  it('TLP:RED never leaves A, even for the most cleared key; AMBER only to keys cleared for it', async () => {
    const c = new TaxiiClient(`${A.server.url}/taxii2/`, 'Strict', A.keys.Strict!)
    const [root] = await c.apiRoots()
    const cols = await c.collections(root!)
    let all = ''
    for (const col of cols.filter((x) => x.can_read))
      for await (const p of c.pages(root!, col.id)) all += JSON.stringify(p.objects)
    expect(all).toContain(HOP1)
    expect(all).not.toContain(SECRET)
    expect(all).not.toContain('marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1')
    const clear = new TaxiiClient(`${A.server.url}/taxii2/`, 'Cleared clear', A.keys['Cleared clear']!)
    const visible = (await clear.collections(root!)).filter((x) => x.can_read).map((x) => x.alias)
    expect(visible).toEqual(['intel-clear'])
    let clearText = ''
    for await (const p of clear.pages(root!, 'intel-clear')) clearText += JSON.stringify(p.objects)
    expect(clearText).not.toContain(HOP1)
    const amber = COLLECTIONS.find((x) => x.alias === 'intel-amber')!.id
    const res = await get(`/taxii2/api/collections/${amber}/objects/`, {
      authorization: basic('Cleared clear', A.keys['Cleared clear']!),
    })
    expect(res.status).toBe(403)
  })

  it('status codes: 401 without or with wrong credentials, 403 without rights, 406, 415, 422; media type and date headers', async () => {
    const amber = COLLECTIONS.find((x) => x.alias === 'intel-amber')!.id
    const inbox = COLLECTIONS.find((x) => x.alias === 'inbox')!.id
    expect((await get('/taxii2/', {})).status).toBe(401)
    expect((await get('/taxii2/', { authorization: basic('Someone else', A.keys['Institution B']!) })).status).toBe(401)
    const nr = await get(`/taxii2/api/collections/${amber}/objects/`, {
      authorization: basic('No rights', A.keys['No rights']!),
    })
    expect(nr.status).toBe(403)
    expect(((await nr.json()) as { title: string }).title).toBe('Forbidden')
    const auth = { authorization: basic('Institution B', A.keys['Institution B']!) }
    expect((await get('/taxii2/', { ...auth, accept: 'application/json' })).status).toBe(406)
    const ok = await get(`/taxii2/api/collections/${amber}/objects/?limit=2`, { ...auth, accept: TAXII_MEDIA })
    expect(ok.status).toBe(200)
    expect(ok.headers.get('content-type')).toBe(TAXII_MEDIA)
    expect(ok.headers.get('x-taxii-date-added-first')).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/)
    const page = (await ok.json()) as { more: boolean; objects: unknown[] }
    expect(page.more).toBe(true)
    expect(page.objects).toHaveLength(2)
    const man = (await (
      await get(`/taxii2/api/collections/${amber}/manifest/?match[type]=indicator`, auth)
    ).json()) as {
      objects: { id: string }[]
    }
    expect(man.objects.length).toBe(2)
    const one = man.objects[0]!.id
    const vers = (await (await get(`/taxii2/api/collections/${amber}/objects/${one}/versions/`, auth)).json()) as {
      versions: string[]
    }
    expect(vers.versions).toHaveLength(1)
    const post = (body: unknown, ct = TAXII_MEDIA, who = auth) =>
      fetch(`${A.server.url}/taxii2/api/collections/${inbox}/objects/`, {
        method: 'POST',
        headers: { ...who, 'content-type': ct, accept: TAXII_MEDIA },
        body: JSON.stringify(body),
      })
    expect((await post({ objects: [] }, 'application/json')).status).toBe(415)
    expect(
      (await post({ type: 'bundle', id: 'bundle--0b5b5a52-3b7e-4d7e-9a8c-6c2f8d0b7a11', objects: [] })).status,
    ).toBe(422)
    expect(
      (await post({ objects: [] }, TAXII_MEDIA, { authorization: basic('Cleared clear', A.keys['Cleared clear']!) }))
        .status,
    ).toBe(403)
    expect((await get(`/taxii2/api/collections/${inbox}/objects/`, auth)).status).toBe(403)
  })

  it('B pushes to A’s inbox: 202 status, objects stored and imported as labels on A under B’s name', async () => {
    await insertLabels(B.store, [
      {
        chain: 'btc',
        address: DEPOSIT,
        category: 'scam',
        entity: 'Pig butchering ring',
        source: 'analyst-b',
        confidence: 'forensic_investigation',
        tlp: 'green',
      },
    ])
    const r = await pushToPeer(B.store, {
      peer: `${A.server.url}/taxii2/`,
      user: 'Institution B',
      key: A.keys['Institution B']!,
      institution: 'Institution B',
    })
    expect(r.failed).toBe(0)
    expect(r.succeeded).toBe(r.posted)
    const onA = await queryLabels(A.store, { address: DEPOSIT })
    expect(onA.map((l) => [l.source, l.category])).toEqual([['share:Institution B', 'scam']])
    // the posted objects are in A's inbox (store-backed); B may delete one (write right), a read-only key may not
    const inbox = COLLECTIONS.find((x) => x.alias === 'inbox')!.id
    expect(await A.taxii.count(inbox)).toBe(r.succeeded)
    const one = (await A.taxii.page(inbox, { maxTlp: 'amber+strict', limit: 1, withJson: false })).items[0]!
    const del = (key: string, q = '') =>
      fetch(`${A.server.url}/taxii2/api/collections/${inbox}/objects/${one.id}/${q}`, {
        method: 'DELETE',
        headers: { 'x-api-key': key },
      })
    expect((await del(A.keys['No rights']!)).status).toBe(403)
    expect((await del(A.keys['Institution B']!, '?match[version]=2000-01-01T00:00:00Z')).status).toBe(404)
    expect((await del(A.keys['Institution B']!)).status).toBe(200)
    expect((await del(A.keys['Institution B']!)).status).toBe(404)
    expect(await A.taxii.count(inbox)).toBe(r.succeeded - 1)
  })

  it('status resources are read back from the collection store', async () => {
    const st = { id: '0b5b5a52-3b7e-4d7e-9a8c-6c2f8d0b7a99', status: 'complete', total_count: 0 }
    await A.taxii.saveStatus(st)
    const r = await fetch(`${A.server.url}/taxii2/api/status/${st.id}/`, {
      headers: { 'x-api-key': A.keys['Institution B']! },
    })
    expect(r.status).toBe(200)
    expect(await r.json()).toEqual(st)
  })

  it('private matching: B learns which of its deposit addresses are in A’s stolen set (not RED ones), nothing else', async () => {
    const r = await matchWithPeer({
      peer: `${A.server.url}/taxii2/`,
      user: 'Institution B',
      key: A.keys['Institution B']!,
      addresses: [DEPOSIT, HOP1, SECRET, '1AjZPMsnmpdK2Rv9KQNfMurTXinscVro9V'],
    })
    expect(r.matches).toEqual([HOP1])
    expect(r.peerSetSize).toBe(2)
    await expect(
      matchWithPeer({
        peer: `${A.server.url}/taxii2/`,
        user: 'No rights',
        key: A.keys['No rights']!,
        addresses: [HOP1],
      }),
    ).rejects.toMatchObject({ code: 'HOUND_ERR_SOURCE', details: { status: 403 } })
  })
})
