import { createHash } from 'node:crypto'
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type ChainView, readJsonl, validateChain } from './_validateChain.js'
import { type SimSummary, simulate } from './simulate.js'

type Row = Record<string, unknown>
const root = mkdtempSync(join(tmpdir(), 'hound-sim-'))
const A = join(root, 'a')
const B = join(root, 'b')
const C = join(root, 'c')
let sa: SimSummary
let view: ChainView
let owner: Map<string, { entity: string; type: string }>

const fileHashes = (dir: string) =>
  [...readdirSync(dir).filter((f) => f.endsWith('.dat')), ...readdirSync(join(dir, 'truth')).map((f) => `truth/${f}`)]
    .sort()
    .map(
      (f) =>
        `${f}:${createHash('sha256')
          .update(readFileSync(join(dir, f)))
          .digest('hex')}`,
    )

beforeAll(() => {
  sa = simulate({ seed: 'test-1', txs: 12_000, network: 'regtest', outDir: A })
  simulate({ seed: 'test-1', txs: 12_000, network: 'regtest', outDir: B })
  simulate({ seed: 'test-2', txs: 6_000, network: 'regtest', outDir: C })
  view = validateChain(A, 'regtest')
  owner = new Map(
    readJsonl<{ address: string; entity: string; type: string }>(A, 'addresses').map((r) => [r.address, r]),
  )
}, 240_000)

afterAll(() => rmSync(root, { recursive: true, force: true }))

const out = (txid: string, vout: number) => {
  const o = view.outs.get(txid)?.[vout]
  if (!o) throw new Error(`missing output ${txid}:${vout}`)
  return o
}

describe('simulate: the chain', () => {
  it('decodes with bitcoinjs-lib and decodeBlock; links, merkle roots, witness commitments, PoW, BIP34 hold', () => {
    expect(view.errors.slice(0, 10)).toEqual([])
    const meta = JSON.parse(readFileSync(join(A, 'truth', 'meta.json'), 'utf8'))
    expect(view.blocks).toBe(meta.blocks)
    expect(view.txs).toBe(meta.txs)
    expect(meta.txs).toBeGreaterThanOrEqual(12_000)
    expect(meta.txs).toBeLessThan(12_100)
    expect(meta).toMatchObject({
      seed: 'test-1',
      network: 'regtest',
      chain: 'btc-regtest',
      generator: 'ledgerhound-sim',
      version: 1,
    })
  })

  it('every input spends an existing unspent output and no transaction creates value', () => {
    // validateChain records both as errors; make sure it actually looked at spends
    let inputs = 0
    for (const l of view.ins.values()) inputs += l.length
    expect(inputs).toBeGreaterThan(10_000)
    expect(view.errors.filter((e) => /spends|creates|double/.test(e))).toEqual([])
  })

  it('uses every script type the issue asks for, and segwit witnesses', () => {
    const kinds = new Set<string>()
    for (const outs of view.outs.values())
      for (const o of outs) {
        const s = o.script
        if (s.length === 25 && s[0] === 0x76) kinds.add('p2pkh')
        else if (s.length === 23 && s[0] === 0xa9) kinds.add('p2sh')
        else if (s.length === 22 && s[0] === 0) kinds.add('p2wpkh')
        else if (s.length === 34 && s[0] === 0x51) kinds.add('p2tr')
        else if (s[0] === 0x6a) kinds.add('op_return')
      }
    expect([...kinds].sort()).toEqual(['op_return', 'p2pkh', 'p2sh', 'p2tr', 'p2wpkh'])
    let sigSizes = new Set<number>()
    for (const t of view.tx.values())
      for (const i of t.ins) if (i.witness.length === 2) sigSizes.add(i.witness[0]!.length)
    sigSizes = new Set([...sigSizes].filter((n) => n !== 32))
    expect([...sigSizes].sort()).toEqual([71, 72])
  })

  it('is deterministic: same seed → same bytes; different seed → different chain', () => {
    expect(fileHashes(B)).toEqual(fileHashes(A))
    expect(fileHashes(C)[0]).not.toEqual(fileHashes(A)[0])
    expect(sa.liveCoins).toBeGreaterThan(0)
  })
})

describe('simulate: the truth agrees with the chain', () => {
  it('addresses.jsonl names the owner of every output address, once; entity types match entities.jsonl', () => {
    const ents = new Map(readJsonl<{ entity: string; type: string }>(A, 'entities').map((e) => [e.entity, e.type]))
    const rows = readJsonl<{ address: string; entity: string; type: string }>(A, 'addresses')
    expect(new Set(rows.map((r) => r.address)).size).toBe(rows.length)
    for (const r of rows) expect(ents.get(r.entity)).toBe(r.type)
    let checked = 0
    for (const outs of view.outs.values())
      for (const o of outs) {
        if (o.address === null) continue
        checked++
        if (!owner.has(o.address)) throw new Error(`address ${o.address} missing from addresses.jsonl`)
      }
    // genesis output is P2PK (no address); everything else has one
    expect(checked).toBeGreaterThan(10_000)
    expect(rows.length).toBeLessThanOrEqual(checked)
  })

  it('change.jsonl: every change output exists and belongs to an entity that funded the transaction', () => {
    const rows = readJsonl<{ txid: string; vout: number; entity: string }>(A, 'change')
    expect(rows.length).toBeGreaterThan(3_000)
    for (const r of rows) {
      const o = out(r.txid, r.vout)
      expect(owner.get(o.address!)!.entity).toBe(r.entity)
      const senders = view.ins.get(r.txid)!.map(([p, v]) => owner.get(out(p, v).address!)!.entity)
      expect(senders).toContain(r.entity)
    }
  })

  it('coinjoins.jsonl: shapes of Wasabi 1.x, WabiSabi, Whirlpool (tx0 and mixes) and JoinMarket', () => {
    const rows = readJsonl<{ txid: string; kind: string; participants: number; denomination: number }>(A, 'coinjoins')
    const kinds = new Set(rows.map((r) => r.kind))
    for (const k of ['wasabi1', 'whirlpool', 'whirlpool_tx0', 'joinmarket']) expect(kinds).toContain(k)
    for (const r of rows) {
      const t = view.tx.get(r.txid)!
      const values = t.outs.map((o) => Number(o.value))
      if (r.kind === 'whirlpool') {
        expect(values.every((v) => v === r.denomination)).toBe(true)
        expect(t.ins.length).toBe(t.outs.length)
        expect(t.ins.length).toBeGreaterThanOrEqual(5)
        expect(t.ins.length).toBeLessThanOrEqual(8)
      } else if (r.kind === 'wasabi1') {
        expect(values.filter((v) => v === r.denomination).length).toBeGreaterThanOrEqual(10)
        expect(r.denomination).toBeGreaterThanOrEqual(8_000_000)
        expect(r.denomination).toBeLessThanOrEqual(12_000_000)
      } else if (r.kind === 'wabisabi') {
        expect(t.ins.length).toBeGreaterThanOrEqual(50)
        expect(t.locktime).toBe(0)
        expect(values).toEqual([...values].sort((a, b) => b - a))
      } else if (r.kind === 'joinmarket') {
        expect(values.filter((v) => v === r.denomination).length).toBe(r.participants)
      } else if (r.kind === 'whirlpool_tx0') {
        expect(t.outs.some((o) => o.script[0] === 0x6a)).toBe(true)
      }
    }
  })

  it('incidents: stolen outputs exist, and Σ flows = stolen amount − fees paid, with every flow an existing output of that owner', () => {
    const incidents = readJsonl<{
      incident: string
      stolenOutputs: string[]
      stolenAmount: number
      feesPaid: number
      coinjoin: boolean
    }>(A, 'incidents')
    const flows = readJsonl<{
      incident: string
      txid: string
      vout: number
      address: string
      entity: string
      kind: string
      amount: number
    }>(A, 'flows')
    expect(incidents.length).toBe(3)
    for (const inc of incidents) {
      const stolen = inc.stolenOutputs.reduce((a, s) => {
        const [t, v] = s.split(':')
        return a + out(t!, Number(v)).value
      }, 0)
      expect(stolen).toBe(inc.stolenAmount)
      const fl = flows.filter((f) => f.incident === inc.incident)
      expect(fl.reduce((a, f) => a + f.amount, 0)).toBe(inc.stolenAmount - inc.feesPaid)
      for (const f of fl) {
        const o = out(f.txid, f.vout)
        expect(o.value).toBe(f.amount)
        expect(o.address).toBe(f.address)
        expect(owner.get(f.address)!.entity).toBe(f.entity)
      }
    }
    expect(incidents.some((i) => i.coinjoin)).toBe(true)
  })

  it('incident-1 (no CoinJoin) exits only to labelled services, and walking the chain from the theft finds exactly its flows', () => {
    const inc = readJsonl<{ incident: string; stolenOutputs: string[]; feesPaid: number; coinjoin: boolean }>(
      A,
      'incidents',
    )[0]!
    expect(inc.coinjoin).toBe(false)
    const labelled = new Set(readJsonl<{ address: string }>(A, 'labels').map((l) => l.address))
    const flows = readJsonl<{ incident: string; txid: string; vout: number; address: string; kind: string }>(
      A,
      'flows',
    ).filter((f) => f.incident === 'incident-1')
    for (const f of flows) {
      expect(['exchange_deposit', 'mixer', 'bridge', 'otc']).toContain(f.kind)
      expect(labelled.has(f.address)).toBe(true)
    }
    expect(new Set(flows.map((f) => f.kind))).toEqual(new Set(['exchange_deposit', 'mixer', 'bridge', 'otc']))
    // independent walk: follow thief-owned outputs through the spending transactions
    const spender = new Map<string, string>()
    for (const [txid, list] of view.ins) for (const [p, v] of list) spender.set(`${p}:${v}`, txid)
    const exits = new Set<string>()
    let fees = 0
    const queue = [...inc.stolenOutputs]
    const seenTx = new Set<string>()
    while (queue.length > 0) {
      const op = queue.shift()!
      const txid = spender.get(op)
      expect(txid, `stolen coin ${op} left unspent`).toBeDefined()
      if (seenTx.has(txid!)) continue
      seenTx.add(txid!)
      fees += view.fee.get(txid!)!
      view.outs.get(txid!)!.forEach((o, vout) => {
        if (o.address === null) return
        if (owner.get(o.address)!.type === 'thief') queue.push(`${txid}:${vout}`)
        else exits.add(`${txid}:${vout}`)
      })
    }
    expect(fees).toBe(inc.feesPaid)
    expect([...exits].sort()).toEqual(flows.map((f) => `${f.txid}:${f.vout}`).sort())
  })

  it('peel chains link step to step; structuring deposits are equal and just below the round amount; hops carry the memo', () => {
    const peels = readJsonl<{
      incident: string
      chain: number
      step: number
      txid: string
      peelVout: number
      continuationVout: number
      peelAmount: number
    }>(A, 'peel_chains')
    expect(peels.length).toBeGreaterThan(10)
    for (let i = 1; i < peels.length; i++) {
      const a = peels[i - 1]!
      const b = peels[i]!
      expect(out(b.txid, b.peelVout).value).toBe(b.peelAmount)
      expect(owner.get(out(b.txid, b.peelVout).address!)!.type).toBe('exchange')
      if (a.incident === b.incident && a.chain === b.chain) {
        expect(b.step).toBe(a.step + 1)
        expect(view.ins.get(b.txid)).toEqual([[a.txid, a.continuationVout]])
      }
    }
    const st = readJsonl<{
      incident: string
      txid: string
      vout: number
      amount: number
      service: string
      round: number
    }>(A, 'structuring')
    expect(st.length).toBeGreaterThanOrEqual(6)
    for (const s of st) {
      expect(out(s.txid, s.vout).value).toBe(s.amount)
      expect(owner.get(out(s.txid, s.vout).address!)!.entity).toBe(s.service)
      expect(s.amount).toBeLessThan(s.round)
      expect(s.amount).toBeGreaterThanOrEqual(s.round * 0.98)
    }
    const hops = readJsonl<{
      txid: string
      vout: number
      amount: number
      service: string
      memo: string
      destAddress: string
    }>(A, 'chain_hops')
    expect(hops.length).toBeGreaterThan(0)
    for (const h of hops) {
      expect(out(h.txid, h.vout).value).toBe(h.amount)
      expect(owner.get(out(h.txid, h.vout).address!)!.entity).toBe(h.service)
      const opret = view.tx.get(h.txid)!.outs.find((o) => o.script[0] === 0x6a)!
      expect(Buffer.from(opret.script).toString('latin1')).toContain(h.memo)
      expect(h.memo).toMatch(/^=:[A-Z]+\.[A-Z]+:0x[0-9a-f]{40}$/)
    }
  })

  it('labels.jsonl is in the label-import format and every label names the true owner', () => {
    const labels = readJsonl<Row>(A, 'labels')
    expect(labels.length).toBeGreaterThan(100)
    for (const l of labels) {
      expect(l).toMatchObject({ chain: 'btc-regtest', source: 'simulator', confidence: 'ownership', tlp: 'clear' })
      expect(owner.get(l.address as string)!.entity).toBe(l.entity)
    }
    const cats = new Set(labels.map((l) => l.category))
    for (const c of ['exchange', 'mixer', 'bridge', 'otc', 'mining_pool']) expect(cats).toContain(c)
  })

  it('decoys name existing transactions', () => {
    const decoys = readJsonl<{ kind: string; txid: string }>(A, 'decoys')
    expect(decoys.length).toBeGreaterThan(0)
    for (const d of decoys) expect(view.tx.has(d.txid)).toBe(true)
  })
})

describe('simulate: mainnet flavour and bad options', () => {
  it('writes mainnet magic and addresses, from the real mainnet genesis block', () => {
    const dir = join(root, 'main')
    const s = simulate({ seed: 'm', txs: 5_000, network: 'mainnet', outDir: dir })
    expect(s.chain).toBe('btc')
    const v = validateChain(dir, 'mainnet')
    expect(v.errors.slice(0, 5)).toEqual([])
    expect(v.txs).toBe(s.txs)
    const addrs = readJsonl<{ address: string }>(dir, 'addresses').map((a) => a.address)
    expect(addrs.every((a) => /^(bc1[qp]|[13])/.test(a))).toBe(true)
    expect(readJsonl<{ chain: string }>(dir, 'labels')[0]!.chain).toBe('btc')
  }, 120_000)

  it('refuses fewer than 5,000 transactions with a usage error', () => {
    expect(() => simulate({ seed: 'x', txs: 100, network: 'regtest', outDir: join(root, 'x') })).toThrow(
      expect.objectContaining({ code: 'HOUND_ERR_USAGE' }),
    )
  })
})
