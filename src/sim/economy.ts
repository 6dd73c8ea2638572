/**
 * The background economy: individuals paying merchants, payment processors and each other with change; deposits to
 * per-customer exchange addresses; exchange sweeps, batched withdrawals and cold-storage moves; miners paying pool
 * members and selling to exchanges; merchants and processors settling; the custodial mixer, the bridge vault and OTC
 * desks serving ordinary customers. Each action builds at most a few transactions and returns how many it sent.
 * @module
 */
import type { Engine, OutPlan, SentTx } from './engine.js'
import { estimateVsize, opReturnScript, type ScriptKind } from './keys.js'
import type { Rng } from './prng.js'
import type { Coin, Wallet } from './wallet.js'
import type { Exchange, Individual, World } from './world.js'

const DUST = 5_000
const COIN = 100_000_000

/** Round down to one or two significant decimal digits (people pay round amounts). */
export function roundish(v: number, rng: Rng): number {
  const mag = 10 ** Math.max(4, Math.floor(Math.log10(Math.max(v, 1))) - (rng.chance(0.5) ? 0 : 1))
  return Math.max(mag, Math.floor(v / mag) * mag)
}

export class Economy {
  constructor(
    readonly eng: Engine,
    readonly world: World,
    readonly decoys: (kind: string, txid: string, note: string) => void,
  ) {}

  get rng(): Rng {
    return this.eng.rng
  }

  /** An individual with at least `min` sat spendable (a few random tries). */
  pickFunded(list: readonly Individual[], min: number): Individual | null {
    for (let t = 0; t < 12; t++) {
      const ind = list[this.rng.int(list.length)]!
      if (ind.wallet.balance >= min) return ind
    }
    return null
  }

  /**
   * Pay `payments` from wallet `w` with change of `changeKind`. Returns the sent tx or null when unaffordable.
   * The change output is dropped (to the fee) when it would be dust.
   */
  pay(
    w: Wallet,
    payments: OutPlan[],
    changeKind: ScriptKind,
    opts: {
      strategy?: 'random' | 'largest' | 'smallest'
      feeMult?: number
      changeReuse?: number
      maxInputs?: number
      extraBytes?: number
      order?: 'bip69' | 'shuffle' | 'none'
    } = {},
  ) {
    const eng = this.eng
    let total = 0
    for (const p of payments) total += p.value
    const outKinds = payments.map((p) => (p.script ? 0 : p.kind))
    const mult = opts.feeMult ?? 1
    const base = eng.fee(estimateVsize([], [...outKinds, changeKind], opts.extraBytes ?? 0), mult)
    const perInput = eng.fee(100, mult)
    const coins = w.select(
      total,
      base,
      perInput,
      eng.height,
      opts.strategy ?? 'random',
      this.rng.int(1 << 30),
      opts.maxInputs ?? 40,
    )
    if (!coins) return null
    let inSum = 0
    for (const c of coins) inSum += c.value
    const kinds = coins.map((c) => c.kind)
    const feeWith = eng.fee(estimateVsize(kinds, [...outKinds, changeKind], opts.extraBytes ?? 0), mult)
    const feeWithout = eng.fee(estimateVsize(kinds, outKinds, opts.extraBytes ?? 0), mult)
    const outputs = payments.slice()
    const changeValue = inSum - total - feeWith
    if (changeValue >= DUST) {
      outputs.push(this.world.change(eng, w, changeKind as ScriptKind, coins, changeValue, opts.changeReuse ?? 0.05))
    } else if (inSum - total - feeWithout < 0) {
      for (const c of coins) w.add(c)
      return null
    }
    return eng.send({ inputs: coins, outputs, fp: w.fp, order: opts.order ?? (w.fp.bip69 ? 'bip69' : 'shuffle') })
  }

  /** Spend many small coins of `w` into one fresh address (self-transfer, not change). */
  consolidate(w: Wallet, kind: number, max: number): number {
    return this.consolidateTx(w, kind, max) ? 1 : 0
  }

  consolidateTx(w: Wallet, kind: number, max: number): SentTx | null {
    const eng = this.eng
    const coins = w.takeMany(max, eng.height, true)
    if (coins.length < 2) {
      for (const c of coins) w.add(c)
      return null
    }
    let sum = 0
    for (const c of coins) sum += c.value
    const fee = eng.fee(
      estimateVsize(
        coins.map((c) => c.kind),
        [kind],
      ),
      0.7,
    )
    if (sum - fee < DUST) {
      for (const c of coins) w.add(c)
      return null
    }
    return eng.send({ inputs: coins, outputs: [eng.fresh(w, kind as ScriptKind, sum - fee)], fp: w.fp })
  }

  /** An individual pays a merchant, a processor invoice or another individual. */
  individualPay(): number {
    const w = this.world
    const rng = this.rng
    const ind = this.pickFunded(w.individuals, 50_000)
    if (!ind) return 0
    const wal = ind.wallet
    if (wal.coins.length > 10 && rng.chance(0.5)) return this.consolidate(wal, w.kindFor(ind), rng.range(5, 20))
    const bal = wal.balance
    let amount = Math.min(Math.floor(rng.logNormal(400_000, 1.3)), Math.floor(bal * 0.8))
    if (amount < DUST * 2) return 0
    const r = rng.float()
    const payments: OutPlan[] = []
    if (r < 0.25) {
      const m = rng.pick(w.merchants)
      payments.push(this.eng.fresh(m.wallet, m.kind, amount))
    } else if (r < 0.4) {
      const p = rng.pick(w.processors)
      payments.push(this.eng.fresh(p.invoices, 2, amount))
    } else {
      if (rng.chance(0.4)) amount = roundish(amount, rng)
      const other = rng.pick(w.individuals)
      if (other === ind) return 0
      payments.push(w.recv(this.eng, other, amount))
      if (rng.chance(0.06)) {
        const third = rng.pick(w.individuals)
        if (third !== ind && third !== other)
          payments.push(w.recv(this.eng, third, roundish(Math.floor(amount * rng.float()) + DUST * 2, rng)))
      }
    }
    const sent = this.pay(wal, payments, w.kindFor(ind), {
      feeMult: 0.7 + rng.float() * 0.8,
      changeReuse: ind.reuse * 0.5,
    })
    return sent ? 1 : 0
  }

  /** An individual deposits to its exchange deposit address. */
  individualDeposit(): number {
    const w = this.world
    const rng = this.rng
    const ind = this.pickFunded(w.individuals, 200_000)
    if (!ind) return 0
    const ex = w.exchanges[rng.chance(0.8) ? ind.exchange : rng.int(w.exchanges.length)]!
    let amount = Math.floor(ind.wallet.balance * (0.2 + 0.75 * rng.float()))
    if (rng.chance(0.5)) amount = roundish(amount, rng)
    const sent = this.pay(ind.wallet, [w.deposit(ex, ind.entity.num, amount)], w.kindFor(ind), {
      changeReuse: ind.reuse * 0.5,
    })
    return sent ? 1 : 0
  }

  /** An exchange pays a batch of customer withdrawals from its hot wallet. */
  exchangeWithdraw(ex: Exchange): number {
    const w = this.world
    const rng = this.rng
    const budget = ex.hot.spendableBalance(this.eng.height) * 0.04
    if (budget < COIN / 100) return 0
    const n = rng.chance(0.35) ? 1 : rng.chance(0.8) ? rng.range(2, 12) : rng.range(13, 80)
    const payments: OutPlan[] = []
    let total = 0
    for (let i = 0; i < n; i++) {
      let v = Math.floor(rng.logNormal(3_000_000, 1.4))
      if (rng.chance(0.5)) v = roundish(v, rng)
      if (total + v > budget) break
      const ind = rng.pick(w.individuals)
      payments.push(w.recv(this.eng, ind, v))
      total += v
    }
    if (payments.length === 0) return 0
    return this.pay(ex.hot, payments, ex.hotKind, { strategy: 'largest', changeReuse: 0.5, maxInputs: 20 }) ? 1 : 0
  }

  /**
   * Sweep `coins` (already taken from `from`) into the single output `makeOut(value)` signed with `to`'s
   * fingerprint (fee at 0.6 of the going rate); when what is left would be dust the coins go back to `from`.
   */
  private sweep(
    from: Wallet,
    coins: Coin[],
    to: Wallet,
    outKind: number,
    makeOut: (value: number) => OutPlan,
  ): boolean {
    const eng = this.eng
    let sum = 0
    for (const c of coins) sum += c.value
    const fee = eng.fee(
      estimateVsize(
        coins.map((c) => c.kind),
        [outKind],
      ),
      0.6,
    )
    if (sum - fee > DUST) {
      eng.send({ inputs: coins, outputs: [makeOut(sum - fee)], fp: to.fp })
      return true
    }
    for (const c of coins) from.add(c)
    return false
  }

  /** Sweep customer deposits into the hot wallet; balance hot and cold storage. */
  exchangeSweep(ex: Exchange): number {
    const eng = this.eng
    const rng = this.rng
    let sent = 0
    if (ex.dep.coins.length >= 5) {
      const coins = ex.dep.takeMany(rng.range(20, 150), eng.height)
      const swept = this.sweep(ex.dep, coins, ex.hot, ex.hotKind, (value) => {
        // exchanges often sweep to the hot address they used last (address reuse)
        const out =
          ex.hot.lastRecv >= 0 && rng.chance(0.6)
            ? { value, wallet: ex.hot, kind: ex.hot.lastRecvKind, idx: ex.hot.lastRecv, fresh: false }
            : eng.fresh(ex.hot, ex.hotKind, value)
        ex.hot.lastRecv = out.idx
        ex.hot.lastRecvKind = out.kind
        return out
      })
      if (swept) sent++
    }
    const hot = ex.hot.balance
    const total = hot + ex.cold.balance
    if (hot > 0.7 * total && total > 10 * COIN && rng.chance(0.3)) {
      // cold-storage move: a round amount to a fresh cold address
      const v = roundish(Math.floor(hot * 0.4), rng)
      if (this.pay(ex.hot, [eng.fresh(ex.cold, 0, v)], ex.hotKind, { strategy: 'largest', maxInputs: 60 })) sent++
    } else if (hot < 0.15 * total && ex.cold.balance > COIN) {
      const coins = ex.cold.takeMany(rng.range(1, 4), eng.height)
      let sum = 0
      for (const c of coins) sum += c.value
      const fee = eng.fee(
        estimateVsize(
          coins.map((c) => c.kind),
          [ex.hotKind, 0],
        ),
      )
      const toHot = Math.floor(sum * 0.5)
      eng.send({
        inputs: coins,
        outputs: [eng.fresh(ex.hot, ex.hotKind, toHot), eng.fresh(ex.cold, 0, sum - toHot - fee)],
        fp: ex.cold.fp,
      })
      sent++
    }
    if (ex.hot.coins.length > 150) sent += this.consolidate(ex.hot, ex.hotKind, 100)
    if (ex.cold.coins.length > 40) {
      const tx = this.consolidateTx(ex.cold, 0, 40)
      if (tx) {
        sent++
        this.decoys('fan_in', tx.hex(), `${ex.entity.id} cold-storage consolidation (many inputs, one output)`)
      }
    }
    return sent
  }

  /** A miner with matured coinbases pays pool members and sells to an exchange; early on it also funds services. */
  minerPayout(mi: number, bootstrap: boolean): number {
    const w = this.world
    const eng = this.eng
    const rng = this.rng
    const m = w.miners[mi]!
    const avail = m.wallet.spendableBalance(eng.height)
    if (avail < COIN / 10) return 0
    const payments: OutPlan[] = []
    let budget = Math.floor(avail * 0.9)
    const ex = w.exchanges[mi % w.exchanges.length]!
    const sell = Math.floor(budget * (bootstrap ? 0.45 : 0.35))
    payments.push(w.deposit(ex, 5_000_000 + mi, sell))
    budget -= sell
    if (bootstrap) {
      const services: Wallet[] = [
        w.mixer.pool,
        w.bridge.vault,
        ...w.otcs.map((o) => o.wallet),
        ...w.processors.map((p) => p.settle),
      ]
      for (const s of services) {
        const v = Math.floor(budget * 0.02)
        payments.push(eng.fresh(s, 2, v))
      }
      budget = Math.floor(budget * (1 - 0.02 * services.length))
      const ex2 = w.exchanges[rng.int(w.exchanges.length)]!
      const v = Math.floor(budget * 0.3)
      payments.push(eng.fresh(ex2.hot, ex2.hotKind, v))
      budget -= v
    }
    const n = rng.range(40, 180)
    const share = Math.floor(budget / n)
    for (let i = 0; i < n && share > DUST; i++) {
      const ind = rng.pick(w.individuals)
      payments.push(w.recv(eng, ind, Math.max(DUST, Math.floor(share * (0.3 + 1.4 * rng.float())))))
    }
    let total = 0
    for (const p of payments) total += p.value
    while (total > avail * 0.97 && payments.length > 2) total -= payments.pop()!.value
    return this.pay(m.wallet, payments, m.kind, { strategy: 'largest', maxInputs: 120 }) ? 1 : 0
  }

  /** A merchant sells to an exchange, pays a supplier, or (rarely) pays an equal-amount payroll batch (decoy). */
  merchantSpend(): number {
    const w = this.world
    const rng = this.rng
    const eng = this.eng
    const mi = rng.int(w.merchants.length)
    const m = w.merchants[mi]!
    const bal = m.wallet.balance
    if (bal < COIN / 20) return 0
    if (m.wallet.coins.length > 30) return this.consolidate(m.wallet, m.kind, 30)
    const r = rng.float()
    if (r < 0.03) {
      const n = rng.range(8, 30)
      const each = roundish(Math.floor((bal * 0.5) / n), rng)
      if (each < DUST * 4) return 0
      const payments = Array.from({ length: n }, () => w.recv(eng, rng.pick(w.individuals), each))
      const sent = this.pay(m.wallet, payments, m.kind, { strategy: 'largest' })
      if (sent)
        this.decoys('equal_amount_batch', sent.hex(), `${m.entity.id} payroll: ${n} equal payments of ${each} sat`)
      return sent ? 1 : 0
    }
    if (r < 0.6) {
      const ex = w.exchanges[mi % w.exchanges.length]!
      const v = Math.floor(bal * (0.5 + 0.4 * rng.float()))
      return this.pay(m.wallet, [w.deposit(ex, 6_000_000 + mi, v)], m.kind) ? 1 : 0
    }
    const s = rng.pick(w.merchants)
    if (s === m) return 0
    return this.pay(m.wallet, [eng.fresh(s.wallet, s.kind, Math.floor(bal * 0.3 * rng.float()) + DUST * 2)], m.kind)
      ? 1
      : 0
  }

  /** A payment processor sweeps invoices into its settlement wallet and pays merchants in a batch. */
  processorSettle(): number {
    const w = this.world
    const eng = this.eng
    const rng = this.rng
    const p = rng.pick(w.processors)
    let sent = 0
    if (p.invoices.coins.length >= 5) {
      const coins = p.invoices.takeMany(100, eng.height)
      if (this.sweep(p.invoices, coins, p.settle, 2, (value) => eng.fresh(p.settle, 2, value))) sent++
    }
    const bal = p.settle.balance
    if (bal > COIN / 10) {
      const n = rng.range(3, 20)
      const payments: OutPlan[] = []
      for (let i = 0; i < n; i++) {
        const m = rng.pick(w.merchants)
        payments.push(eng.fresh(m.wallet, m.kind, Math.floor((bal * 0.6 * rng.float()) / n) + DUST * 2))
      }
      if (this.pay(p.settle, payments, 2, { strategy: 'largest', changeReuse: 0.7 })) sent++
    }
    return sent
  }

  /** Custodial mixer: a customer deposits, the mixer sweeps deposits, pays withdrawals minus its fee. */
  mixerActivity(): number {
    const w = this.world
    const eng = this.eng
    const rng = this.rng
    const mx = w.mixer
    let sent = 0
    const r = rng.float()
    if (r < 0.45) {
      const ind = this.pickFunded(w.individuals, 1_000_000)
      if (ind) {
        const v = Math.floor(ind.wallet.balance * (0.3 + 0.6 * rng.float()))
        if (this.pay(ind.wallet, [eng.fresh(mx.dep, 2, v)], w.kindFor(ind))) sent++
      }
    } else if (r < 0.6 && mx.dep.coins.length >= 3) {
      const coins = mx.dep.takeMany(50, eng.height)
      if (this.sweep(mx.dep, coins, mx.pool, 2, (value) => eng.fresh(mx.pool, 2, value))) sent++
    } else if (mx.pool.balance > COIN / 10) {
      const n = rng.range(1, 6)
      const payments: OutPlan[] = []
      for (let i = 0; i < n; i++) {
        const v = Math.floor(rng.logNormal(5_000_000, 1.2))
        payments.push(
          w.recv(
            eng,
            rng.pick(w.privacy.length > 0 ? w.privacy : w.individuals),
            Math.min(v, Math.floor(mx.pool.balance / (2 * n))),
          ),
        )
      }
      if (this.pay(mx.pool, payments, 2, { strategy: 'largest', maxInputs: 20 })) sent++
    }
    return sent
  }

  /** Bridge vault: ordinary users swap BTC out (memo-carrying deposit) or receive BTC from other chains. */
  bridgeActivity(): number {
    const w = this.world
    const eng = this.eng
    const rng = this.rng
    const b = w.bridge
    if (rng.chance(0.5)) {
      const ind = this.pickFunded(w.individuals, 1_000_000)
      if (!ind) return 0
      const v = Math.floor(ind.wallet.balance * (0.2 + 0.6 * rng.float()))
      const dest = `0x${Buffer.from(rng.fill(new Uint8Array(20))).toString('hex')}`
      const memo = `=:ETH.ETH:${dest}`
      const sent = this.pay(
        ind.wallet,
        [
          vaultOut(b, v),
          {
            value: 0,
            wallet: null,
            kind: 0,
            idx: 0,
            fresh: false,
            script: opReturnScript(new TextEncoder().encode(memo)),
          },
        ],
        w.kindFor(ind),
        { extraBytes: memo.length + 3 },
      )
      if (sent && rng.chance(0.3))
        this.decoys('legit_chain_hop', sent.hex(), `${ind.entity.id} swaps BTC to ETH (memo ${memo})`)
      return sent ? 1 : 0
    }
    if (b.vault.balance < COIN / 10) return 0
    const ind = rng.pick(w.individuals)
    const v = Math.floor(Math.min(rng.logNormal(3_000_000, 1.2), b.vault.balance / 4))
    const memo = `OUT:${Buffer.from(rng.fill(new Uint8Array(32)))
      .toString('hex')
      .toUpperCase()}`
    const sent = this.pay(
      b.vault,
      [
        w.recv(eng, ind, v),
        {
          value: 0,
          wallet: null,
          kind: 0,
          idx: 0,
          fresh: false,
          script: opReturnScript(new TextEncoder().encode(memo)),
        },
      ],
      2,
      { strategy: 'largest', changeReuse: 1, extraBytes: memo.length + 3, maxInputs: 20 },
    )
    return sent ? 1 : 0
  }

  /** OTC desks: a client sells BTC to the desk, the desk delivers BTC to a buyer or settles on an exchange. */
  otcActivity(): number {
    const w = this.world
    const eng = this.eng
    const rng = this.rng
    const o = rng.pick(w.otcs)
    const r = rng.float()
    if (r < 0.4) {
      const ind = this.pickFunded(w.individuals, 5_000_000)
      if (!ind) return 0
      const v = roundish(Math.floor(ind.wallet.balance * 0.8), rng)
      return this.pay(ind.wallet, [otcOut(o.wallet, v)], w.kindFor(ind)) ? 1 : 0
    }
    if (o.wallet.balance < COIN) return 0
    if (r < 0.8) {
      const v = roundish(Math.floor(o.wallet.balance * 0.2 * rng.float()) + COIN / 100, rng)
      return this.pay(o.wallet, [w.recv(eng, rng.pick(w.individuals), v)], 2, { strategy: 'largest', changeReuse: 0.8 })
        ? 1
        : 0
    }
    const ex = rng.pick(w.exchanges)
    const v = Math.floor(o.wallet.balance * 0.4)
    return this.pay(o.wallet, [w.deposit(ex, 7_000_000 + o.entity.num, v)], 2, {
      strategy: 'largest',
      changeReuse: 0.8,
    })
      ? 1
      : 0
  }

  /** Decoy: an individual makes several deposits just below a round amount to its exchange (legitimate). */
  roundDepositsDecoy(): number {
    const w = this.world
    const rng = this.rng
    const ind = this.pickFunded(w.individuals, 60_000_000)
    if (!ind) return 0
    const ex = w.exchanges[ind.exchange]!
    const each = 9_900_000 + rng.int(90_000)
    let sent = 0
    for (let i = 0; i < 5 && ind.wallet.balance > each * 1.2; i++) {
      const tx = this.pay(ind.wallet, [w.deposit(ex, ind.entity.num, each)], w.kindFor(ind))
      if (!tx) break
      sent++
      this.decoys(
        'structuring_like',
        tx.hex(),
        `${ind.entity.id} deposits ${each} sat (just below 0.1 BTC) to its own exchange account`,
      )
    }
    return sent
  }

  /** Decoy: a merchant pays suppliers in a chain of 1-in/2-out transactions (peel-like but legitimate). */
  peelLikeDecoy(): number {
    const w = this.world
    const rng = this.rng
    const eng = this.eng
    const m = w.merchants[rng.int(w.merchants.length)]!
    if (m.wallet.balance < COIN / 2) return 0
    // first merge into one coin, then peel small supplier payments off it
    if (this.consolidate(m.wallet, m.kind, 200) === 0) return 0
    let sent = 1
    const steps = rng.range(3, 6)
    for (let i = 0; i < steps; i++) {
      const big = m.wallet.coins.reduce<Coin | null>((a, c) => (a && a.value >= c.value ? a : c), null)
      if (!big || big.value < COIN / 10) break
      m.wallet.take([big])
      const peel = Math.floor(big.value * (0.02 + 0.05 * rng.float()))
      const s = rng.pick(w.merchants)
      const fee = eng.fee(estimateVsize([big.kind], [s.kind, m.kind]))
      const cont = this.world.change(eng, m.wallet, m.kind, [], big.value - peel - fee, 0)
      const tx = eng.send({ inputs: [big], outputs: [eng.fresh(s.wallet, s.kind, peel), cont], fp: m.wallet.fp })
      this.decoys('peel_like', tx.hex(), `${m.entity.id} pays supplier ${s.entity.id} from a single large coin`)
      sent++
    }
    return sent
  }
}

/** The bridge's current vault address (reused until the vault churns). */
export function vaultOut(b: World['bridge'], value: number): OutPlan {
  const idx = b.vaultIdx
  const fresh = b.vault.lastRecv !== idx
  return { value, wallet: b.vault, kind: 2, idx, fresh, commit: () => (b.vault.lastRecv = idx) }
}

/** An OTC desk's receiving address (a handful reused per desk). */
export function otcOut(w: Wallet, value: number): OutPlan {
  const fresh = w.lastRecv < 0
  return { value, wallet: w, kind: 2, idx: 0, fresh, commit: () => (w.lastRecv = 0) }
}
