/**
 * Test-only: a seeded random chain of wallets paying each other (multi-input spends, fresh change, round
 * payments, occasional equal-output CoinJoins), with the true owner of every address. Small enough for
 * property tests; not a substitute for the simulator.
 * @internal
 */
import type { TxSpec } from '../graph/buildUtxoGraph.js'

export type RandomChain = {
  specs: TxSpec[]
  owner: Map<string, number>
  maxHeight: number
  /** True change vout by tx name. */
  change: Map<string, number>
  coinjoins: Set<string>
}

function prng(seed: number): () => number {
  let s = seed >>> 0 || 1
  return () => {
    s ^= s << 13
    s >>>= 0
    s ^= s >>> 17
    s ^= s << 5
    s >>>= 0
    return s / 2 ** 32
  }
}

export function randomChain(
  seed: number,
  opts: { entities?: number; txs?: number; perBlock?: number } = {},
): RandomChain {
  const rnd = prng(seed)
  const E = opts.entities ?? 6
  const N = opts.txs ?? 120
  const perBlock = opts.perBlock ?? 4
  const specs: TxSpec[] = []
  const owner = new Map<string, number>()
  const changeOf = new Map<string, number>()
  const coinjoins = new Set<string>()
  const utxos: { ref: string; value: number; e: number }[] = []
  let addrN = 0
  const fresh = (e: number) => {
    const a = `addr${addrN++}`
    owner.set(a, e)
    return a
  }
  let height = 0
  for (let e = 0; e < E; e++) {
    const name = `cb${e}`
    specs.push({ name, coinbase: true, height, outputs: [{ address: fresh(e), value: 5_000_000_000 }] })
    utxos.push({ ref: `${name}:0`, value: 5_000_000_000, e })
  }
  for (let k = 0; k < N; k++) {
    if (k % perBlock === 0) height++
    const name = `t${k}`
    if (rnd() < 0.08 && E >= 3) {
      // equal-output CoinJoin among 3 entities
      const parts: { ref: string; value: number; e: number }[] = []
      for (let e = 0; e < E && parts.length < 3; e++) {
        const u = utxos.findIndex((x) => x.e === (e + k) % E && x.value > 20_000_000)
        if (u >= 0) parts.push(...utxos.splice(u, 1))
      }
      if (parts.length === 3) {
        const d = 10_000_000
        specs.push({
          name,
          height,
          inputs: parts.map((p) => p.ref),
          outputs: [
            ...parts.map((p) => ({ address: fresh(p.e), value: d })),
            ...parts.map((p) => ({ address: fresh(p.e), value: p.value - d - 1_000 })),
          ],
        })
        coinjoins.add(name)
        parts.forEach((p, j) => {
          utxos.push({ ref: `${name}:${j}`, value: d, e: p.e })
          utxos.push({ ref: `${name}:${3 + j}`, value: p.value - d - 1_000, e: p.e })
        })
        continue
      }
      utxos.push(...parts)
    }
    const payer = Math.floor(rnd() * E)
    const mine = utxos.filter((u) => u.e === payer)
    if (mine.length === 0) continue
    const nIn = Math.min(mine.length, 1 + Math.floor(rnd() * 3))
    const ins = mine.slice(0, nIn)
    for (const u of ins) utxos.splice(utxos.indexOf(u), 1)
    const total = ins.reduce((s, u) => s + u.value, 0)
    const payee = (payer + 1 + Math.floor(rnd() * (E - 1))) % E
    const amount = Math.max(100_000, Math.floor((total * rnd() * 0.5) / 100_000) * 100_000)
    const change = total - amount - 2_000
    if (change <= 1_000) {
      utxos.push(...ins)
      continue
    }
    const pay = { address: fresh(payee), value: amount }
    const chg = { address: fresh(payer), value: change }
    const changeFirst = rnd() < 0.5
    specs.push({ name, height, inputs: ins.map((u) => u.ref), outputs: changeFirst ? [chg, pay] : [pay, chg] })
    changeOf.set(name, changeFirst ? 0 : 1)
    utxos.push({ ref: `${name}:${changeFirst ? 1 : 0}`, value: amount, e: payee })
    utxos.push({ ref: `${name}:${changeFirst ? 0 : 1}`, value: change, e: payer })
  }
  return { specs, owner, maxHeight: height, change: changeOf, coinjoins }
}
