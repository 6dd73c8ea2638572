/**
 * End-to-end: the real CLI (dist/cli/main.js) on a store ingested from the first 600 real mainnet blocks —
 * `hound incident add` (block 9's coinbase as "stolen"), `hound screen`, `hound rescreen`, `hound keys create`,
 * `hound serve` over a real socket.
 */
import { spawn } from 'node:child_process'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, test } from 'vitest'
import { repoRoot } from '../core/_testData.js'
import { useNbitcoinStore } from './_nbitcoinStore.js'
import { hound } from './_runHound.js'

const main = join(repoRoot, 'dist/cli/main.js')
const BLOCK9_CB = '0437cd7f8525ceed2324359c2d0ba26006d92d856a9c20fa0241106ee5a597c9'
const SATOSHI = '12cbQLTFMXRnSzktFkuoG3eHoMeFtpTu3S'
const HAL = '1Q2TWHE3GMdB6BZKafqwxXtWAWgFt5Jvm3'

describe('hound incident / screen / rescreen / keys / serve on real blocks 0–599', () => {
  const { dir, db } = useNbitcoinStore('hound-screen-', [
    'cli/screen.ts',
    'cli/incident.ts',
    'cli/serve.ts',
    'cli/keys.ts',
    'risk/Screener.ts',
    'intel/addIncident.ts',
  ])

  test('screen before any intelligence: no risk, exposure computed on the chain with the data version', async () => {
    const r = await hound(['screen', HAL, '--db', db, '--json'])
    expect(r.code, r.stderr).toBe(0)
    const j = JSON.parse(r.stdout)
    expect(j).toMatchObject({ address: HAL, risk: 'none', labels: [], policy: 'haircut' })
    expect(j.dataVersion.tipHeight).toBe(599)
    expect(j.exposure.incoming.total).toBe(1_000_000_000)
    expect(j.exposure.incoming.categories).toEqual([])
    const bad = await hound(['screen', '1Q2TWHE3GMdB6BZKafqwxXtWAWgFt5Jvm4', '--db', db, '--json'])
    expect(bad.code).toBe(2)
    expect(JSON.parse(bad.stdout).error.code).toBe('HOUND_ERR_INVALID_INPUT')
  })

  test('incident add labels the traced addresses; rescreen lists Hal as changed; screen shows direct stolen exposure', async () => {
    const inc = await hound([
      'incident',
      'add',
      '--name',
      'Block 9 heist',
      '--seed',
      `${BLOCK9_CB}:0`,
      '--db',
      db,
      '--json',
    ])
    expect(inc.code, inc.stderr).toBe(0)
    const ij = JSON.parse(inc.stdout)
    expect(ij.traced).toBe(true)
    // amounts are tainted satoshi received over all of an address's outputs: Satoshi's change outputs (40, 30, … BTC)
    // carry the same coins again, so his total exceeds the 50 BTC seed
    expect(ij.labelled).toEqual(
      expect.arrayContaining([
        { address: SATOSHI, amount: 19_500_000_000, minHop: 0 },
        { address: HAL, amount: 1_000_000_000, minHop: 1 },
      ]),
    )
    const re = await hound(['rescreen', '--db', db, '--json'])
    expect(re.code, re.stderr).toBe(0)
    const rj = JSON.parse(re.stdout)
    expect(rj.checked).toBe(1)
    expect(rj.changed).toHaveLength(1)
    expect(rj.changed[0]).toMatchObject({ address: HAL, before: { risk: 'none' }, after: { risk: 'high' } })
    const s = JSON.parse((await hound(['screen', HAL, '--db', db, '--json'])).stdout)
    expect(s.labels).toEqual([
      expect.objectContaining({
        category: 'stolen_funds',
        entity: 'Block 9 heist',
        source: `incident:${ij.incidentId}`,
        amount: '1000000000',
        policy: 'haircut',
      }),
    ])
    const stolen = s.exposure.incoming.categories.find((c: { category: string }) => c.category === 'stolen_funds')
    expect(stolen).toMatchObject({ direct: 1, directAmount: 1_000_000_000, minHop: 1 })
    expect(s.exposure.incoming.paths[0].steps.map((x: { address: string }) => x.address)).toEqual([HAL, SATOSHI])
    const list = JSON.parse((await hound(['incident', 'list', '--db', db, '--json'])).stdout)
    expect(list[0]).toMatchObject({ name: 'Block 9 heist', seeds: 1 })
  })

  test('keys create + serve over a real socket; imports while serving; SIGHUP reloads; screenings recorded', async () => {
    const k = await hound(['keys', 'create', '--name', 'E2E', '--db', db, '--json'])
    expect(k.code, k.stderr).toBe(0)
    const { key } = JSON.parse(k.stdout)
    const p = spawn(process.execPath, [main, '--db', db, 'serve', '--port', '0'])
    let err = ''
    const waitFor = (re: RegExp) =>
      new Promise<RegExpExecArray>((resolve, reject) => {
        const check = () => {
          const m = re.exec(err)
          if (m) {
            p.stderr.off('data', check)
            resolve(m)
          }
        }
        p.stderr.on('data', check)
        p.once('exit', (c) => reject(new Error(`serve exited ${c}: ${err}`)))
        check()
      })
    p.stderr.on('data', (d) => {
      err += d
    })
    const exited = new Promise<number>((resolve) => p.once('exit', (c) => resolve(c ?? -1)))
    try {
      const url = (await waitFor(/hound serve: (http:\/\/\S+)/))[1]!
      const ask = async () => {
        const r = await fetch(`${url}/v1/screen`, {
          method: 'POST',
          headers: { 'X-API-Key': key, 'content-type': 'application/json' },
          body: JSON.stringify({ addresses: [HAL] }),
        })
        expect(r.status).toBe(200)
        return (await r.json()) as {
          results: { risk: string; labels: { source: string }[] }[]
          dataVersion: { tipHeight: number }
        }
      }
      const j = await ask()
      expect(j.dataVersion.tipHeight).toBe(599)
      // the key's TLP ceiling is clear and incident labels are amber: invisible to it
      expect(j.results[0]!.labels).toEqual([])
      expect((await fetch(`${url}/v1/screen`, { method: 'POST', body: '{}' })).status).toBe(401)
      // the server does not hold the store: intelligence can be imported while it runs, then SIGHUP reloads it
      const f = join(dir, 'hal.jsonl')
      writeFileSync(
        f,
        `${JSON.stringify({ address: HAL, chain: 'btc', category: 'individual', entity: 'Hal Finney', source: 'history', confidence: 'web_crawl', tlp: 'clear' })}\n`,
      )
      const imp = await hound(['intel', 'import', 'labels', f, '--db', db])
      expect(imp.code, imp.stderr).toBe(0)
      p.kill('SIGHUP')
      await waitFor(/reloaded in/)
      expect((await ask()).results[0]!.labels.map((l) => l.source)).toEqual(['history'])
      // keys created and revoked while serving take effect at once: the CLI tells the running server to reload
      const until = async (ok: () => Promise<boolean>) => {
        const end = Date.now() + 20_000
        while (!(await ok())) {
          if (Date.now() > end) throw new Error(`condition not reached in 20 s; server said: ${err}`)
          await new Promise((r) => setTimeout(r, 100))
        }
      }
      const late = await hound(['keys', 'create', '--name', 'Late', '--db', db, '--json'])
      expect(late.code, late.stderr).toBe(0)
      expect(late.stderr).toMatch(/told the running 'hound serve'/)
      const k2 = JSON.parse(late.stdout) as { key: string; keyId: string }
      const statusWithK2 = async () =>
        (
          await fetch(`${url}/v1/screen`, {
            method: 'POST',
            headers: { 'X-API-Key': k2.key, 'content-type': 'application/json' },
            body: JSON.stringify({ addresses: [HAL] }),
          })
        ).status
      await until(async () => (await statusWithK2()) === 200)
      const rv = await hound(['keys', 'revoke', k2.keyId, '--db', db])
      expect(rv.code, rv.stderr).toBe(0)
      expect(rv.stderr).toMatch(/told the running 'hound serve'/)
      await until(async () => (await statusWithK2()) === 403)
    } finally {
      p.kill('SIGTERM')
    }
    expect(await exited).toBe(0)
    // screenings made through the server were recorded on shutdown
    const re = JSON.parse((await hound(['rescreen', '--db', db, '--json', '--dry-run'])).stdout)
    expect(re.changed).toEqual([])
    const rows = await hound(['rescreen', '--db', db, '--json'])
    expect(JSON.parse(rows.stdout).checked).toBe(1)
  })
})
