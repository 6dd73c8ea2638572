/**
 * End-to-end, two institutions as two separate `hound serve` PROCESSES on loopback (the built CLI, each with its own
 * store; both stores hold the real mainnet blocks 0–599):
 * - A records an incident (block 9's coinbase stolen) and a TLP:RED label, and serves TAXII; later it publishes one
 *   more label while serving (`hound intel import` finds A's server by its pid file and SIGHUPs it, which refreshes
 *   its collections) and B's next pull resumes with just that one;
 * - B pulls A with `hound share pull` (HTTP Basic, B's key at A), and B's own running server, told to reload by the
 *   pull itself (the test sends no signal), screens Hal's address (reached by the theft) as high risk with the path
 *   back to the stolen coins;
 * - the TLP:RED statement never reaches B (not in any collection, not in B's store); a key without rights gets 403;
 */
import { type ChildProcess, spawn } from 'node:child_process'
import { copyFileSync, existsSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { PsiClient } from '../share/psi.js'
import { useNbitcoinStore } from './_nbitcoinStore.js'
import { hound, houndMain } from './_runHound.js'

const BLOCK9_CB = '0437cd7f8525ceed2324359c2d0ba26006d92d856a9c20fa0241106ee5a597c9'
const SATOSHI = '12cbQLTFMXRnSzktFkuoG3eHoMeFtpTu3S'
const HAL = '1Q2TWHE3GMdB6BZKafqwxXtWAWgFt5Jvm3'
/** An address A labels TLP:RED (a real-format address from the OFAC XBT list, used here only as a string). */
const RED_ADDR = '129zKFLoVad9JtxSmDKeJoLCsjhGR7b3vr'
/** An address A labels after its server started (same list, a string only). */
const LATE_ADDR = '123WBUDmSJv4GctdVEz6Qq6z8nXSKrJ4KX'

type Serve = {
  p: ChildProcess
  url: string
  err: () => string
  waitFor: (re: RegExp) => Promise<RegExpExecArray>
  /** Until `re` occurred `n` times in the whole output (order-independent). */
  waitCount: (re: RegExp, n: number) => Promise<void>
}

/** `hound serve` as a child process; resolves once it announced its URL. */
async function serve(db: string, institution: string): Promise<Serve> {
  const p = spawn(process.execPath, [
    houndMain,
    '--db',
    db,
    'serve',
    '--port',
    '0',
    '--no-record',
    '--institution',
    institution,
  ])
  let err = ''
  let seen = 0
  p.stderr!.on('data', (d) => {
    err += d
  })
  /** The next match of `re` in output not yet consumed by a previous wait. */
  const waitFor = (re: RegExp) =>
    new Promise<RegExpExecArray>((resolve, reject) => {
      const check = () => {
        const m = re.exec(err.slice(seen))
        if (m) {
          seen += m.index + m[0].length
          p.stderr!.off('data', check)
          p.off('exit', onExit)
          resolve(m)
        }
      }
      const onExit = (c: number | null) => reject(new Error(`serve exited ${c}: ${err}`))
      p.stderr!.on('data', check)
      p.once('exit', onExit)
      check()
    })
  const waitCount = async (re: RegExp, n: number) => {
    const g = new RegExp(re.source, 'g')
    while ((err.match(g) ?? []).length < n) {
      if (p.exitCode !== null) throw new Error(`serve exited ${p.exitCode}: ${err}`)
      await new Promise((r) => setTimeout(r, 50))
    }
  }
  const url = (await waitFor(/hound serve: (http:\/\/\S+)/))[1]!
  // the TAXII collections load in the background after the server answers
  await waitCount(/TAXII collections refreshed/, 1)
  return { p, url, err: () => err, waitFor, waitCount }
}

const stop = (s: Serve | undefined) =>
  s && s.p.exitCode === null
    ? new Promise<number>((resolve) => {
        s.p.once('exit', (c) => resolve(c ?? -1))
        s.p.kill('SIGTERM')
      })
    : Promise.resolve(0)

const basic = (user: string, key: string) => `Basic ${Buffer.from(`${user}:${key}`).toString('base64')}`

describe('two hound serve processes on loopback: A publishes, B pulls and screens', () => {
  // A's store: the real blocks, ingested by the CLI
  const { dir, db: dbA } = useNbitcoinStore(
    'hound-share-',
    [
      'cli/share.ts',
      'cli/serve.ts',
      'cli/intel.ts',
      'server/notifyServer.ts',
      'share/serveTaxii.ts',
      'share/taxiiRoutes.ts',
      'share/TaxiiCollections.ts',
    ],
    'a.duckdb',
  )
  const dbB = join(dir, 'b.duckdb')
  let A: Serve | undefined
  let B: Serve | undefined
  const keys: Record<string, string> = {}
  const key = async (db: string, name: string, ...opts: string[]) => {
    const r = await hound(['keys', 'create', '--name', name, ...opts, '--db', db, '--json'])
    expect(r.code, r.stderr).toBe(0)
    keys[name] = JSON.parse(r.stdout).key
  }

  beforeAll(async () => {
    // B is another institution watching the same chain: its own store, same blocks, no intelligence
    copyFileSync(dbA, dbB)
    // A records the incident (amber) and a TLP:RED statement of its own
    const inc = await hound([
      'incident',
      'add',
      '--name',
      'Block 9 heist',
      '--seed',
      `${BLOCK9_CB}:0`,
      '--db',
      dbA,
      '--json',
    ])
    expect(inc.code, inc.stderr).toBe(0)
    const red = join(dir, 'red.jsonl')
    writeFileSync(
      red,
      `${JSON.stringify({ address: RED_ADDR, chain: 'btc', category: 'stolen_funds', entity: 'Informant tip (RED)', source: 'tips', confidence: 'heuristic', tlp: 'red' })}\n`,
    )
    const imp = await hound(['intel', 'import', 'labels', red, '--db', dbA])
    expect(imp.code, imp.stderr).toBe(0)
    await key(dbA, 'Institution B', '--max-tlp', 'amber')
    await key(dbA, 'Nobody', '--no-read', '--max-tlp', 'amber')
    await key(dbB, 'B analyst', '--max-tlp', 'amber')
    ;[A, B] = await Promise.all([serve(dbA, 'Institution A'), serve(dbB, 'Institution B')])
  }, 240_000)

  afterAll(async () => {
    expect(await stop(A)).toBe(0)
    expect(await stop(B)).toBe(0)
    // a clean exit removes the pid files
    expect(existsSync(`${dbA}.serve.pid`)).toBe(false)
    expect(existsSync(`${dbB}.serve.pid`)).toBe(false)
  })

  const screenOnB = async (address: string) => {
    const r = await fetch(`${B!.url}/v1/screen`, {
      method: 'POST',
      headers: { 'X-API-Key': keys['B analyst']!, 'content-type': 'application/json' },
      body: JSON.stringify({ addresses: [address] }),
    })
    expect(r.status).toBe(200)
    return ((await r.json()) as { results: Record<string, unknown>[] }).results[0] as {
      risk: string
      labels: { source: string; category: string; tlp: string }[]
      exposure: { incoming: { paths: { steps: { address: string }[] }[] } }
    }
  }

  test('B pulls A over TAXII and its running server then screens the deposit address as high risk, with the path', async () => {
    const before = await screenOnB(HAL)
    expect(before.risk).toBe('none')
    expect(before.labels).toEqual([])
    expect(existsSync(`${dbB}.serve.pid`)).toBe(true)
    const pullArgs = [
      'share',
      'pull',
      '--peer',
      `${A!.url}/taxii2/`,
      '--user',
      'Institution B',
      '--key',
      keys['Institution B']!,
      '--db',
      dbB,
      '--json',
    ]
    const pull = await hound(pullArgs)
    expect(pull.code, pull.stderr).toBe(0)
    const pr = JSON.parse(pull.stdout)
    expect(pr.labelsAdded).toBeGreaterThan(1)
    expect(pr.objects).toBeGreaterThan(pr.labelsAdded)
    // no signal from the test: `hound share pull` found B's server through <store>.serve.pid and told it to reload
    expect(pull.stderr).toContain("told the running 'hound serve'")
    let after = await screenOnB(HAL)
    for (const t0 = Date.now(); after.risk !== 'high' && Date.now() - t0 < 20_000; after = await screenOnB(HAL))
      await new Promise((r) => setTimeout(r, 100))
    expect(after.risk).toBe('high')
    expect(after.labels).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ category: 'stolen_funds', source: 'share:Institution A', tlp: 'amber' }),
      ]),
    )
    expect(after.exposure.incoming.paths[0]!.steps.map((s) => s.address)).toEqual([HAL, SATOSHI])
    // A publishes more while serving: a new label (`hound intel import` tells A's server to refresh its collections,
    // no signal from the test), and B's next pull resumes with just that
    const more = join(dir, 'more.jsonl')
    writeFileSync(
      more,
      `${JSON.stringify({ address: LATE_ADDR, chain: 'btc', category: 'ransomware', entity: 'Later case', source: 'case-2', confidence: 'forensic_investigation', tlp: 'green' })}\n`,
    )
    const imp = await hound(['intel', 'import', 'labels', more, '--db', dbA])
    expect(imp.code, imp.stderr).toBe(0)
    expect(imp.stderr).toContain("told the running 'hound serve'")
    await A!.waitCount(/TAXII collections refreshed/, 2)
    const next = await hound(pullArgs)
    expect(next.code, next.stderr).toBe(0)
    expect(JSON.parse(next.stdout).labelsAdded).toBe(1)
    // and then nothing new
    const again = await hound(pullArgs)
    expect(again.code, again.stderr).toBe(0)
    expect(JSON.parse(again.stdout).labelsAdded).toBe(0)
  })

  test('the TLP:RED statement of A is never visible to B; a key without rights gets 403; bad credentials 401', async () => {
    const h = {
      authorization: basic('Institution B', keys['Institution B']!),
      accept: 'application/taxii+json;version=2.1',
    }
    const cols = (await (await fetch(`${A!.url}/taxii2/api/collections/`, { headers: h })).json()) as {
      collections: { id: string; can_read: boolean }[]
    }
    expect(cols.collections.length).toBeGreaterThan(0)
    let seen = 0
    for (const c of cols.collections.filter((x) => x.can_read)) {
      const r = await fetch(`${A!.url}/taxii2/api/collections/${c.id}/objects/?match[version]=all`, { headers: h })
      expect(r.status).toBe(200)
      const text = await r.text()
      seen += (JSON.parse(text) as { objects: unknown[] }).objects.length
      expect(text).not.toContain(RED_ADDR)
      expect(text).not.toContain('Informant tip')
    }
    expect(seen).toBeGreaterThan(0)
    const onB = await screenOnB(RED_ADDR)
    expect(onB.labels).toEqual([])
    const nobody = { authorization: basic('Nobody', keys.Nobody!), accept: 'application/taxii+json;version=2.1' }
    const amber = cols.collections[0]!.id
    expect((await fetch(`${A!.url}/taxii2/api/collections/${amber}/objects/`, { headers: nobody })).status).toBe(403)
    const wrong = { authorization: basic('Institution B', 'not-the-key'), accept: 'application/taxii+json;version=2.1' }
    expect((await fetch(`${A!.url}/taxii2/api/collections/`, { headers: wrong })).status).toBe(401)
  })

  test('A keeps answering TAXII requests while it evaluates a private-matching batch', async () => {
    const addrs = Array.from({ length: 1000 }, (_, i) => `0x${(i + 1).toString(16).padStart(40, '0')}`)
    const blinded = new PsiClient(addrs).blind()
    const h = {
      authorization: basic('Institution B', keys['Institution B']!),
      accept: 'application/taxii+json;version=2.1',
    }
    const t0 = performance.now()
    const match = fetch(`${A!.url}/taxii2/api/psi/`, {
      method: 'POST',
      headers: { ...h, 'content-type': 'application/json' },
      body: JSON.stringify({ blinded }),
    }).then(async (r) => ({
      status: r.status,
      body: (await r.json()) as { evaluated: string[] },
      ms: performance.now() - t0,
    }))
    let done = false
    void match.then(() => {
      done = true
    })
    const latencies: number[] = []
    while (!done) {
      const t = performance.now()
      const r = await fetch(`${A!.url}/taxii2/`, { headers: h })
      expect(r.status).toBe(200)
      await r.arrayBuffer()
      latencies.push(performance.now() - t)
    }
    const m = await match
    expect(m.status).toBe(200)
    expect(m.body.evaluated).toHaveLength(1000)
    // 1,000 scalar multiplications take seconds; discovery kept being answered meanwhile, each well within that
    expect(latencies.length).toBeGreaterThanOrEqual(3)
    expect(Math.max(...latencies)).toBeLessThan(m.ms / 2)
  })
})
