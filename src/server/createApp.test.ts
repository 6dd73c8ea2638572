import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { sha256 } from '@noble/hashes/sha2.js'
import { createBase58check } from '@scure/base'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { dataPath } from '../core/_testData.js'
import { buildUtxoGraph } from '../graph/buildUtxoGraph.js'
import { importLabelsFile } from '../intel/importLabelsFile.js'
import { importOfacFile } from '../intel/importOfac.js'
import { LabelIndex } from '../intel/LabelIndex.js'
import { rescreen } from '../risk/rescreen.js'
import { Screener } from '../risk/Screener.js'
import { ScreeningRecorder } from '../risk/ScreeningRecorder.js'
import { HoundStore } from '../store/HoundStore.js'
import { ApiKeyRegistry, createApiKey, listApiKeys, revokeApiKey } from './apiKeys.js'
import { createApp } from './createApp.js'
import { startServer } from './startServer.js'

const RONIN = '0x098B716B8Aaf21512996dC57EB0615e2383E2f96'
const CLEAN_EVM = '0x1111111111111111111111111111111111111111'
const b58 = createBase58check(sha256)
/** A valid P2PKH address from a tag (checksums must verify). */
const addr = (tag: number) => b58.encode(Uint8Array.from([0, ...new Array(19).fill(7), tag]))
const [X, M, HACK, MIX, EXCH] = [addr(1), addr(2), addr(3), addr(4), addr(5)]
const U = 100_000_000

describe('hound serve app', () => {
  let store: HoundStore
  let key: string
  let screener: Screener
  let app: ReturnType<typeof createApp>['app']
  let recorder: ScreeningRecorder
  const dir = mkdtempSync(join(tmpdir(), 'hound-serve-'))
  const g = buildUtxoGraph([
    { name: 'cbHack', coinbase: true, outputs: [{ address: HACK, value: 4 * U }] },
    { name: 'cbMix', coinbase: true, outputs: [{ address: MIX, value: 20 * U }] },
    { name: 'cbEx', coinbase: true, outputs: [{ address: EXCH, value: 30 * U }] },
    { name: 'mixToM', inputs: ['cbMix:0'], outputs: [{ address: M, value: 20 * U }] },
    { name: 'exToM', inputs: ['cbEx:0'], outputs: [{ address: M, value: 30 * U }] },
    { name: 'hackToX', inputs: ['cbHack:0'], outputs: [{ address: X, value: 4 * U }] },
    {
      name: 'mToX',
      inputs: ['mixToM:0', 'exToM:0'],
      outputs: [
        { address: X, value: 6 * U },
        { address: M, value: 44 * U },
      ],
    },
  ])
  const req = (path: string, init: RequestInit = {}, k: string | null = key) =>
    app.request(path, { ...init, headers: { ...(k ? { 'X-API-Key': k } : {}), ...(init.headers ?? {}) } })
  const post = (path: string, body: unknown, k: string | null = key, extra: Record<string, string> = {}) =>
    req(
      path,
      {
        method: 'POST',
        body: typeof body === 'string' ? body : JSON.stringify(body),
        headers: { 'content-type': 'application/json', ...extra },
      },
      k,
    )

  beforeAll(async () => {
    store = await HoundStore.open(':memory:')
    await importOfacFile(store, dataPath('ofac/sdn_advanced_2025-11-19.xml.bz2'))
    const f = join(dir, 'l.jsonl')
    writeFileSync(
      f,
      [
        {
          address: HACK,
          chain: 'btc',
          category: 'stolen_funds',
          entity: 'Hack',
          source: 'test',
          confidence: 'forensic_investigation',
          tlp: 'clear',
        },
        {
          address: MIX,
          chain: 'btc',
          category: 'mixer',
          entity: 'Mixer',
          source: 'test',
          confidence: 'ownership',
          tlp: 'clear',
        },
        {
          address: EXCH,
          chain: 'btc',
          category: 'exchange',
          entity: 'Exchange',
          source: 'test',
          confidence: 'ownership',
          tlp: 'clear',
        },
      ]
        .map((o) => JSON.stringify(o))
        .join('\n'),
    )
    await importLabelsFile(store, f)
    key = (await createApiKey(store, { name: 'Test Exchange' })).key
    screener = new Screener({ index: await LabelIndex.load(store), graph: g, tipHeight: 6, chain: 'btc' })
    recorder = new ScreeningRecorder(store)
    app = createApp({
      screener,
      keys: await ApiKeyRegistry.load(store),
      store,
      onScreened: (r, k) => recorder.record(r, k),
      log: () => {},
    }).app
  }, 300_000)
  afterAll(() => store.close())

  it('stores only the SHA-256 of a key', async () => {
    const keys = await listApiKeys(store)
    expect(keys).toHaveLength(1)
    expect(keys[0]!.keyHash).toMatch(/^[0-9a-f]{64}$/)
    expect(JSON.stringify(await store.all('SELECT * FROM intel_api_keys'))).not.toContain(key)
  })

  it('Chainalysis facade: Ronin exploiter (any case) → Lazarus Group identification; clean → []', async () => {
    for (const a of [RONIN, RONIN.toLowerCase()]) {
      const r = await req(`/api/v1/address/${a}`)
      expect(r.status).toBe(200)
      const j = (await r.json()) as {
        identifications: { category: string; name: string; url: string; description: string }[]
      }
      expect(j.identifications).toHaveLength(1)
      expect(j.identifications[0]).toMatchObject({ category: 'sanctions' })
      expect(j.identifications[0]!.name).toBe(`SANCTIONS: OFAC SDN Lazarus Group 2019-09-13 ${RONIN}`)
      expect(j.identifications[0]!.url).toContain('27307')
      expect(Object.keys(j.identifications[0]!).sort()).toEqual(['category', 'description', 'name', 'url'])
    }
    expect(await (await req(`/api/v1/address/${CLEAN_EVM}`)).json()).toEqual({ identifications: [] })
  })

  it('auth: no key → 401, wrong key → 403, revoked key → 403; invalid address → 400 with a clear message', async () => {
    const none = await req(`/api/v1/address/${RONIN}`, {}, null)
    expect(none.status).toBe(401)
    expect(none.headers.get('www-authenticate')).toContain('Basic')
    expect(((await none.json()) as { error: { code: string } }).error.code).toBe('unauthorized')
    expect((await req(`/api/v1/address/${RONIN}`, {}, 'hk_nope_nope')).status).toBe(403)
    const bad = await req('/api/v1/address/0x12345')
    expect(bad.status).toBe(400)
    expect(await bad.json()).toEqual({
      error: { code: 'invalid_address', message: 'invalid address: EVM address must be 0x followed by 40 hex digits' },
    })
    const { key: k2, record } = await createApiKey(store, { name: 'Revoked' })
    await revokeApiKey(store, record.keyId)
    const a2 = createApp({ screener, keys: await ApiKeyRegistry.load(store) }).app
    expect((await a2.request(`/api/v1/address/${RONIN}`, { headers: { 'X-API-Key': k2 } })).status).toBe(403)
  })

  it('TRM facade: 201, one entry per item in order; Basic auth or anonymous; anonymous is rate-limited (429 + Retry-After)', async () => {
    const basic = `Basic ${Buffer.from(`${key}:${key}`).toString('base64')}`
    const r = await post('/public/v1/sanctions/screening', [{ address: CLEAN_EVM }, { address: RONIN }], null, {
      authorization: basic,
    })
    expect(r.status).toBe(201)
    expect(await r.json()).toEqual([
      { address: CLEAN_EVM, isSanctioned: false },
      { address: RONIN, isSanctioned: true },
    ])
    const statuses: number[] = []
    for (let i = 0; i < 8; i++)
      statuses.push((await post('/public/v1/sanctions/screening', [{ address: RONIN }], null)).status)
    expect(statuses.slice(0, 5).every((s) => s === 201)).toBe(true)
    expect(statuses).toContain(429)
    const limited = await post('/public/v1/sanctions/screening', [{ address: RONIN }], null)
    expect(limited.status).toBe(429)
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThanOrEqual(1)
    expect((await post('/public/v1/sanctions/screening', { address: RONIN }, key)).status).toBe(400)
    expect((await post('/public/v1/sanctions/screening', [{ address: 'nope' }], key)).status).toBe(400)
  })

  it('per-key rate limit → 429 with Retry-After', async () => {
    const { key: slow } = await createApiKey(store, { name: 'Slow', ratePerSec: 0.5, burst: 2 })
    const a = createApp({ screener, keys: await ApiKeyRegistry.load(store) }).app
    const st: number[] = []
    for (let i = 0; i < 3; i++)
      st.push((await a.request(`/api/v1/address/${RONIN}`, { headers: { 'X-API-Key': slow } })).status)
    expect(st).toEqual([200, 200, 429])
  })

  it('bad bodies: huge → 413, not JSON → 400, batch over 1,000 → 400, wrong shape → 400', async () => {
    const huge = await post('/v1/screen', { addresses: new Array(20_000).fill(RONIN) })
    expect(huge.status).toBe(413)
    expect(((await huge.json()) as { error: { code: string } }).error.code).toBe('payload_too_large')
    expect((await post('/v1/screen', '{"addresses": [')).status).toBe(400)
    const big = await post('/v1/screen', { addresses: new Array(1001).fill(CLEAN_EVM) })
    expect(big.status).toBe(400)
    expect(((await big.json()) as { error: { message: string } }).error.message).toContain('1000')
    expect((await post('/v1/screen', { addresses: [RONIN, 42] })).status).toBe(400)
    expect((await post('/v1/screen', [])).status).toBe(400)
    expect((await req('/nope')).status).toBe(404)
  })

  it('POST /v1/screen: sanctioned → severe; graph address → exposure with paths, policy and data version', async () => {
    const r = await post('/v1/screen', { addresses: [RONIN, X] })
    expect(r.status).toBe(200)
    const j = (await r.json()) as {
      units: string
      dataVersion: { tipHeight: number; intel: number }
      results: {
        risk: string
        sanctioned: boolean
        labels: { source: string }[]
        policy: string
        exposure: {
          score: number
          incoming: { categories: { category: string; direct: number }[]; paths: { steps: unknown[] }[] }
        } | null
      }[]
    }
    expect(j.units).toBe('satoshi')
    expect(j.dataVersion.tipHeight).toBe(6)
    expect(j.results[0]).toMatchObject({ risk: 'severe', sanctioned: true, exposure: null })
    expect(j.results[0]!.labels[0]!.source).toBe('ofac-sdn')
    const x = j.results[1]!
    expect(x.policy).toBe('haircut')
    expect(x.exposure!.score).toBeCloseTo(0.505, 9)
    expect(x.risk).toBe('high')
    expect(x.exposure!.incoming.categories.find((c) => c.category === 'stolen_funds')!.direct).toBe(0.4)
    expect(x.exposure!.incoming.paths.length).toBeGreaterThan(0)
    const tx = await post('/v1/screen', { transaction: g.names.txid(g.names.txIndex('hackToX')) })
    expect(tx.status).toBe(200)
    const tj = (await tx.json()) as { transaction: { risk: string; inputs: { risk: string }[] } }
    expect(tj.transaction.inputs[0]!.risk).toBe('high')
    expect((await post('/v1/screen', { transaction: 'ab' })).status).toBe(400)
    expect((await post('/v1/screen', { transaction: 'ab'.repeat(32) })).status).toBe(404)
  })

  it('a key sees only labels up to its TLP ceiling (own labels and exposure)', async () => {
    const f = join(dir, 'amber.jsonl')
    writeFileSync(
      f,
      `${JSON.stringify({ address: M, chain: 'btc', category: 'ransomware', entity: 'Secret', source: 'partner', confidence: 'forensic_investigation', tlp: 'amber' })}\n`,
    )
    await importLabelsFile(store, f)
    const { key: amberKey } = await createApiKey(store, { name: 'Partner', maxTlp: 'amber' })
    const s2 = new Screener({ index: await LabelIndex.load(store), graph: g, tipHeight: 6 })
    const a = createApp({ screener: s2, keys: await ApiKeyRegistry.load(store) }).app
    const ask = async (k: string) =>
      (await (
        await a.request('/v1/screen', {
          method: 'POST',
          body: JSON.stringify({ addresses: [M, X] }),
          headers: { 'X-API-Key': k },
        })
      ).json()) as { results: { labels: { entity: string }[]; categories: string[] }[] }
    const clear = await ask(key)
    expect(clear.results[0]!.labels).toEqual([])
    expect(clear.results[1]!.categories).not.toContain('ransomware')
    const amber = await ask(amberKey)
    expect(amber.results[0]!.labels.map((l) => l.entity)).toEqual(['Secret'])
    expect(amber.results[1]!.categories).toContain('ransomware')
  })

  it('errors never leak internals (500 with a generic message)', async () => {
    const a = createApp({
      screener,
      log: () => {},
      modules: [
        {
          name: 'boom',
          register: (ap) =>
            ap.get('/boom', () => {
              throw new Error('secret /etc/passwd detail')
            }),
        },
      ],
    }).app
    const r = await a.request('/boom')
    expect(r.status).toBe(500)
    const text = await r.text()
    expect(text).not.toContain('secret')
    expect(JSON.parse(text)).toEqual({ error: { code: 'internal', message: 'internal error' } })
  })

  it('serves /openapi.json listing every route', async () => {
    const doc = (await (await req('/openapi.json', {}, null)).json()) as {
      openapi: string
      paths: Record<string, unknown>
    }
    expect(doc.openapi).toBe('3.1.0')
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining(['/api/v1/address/{address}', '/public/v1/sanctions/screening', '/v1/screen']),
    )
  })

  it('works over a real socket on 127.0.0.1:0 (facade, 413, 401)', async () => {
    const s = await startServer(app, { port: 0 })
    try {
      const r = await fetch(`${s.url}/api/v1/address/${RONIN}`, { headers: { 'X-API-Key': key } })
      expect(r.status).toBe(200)
      expect(((await r.json()) as { identifications: unknown[] }).identifications).toHaveLength(1)
      const big = await fetch(`${s.url}/v1/screen`, {
        method: 'POST',
        headers: { 'X-API-Key': key, 'content-type': 'application/json' },
        body: 'x'.repeat(300 * 1024),
      })
      expect(big.status).toBe(413)
      expect((await fetch(`${s.url}/v1/screen`, { method: 'POST', body: '{}' })).status).toBe(401)
    } finally {
      await s.close()
    }
  })

  it('the node:http fast path answers exactly as the Hono app, request by request (and repeats from its cache)', async () => {
    const { key: amberKey } = await createApiKey(store, { name: 'Parity amber', maxTlp: 'amber' })
    const { key: writer } = await createApiKey(store, { name: 'Parity no-read', canRead: false, canWrite: true })
    const keys = await ApiKeyRegistry.load(store)
    const seen: string[][] = [[], []]
    const make = (i: number) =>
      createApp({ screener, keys, log: () => {}, onScreened: (r, k) => seen[i]!.push(`${r.address}|${k}`) }).app
    const inProcess = make(0)
    const s = await startServer(make(1), { port: 0 })
    const basic = `Basic ${Buffer.from(`${key}:${key}`).toString('base64')}`
    const json = { 'content-type': 'application/json' }
    const cases: [string, RequestInit][] = [
      [`/api/v1/address/${RONIN}`, { headers: { 'X-API-Key': key } }],
      [`/api/v1/address/${RONIN.toLowerCase()}?x=1`, { headers: { 'X-API-Key': key } }],
      [`/api/v1/address/${CLEAN_EVM}`, { headers: { Authorization: `Bearer ${key}` } }],
      [`/api/v1/address/${X}`, { headers: { 'X-API-Key': key } }],
      ['/api/v1/address/0x12345', { headers: { 'X-API-Key': key } }],
      [`/api/v1/address/${RONIN}`, {}],
      [`/api/v1/address/${RONIN}`, { headers: { 'X-API-Key': 'hk_nope_nope' } }],
      [`/api/v1/address/${RONIN}`, { headers: { 'X-API-Key': writer } }],
      [`/api/v1/address/${RONIN}/x`, { headers: { 'X-API-Key': key } }],
      [
        '/public/v1/sanctions/screening',
        {
          method: 'POST',
          body: JSON.stringify([{ address: RONIN }, { address: X }]),
          headers: { authorization: basic, ...json },
        },
      ],
      [
        '/public/v1/sanctions/screening',
        { method: 'POST', body: '[{"address": "nope"}]', headers: { 'X-API-Key': key } },
      ],
      ['/public/v1/sanctions/screening', { method: 'POST', body: '{"address": 1}', headers: { 'X-API-Key': key } }],
      ['/public/v1/sanctions/screening', { method: 'POST', body: '[]', headers: { 'X-API-Key': key } }],
      [
        '/v1/screen',
        { method: 'POST', body: JSON.stringify({ address: RONIN }), headers: { 'X-API-Key': key, ...json } },
      ],
      [
        '/v1/screen',
        { method: 'POST', body: JSON.stringify({ address: RONIN }), headers: { 'X-API-Key': key, ...json } },
      ],
      [
        '/v1/screen',
        { method: 'POST', body: `\ufeff${JSON.stringify({ addresses: [X, M] })}`, headers: { 'X-API-Key': key } },
      ],
      [
        '/v1/screen',
        { method: 'POST', body: JSON.stringify({ addresses: [M, X] }), headers: { 'X-API-Key': amberKey } },
      ],
      [
        '/v1/screen',
        {
          method: 'POST',
          body: JSON.stringify({ transaction: g.names.txid(g.names.txIndex('mToX')) }),
          headers: { 'X-API-Key': key },
        },
      ],
      [
        '/v1/screen',
        { method: 'POST', body: JSON.stringify({ transaction: 'ab'.repeat(32) }), headers: { 'X-API-Key': key } },
      ],
      ['/v1/screen', { method: 'POST', body: '{"addresses": [', headers: { 'X-API-Key': key } }],
      ['/v1/screen', { method: 'POST', body: '', headers: { 'X-API-Key': key } }],
      ['/v1/screen', { method: 'POST', body: '[1]', headers: { 'X-API-Key': key } }],
      [
        '/v1/screen',
        { method: 'POST', body: JSON.stringify({ addresses: [RONIN, 42] }), headers: { 'X-API-Key': key } },
      ],
      [
        '/v1/screen',
        { method: 'POST', body: JSON.stringify({ addresses: new Array(1001).fill(X) }), headers: { 'X-API-Key': key } },
      ],
      ['/v1/screen', { method: 'POST', body: 'x'.repeat(300 * 1024), headers: { 'X-API-Key': key } }],
      ['/v1/screen', { method: 'POST', body: '{}' }],
      ['/v1/screen', { method: 'POST', body: '{}', headers: { 'X-API-Key': writer } }],
      ['/v1/screen', { method: 'GET', headers: { 'X-API-Key': key } }],
      ['/openapi.json', {}],
    ]
    try {
      for (const [path, init] of cases) {
        const a = await inProcess.request(path, init)
        const b = await fetch(`${s.url}${path}`, init)
        const what = `${init.method ?? 'GET'} ${path.slice(0, 60)}`
        expect(b.status, what).toBe(a.status)
        expect(b.headers.get('content-type'), what).toBe(a.headers.get('content-type'))
        expect(b.headers.get('www-authenticate'), what).toBe(a.headers.get('www-authenticate'))
        expect(await b.text(), what).toBe(await a.text())
      }
      expect(seen[1]).toEqual(seen[0])
      expect(seen[0]!.length).toBeGreaterThan(8)
      // anonymous TRM calls are limited per client IP on both paths
      const anon: number[] = []
      for (let i = 0; i < 7; i++) {
        const r = await fetch(`${s.url}/public/v1/sanctions/screening`, {
          method: 'POST',
          body: `[{"address":"${RONIN}"}]`,
        })
        anon.push(r.status)
        if (r.status === 429) expect(Number(r.headers.get('retry-after'))).toBeGreaterThanOrEqual(1)
      }
      expect(anon.slice(0, 5)).toEqual([201, 201, 201, 201, 201])
      expect(anon).toContain(429)
    } finally {
      await s.close()
    }
  })

  it('rescreen lists the previously screened addresses whose answer changed after new intelligence', async () => {
    expect(await recorder.flush()).toBeGreaterThan(0)
    expect((await rescreen(store, screener)).changed).toHaveLength(0)
    const f = join(dir, 'new.jsonl')
    writeFileSync(
      f,
      `${JSON.stringify({ address: CLEAN_EVM, chain: 'eth', category: 'scam', entity: 'Scammer', source: 'tips', confidence: 'web_crawl', tlp: 'clear' })}\n`,
    )
    await importLabelsFile(store, f)
    const fresh = new Screener({ index: await LabelIndex.load(store), graph: g, tipHeight: 6 })
    const rep = await rescreen(store, fresh)
    expect(rep.checked).toBeGreaterThanOrEqual(3)
    expect(rep.changed.map((c) => c.address)).toEqual([CLEAN_EVM])
    expect(rep.changed[0]).toMatchObject({ before: { risk: 'none' }, after: { risk: 'high', categories: ['scam'] } })
    expect((await rescreen(store, fresh)).changed).toHaveLength(0)
  })

  it('facades also serve shared sanctioned intelligence marked TLP:CLEAR, not restricted ones', async () => {
    const other = '0x2222222222222222222222222222222222222222'
    const hidden = '0x3333333333333333333333333333333333333333'
    const f = join(dir, 'shared.jsonl')
    const base = {
      chain: 'eth',
      category: 'sanctioned',
      entity: 'EU listed',
      source: 'eu-list',
      confidence: 'official_list',
    }
    writeFileSync(
      f,
      `${JSON.stringify({ ...base, address: other, tlp: 'clear' })}\n${JSON.stringify({ ...base, address: hidden, tlp: 'amber' })}\n`,
    )
    await importLabelsFile(store, f)
    const a = createApp({
      screener: new Screener({ index: await LabelIndex.load(store) }),
      keys: await ApiKeyRegistry.load(store),
    }).app
    const j = (await (await a.request(`/api/v1/address/${other}`, { headers: { 'X-API-Key': key } })).json()) as {
      identifications: { name: string }[]
    }
    expect(j.identifications.map((i) => i.name)).toEqual([`SANCTIONS: eu-list EU listed ${other}`])
    const h = (await (await a.request(`/api/v1/address/${hidden}`, { headers: { 'X-API-Key': key } })).json()) as {
      identifications: unknown[]
    }
    expect(h.identifications).toEqual([])
  })
})
