/**
 * Incidents modelled on the public record of the DPRK exchange hacks (UN Panel of Experts 2019, DOJ cases 2020,
 * Chainalysis reports; ../shared/reference/heuristics.md §5.1, §5.11–5.13): theft from an exchange hot wallet,
 * fan-out and consolidation, long peel chains peeling small amounts to exchange deposit accounts, structured equal
 * deposits just below a round amount into a custodial mixer, chain hops through a bridge vault with a THORChain-style
 * memo, OTC cash-out, and CoinJoin rounds (Whirlpool, Wasabi 1.x). Thief wallets only ever hold stolen coins, so every
 * output that leaves them carries exactly stolen value: flows.jsonl lists these exits, and per incident
 * Σ flows + fees paid = stolen amount (checked at the end).
 * @module
 */
import { InvariantError } from '../core/errors.js'
import type { CoinJoins } from './coinjoin.js'
import type { Economy } from './economy.js'
import { otcOut, vaultOut } from './economy.js'
import type { Engine, OutPlan, SentTx } from './engine.js'
import { estimateVsize, opReturnScript, P2WPKH } from './keys.js'
import type { TruthWriter } from './truthWriter.js'
import { type Coin, type Fingerprint, Wallet } from './wallet.js'
import type { World } from './world.js'

export type Route = 'peel' | 'structuring' | 'bridge' | 'otc' | 'whirlpool' | 'wasabi1'
export type FlowKind = 'exchange_deposit' | 'mixer' | 'bridge' | 'otc' | 'coinjoin' | 'unspent' | 'other'

export type IncidentParams = {
  id: string
  name: string
  victim: number
  /** Height of the theft, and the height by which every route should be done. */
  start: number
  deadline: number
  stolenFrac: number
  theftOutputs: number
  fanOut: number
  routes: { route: Route; share: number }[]
  /** Only use exchange deposit accounts investigators know (the traceable demo incident). */
  labelledOnly: boolean
  peelChains: number
  peelSteps: number
  peelFrac: [number, number]
  bridgeHops: number
  destChain: 'eth' | 'bsc' | 'avax'
}

const DUST = 5_000
const thiefFp: Fingerprint = { version: 2, antiSnipe: false, rbf: false, bip69: false }
const chainAsset = { eth: 'ETH.ETH', bsc: 'BSC.BNB', avax: 'AVAX.AVAX' } as const

type RouteState = {
  route: Route
  coins: Coin[]
  steps: number
  done: boolean
  chain: number
  perBlock: number
  a?: number
  R?: number
  pending?: number
}

export class Incident {
  readonly wallet: Wallet
  phase: 'pending' | 'stolen' | 'fanned' | 'consolidated' | 'routing' | 'done' = 'pending'
  stolenOutputs: string[] = []
  stolenAmount = 0
  feesPaid = 0
  exited = 0
  theftHeight = 0
  theftTime = 0
  usedCoinJoin = false
  private held: Coin[] = []
  private readonly routes: RouteState[] = []
  private wait = 0

  constructor(
    readonly p: IncidentParams,
    readonly eng: Engine,
    readonly world: World,
    readonly eco: Economy,
    readonly cj: CoinJoins,
    readonly truth: TruthWriter,
  ) {
    const e = world.entity('thief', `thief-${p.id.replace('incident-', '')}`, `Attacker of ${p.id} (DPRK-style)`, false)
    this.wallet = new Wallet(e, e.num * 8, thiefFp, null)
  }

  private get rng() {
    return this.eng.rng
  }

  private fresh(value: number): OutPlan {
    const o = this.eng.fresh(this.wallet, P2WPKH, value)
    o.hold = true
    return o
  }

  private address(o: OutPlan): string {
    if (o.address) return o.address
    const k = this.eng.o.keys
    return k.address(o.kind, k.program(o.kind, o.wallet!.keyId, o.idx))
  }

  /** A thief transaction: fee accounting, exits recorded as flows, thief outputs returned as coins. */
  private send(
    inputs: Coin[],
    thiefOuts: OutPlan[],
    exits: { o: OutPlan; kind: FlowKind }[],
    memo?: Uint8Array,
  ): { tx: SentTx; coins: Coin[] } {
    const outputs = [...thiefOuts, ...exits.map((x) => x.o)]
    if (memo) outputs.push({ value: 0, wallet: null, kind: 0, idx: 0, fresh: false, script: opReturnScript(memo) })
    const tx = this.eng.send({ inputs, outputs, fp: thiefFp, order: 'shuffle' })
    this.feesPaid += tx.fee
    for (const x of exits) this.flow(tx, x.o, x.kind, tx.coins[outputs.indexOf(x.o)]!.hops)
    return { tx, coins: thiefOuts.map((o) => tx.coins[outputs.indexOf(o)]!) }
  }

  private flow(tx: SentTx, o: OutPlan, kind: FlowKind, hops: number): void {
    const w = o.wallet!
    this.exited += o.value
    this.truth.write('flows', {
      incident: this.p.id,
      txid: tx.hex(),
      vout: o.vout,
      address: this.address(o),
      entity: w.entity.id,
      entityType: w.entity.type,
      kind,
      amount: o.value,
      hops,
    })
  }

  private feeFor(nIn: number, nOut: number, extra = 0): number {
    return this.eng.fee(estimateVsize(new Array(nIn).fill(P2WPKH), new Array(nOut).fill(P2WPKH), extra), 1.2)
  }

  private depositAccount(ex: number): OutPlan {
    const w = this.world
    const e = w.exchanges[ex]!
    return w.deposit(e, w.newAccount(e, this.p.labelledOnly ? true : null), 0)
  }

  private otherExchange(): number {
    const n = this.world.exchanges.length
    let i = this.rng.int(n)
    if (i === this.p.victim) i = (i + 1) % n
    return i
  }

  /** Advance by one block; returns transactions sent. */
  step(): number {
    const eng = this.eng
    if (this.phase === 'done' || eng.height < this.p.start) return 0
    if (this.wait > 0) {
      this.wait--
      return 0
    }
    switch (this.phase) {
      case 'pending':
        return this.theft()
      case 'stolen':
        if (this.p.fanOut > 1) return this.fanOut()
        return this.consolidate()
      case 'fanned':
        return this.consolidate()
      case 'consolidated':
        return this.split()
      default:
        return this.runRoutes()
    }
  }

  private theft(): number {
    const w = this.world
    const ex = w.exchanges[this.p.victim]!
    const avail = ex.hot.spendableBalance(this.eng.height)
    const stolen = Math.floor(avail * this.p.stolenFrac)
    if (stolen < 100_000_000) return 0
    const n = this.p.theftOutputs
    const outs: OutPlan[] = []
    let left = stolen
    for (let i = 0; i < n; i++) {
      const v = i === n - 1 ? left : Math.floor((stolen / n) * (0.6 + 0.8 * this.rng.float()))
      outs.push(this.fresh(v))
      left -= v
    }
    const tx = this.eco.pay(ex.hot, outs, ex.hotKind, { strategy: 'largest', maxInputs: 80 })
    if (!tx) return 0
    this.held = outs.map((o) => {
      const c = tx.coins[this.indexIn(tx, o)]!
      return { ...c, hops: 0 }
    })
    this.stolenOutputs = outs.map((o) => `${tx.hex()}:${o.vout}`)
    this.stolenAmount = stolen
    this.theftHeight = this.eng.height
    this.theftTime = this.eng.time
    this.phase = 'stolen'
    this.wait = this.rng.range(0, 1)
    return 1
  }

  private indexIn(tx: SentTx, o: OutPlan): number {
    for (let j = 0; j < tx.coins.length; j++) {
      const c = tx.coins[j]
      if (c && c.vout === o.vout) return j
    }
    throw new InvariantError('output not found in sent transaction')
  }

  private fanOut(): number {
    const coins = this.held
    const total = coins.reduce((a, c) => a + c.value, 0)
    const m = this.p.fanOut
    const fee = this.feeFor(coins.length, m)
    const each = Math.floor((total - fee) / m)
    const outs = Array.from({ length: m }, (_, i) => this.fresh(i === m - 1 ? total - fee - each * (m - 1) : each))
    this.held = this.send(coins, outs, []).coins
    this.phase = 'fanned'
    return 1
  }

  private consolidate(): number {
    const coins = this.held
    const total = coins.reduce((a, c) => a + c.value, 0)
    const out = this.fresh(total - this.feeFor(coins.length, 1))
    this.held = this.send(coins, [out], []).coins
    this.phase = 'consolidated'
    return 1
  }

  private split(): number {
    const coin = this.held[0]!
    const specs: { route: Route; share: number; chain: number }[] = []
    for (const r of this.p.routes) {
      if (r.route === 'peel') {
        for (let c = 0; c < this.p.peelChains; c++)
          specs.push({ route: 'peel', share: r.share / this.p.peelChains, chain: c + 1 })
      } else specs.push({ route: r.route, share: r.share, chain: 0 })
    }
    const fee = this.feeFor(1, specs.length)
    const total = coin.value - fee
    const outs: OutPlan[] = []
    let left = total
    specs.forEach((s, i) => {
      const v = i === specs.length - 1 ? left : Math.floor(total * s.share)
      outs.push(this.fresh(v))
      left -= v
    })
    const { coins } = this.send([coin], outs, [])
    const window = Math.max(1, this.p.deadline - this.eng.height - 1)
    specs.forEach((s, i) => {
      const steps = s.route === 'peel' ? this.p.peelSteps : s.route === 'bridge' ? this.p.bridgeHops : 0
      this.routes.push({
        route: s.route,
        coins: [coins[i]!],
        steps: 0,
        done: false,
        chain: s.chain,
        perBlock: Math.max(1, Math.ceil(steps / window)),
      })
    })
    this.held = []
    this.phase = 'routing'
    return 1
  }

  private runRoutes(): number {
    let sent = 0
    for (const r of this.routes) {
      if (r.done) continue
      const last = this.eng.height >= this.p.deadline
      for (let k = 0; k < r.perBlock && !r.done; k++) sent += this.routeStep(r, last)
    }
    if (this.routes.every((r) => r.done)) this.phase = 'done'
    return sent
  }

  private routeStep(r: RouteState, last: boolean): number {
    switch (r.route) {
      case 'peel':
        return this.peelStep(r, last)
      case 'structuring':
        return this.structStep(r, last)
      case 'bridge':
        return this.bridgeStep(r, last)
      case 'otc':
        return this.otcStep(r, last)
      case 'whirlpool':
        return this.whirlpoolStep(r)
      case 'wasabi1':
        return this.wasabiStep(r, last)
    }
  }

  /** Final exit of a route's remaining coins to an exchange deposit account. */
  private finish(r: RouteState, kind: 'exchange' | 'otc' = 'exchange'): number {
    const coins = r.coins
    r.done = true
    if (coins.length === 0) return 0
    const total = coins.reduce((a, c) => a + c.value, 0)
    const fee = this.feeFor(coins.length, 1)
    if (total - fee < DUST) {
      // too small to move: leave it (reported as unspent at the end)
      this.held.push(...coins)
      return 0
    }
    const o =
      kind === 'otc' ? otcOut(this.world.otcs[0]!.wallet, total - fee) : this.depositAccount(this.otherExchange())
    o.value = total - fee
    this.send(coins, [], [{ o, kind: kind === 'otc' ? 'otc' : 'exchange_deposit' }])
    r.coins = []
    return 1
  }

  private peelStep(r: RouteState, last: boolean): number {
    const coin = r.coins[0]!
    const [lo, hi] = this.p.peelFrac
    const peel = Math.floor((coin.value * (lo + (hi - lo) * this.rng.float())) / 10_000) * 10_000
    const fee = this.feeFor(1, 2)
    const cont = coin.value - peel - fee
    if (last || r.steps >= this.p.peelSteps || peel < DUST * 2 || cont < peel) {
      const tx = this.finish(r)
      return tx
    }
    const dep = this.depositAccount(this.otherExchange())
    dep.value = peel
    const next = this.fresh(cont)
    next.change = true
    const { tx, coins } = this.send([coin], [next], [{ o: dep, kind: 'exchange_deposit' }])
    r.steps++
    r.coins = coins
    this.truth.write('peel_chains', {
      incident: this.p.id,
      chain: r.chain,
      step: r.steps,
      txid: tx.hex(),
      peelVout: dep.vout,
      continuationVout: next.vout,
      peelAmount: peel,
    })
    return 1
  }

  private structStep(r: RouteState, last: boolean): number {
    const coin = r.coins[0]!
    if (r.a === undefined) {
      // the largest round grid value R giving at least 6 deposits, deposits just below R
      const grid = [1e7, 2e7, 5e7, 1e8, 2e8, 5e8, 1e9, 2e9, 5e9]
      let R = grid[0]!
      for (const g of grid) if (coin.value / g >= 6) R = g
      r.R = R
      r.a = Math.floor((R * (1 - 0.002 - 0.015 * this.rng.float())) / 10_000) * 10_000
      r.perBlock = Math.max(1, Math.ceil(Math.floor(coin.value / R) / Math.max(1, this.p.deadline - this.eng.height)))
    }
    const a = r.a
    const fee = this.feeFor(1, 2)
    const mx = this.world.mixer
    if (last || coin.value < a + fee + DUST) {
      r.done = true
      const rest = coin.value - this.feeFor(1, 1)
      if (rest < DUST) {
        this.held.push(coin)
        return 0
      }
      this.send([coin], [], [{ o: this.eng.fresh(mx.dep, P2WPKH, rest), kind: 'mixer' }])
      r.coins = []
      return 1
    }
    const dep = this.eng.fresh(mx.dep, P2WPKH, a)
    const next = this.fresh(coin.value - a - fee)
    next.change = true
    const { tx, coins } = this.send([coin], [next], [{ o: dep, kind: 'mixer' }])
    r.coins = coins
    this.truth.write('structuring', {
      incident: this.p.id,
      txid: tx.hex(),
      vout: dep.vout,
      amount: a,
      service: mx.entity.id,
      round: r.R,
    })
    return 1
  }

  private bridgeStep(r: RouteState, last: boolean): number {
    const coin = r.coins[0]!
    const remaining = this.p.bridgeHops - r.steps
    const fee = this.feeFor(1, 3, 60)
    const whole = last || remaining <= 1
    const amount = whole
      ? coin.value - this.feeFor(1, 2, 60)
      : Math.floor((coin.value / remaining) * (0.8 + 0.4 * this.rng.float()))
    if (amount < DUST) return this.finish(r)
    const dest = `0x${Buffer.from(this.rng.fill(new Uint8Array(20))).toString('hex')}`
    const memo = `=:${chainAsset[this.p.destChain]}:${dest}`
    const o = vaultOut(this.world.bridge, amount)
    const thiefOuts = whole ? [] : [this.fresh(coin.value - amount - fee)]
    for (const t of thiefOuts) t.change = true
    const { tx, coins } = this.send([coin], thiefOuts, [{ o, kind: 'bridge' }], new TextEncoder().encode(memo))
    r.steps++
    r.coins = coins
    if (whole) r.done = true
    this.truth.write('chain_hops', {
      incident: this.p.id,
      txid: tx.hex(),
      vout: o.vout,
      amount,
      service: this.world.bridge.entity.id,
      destChain: this.p.destChain,
      destAddress: dest,
      memo,
    })
    return 1
  }

  private otcStep(r: RouteState, last: boolean): number {
    const coin = r.coins[0]!
    const desk = this.world.otcs[r.steps % this.world.otcs.length]!
    if (last || r.steps >= 2 || coin.value < 50_000_000) {
      r.done = true
      const o = otcOut(desk.wallet, coin.value - this.feeFor(1, 1))
      this.send([coin], [], [{ o, kind: 'otc' }])
      r.coins = []
      return 1
    }
    const v = Math.floor((coin.value * (0.3 + 0.3 * this.rng.float())) / 1e6) * 1e6
    const next = this.fresh(coin.value - v - this.feeFor(1, 2))
    next.change = true
    const { coins } = this.send([coin], [next], [{ o: otcOut(desk.wallet, v), kind: 'otc' }])
    r.coins = coins
    r.steps++
    return 1
  }

  private whirlpoolStep(r: RouteState): number {
    if (r.pending !== undefined) {
      // waiting for the premixes to be mixed; then the doxxic change goes to an exchange
      if (r.pending > 0) return 0
      return this.finish(r)
    }
    const coin = r.coins[0]!
    const pools = [50_000_000, 5_000_000, 1_000_000]
    const pool = pools.find((d) => coin.value / d >= 3) ?? 1_000_000
    const res = this.cj.tx0(this.wallet, [coin], pool, (postmix, paid, tx) => {
      this.feesPaid += paid
      const o: OutPlan = {
        value: postmix.value,
        wallet: this.wallet,
        kind: postmix.kind,
        idx: postmix.idx,
        fresh: true,
        vout: postmix.vout,
      }
      this.flow(tx, o, 'coinjoin', postmix.hops)
      r.pending!--
    })
    if (!res) return this.finish(r)
    this.usedCoinJoin = true
    this.feesPaid += res.paid
    r.pending = res.premix.length
    r.coins = res.tx.coins.filter(
      (c, j) => c !== null && j > res.premix.length && c.keyId === this.wallet.keyId,
    ) as Coin[]
    return 1
  }

  private wasabiStep(r: RouteState, last: boolean): number {
    if (r.pending === undefined) {
      // prepare coins of 1.05–1.5 × ~0.1 BTC for separate registrations
      const coin = r.coins[0]!
      const m = Math.min(60, Math.floor(coin.value / 13_000_000))
      if (m < 1) return this.finish(r)
      const outs: OutPlan[] = []
      const vals: number[] = []
      for (let i = 0; i < m; i++) vals.push(10_800_000 + this.rng.int(4_000_000))
      const fee = this.feeFor(1, m + 1)
      const sum = vals.reduce((a, b) => a + b, 0)
      if (sum + fee > coin.value) return this.finish(r)
      for (const v of vals) outs.push(this.fresh(v))
      const rest = coin.value - sum - fee
      const restOut = rest >= DUST ? this.fresh(rest) : null
      if (restOut) restOut.change = true
      const { coins } = this.send([coin], restOut ? [...outs, restOut] : outs, [])
      r.coins = coins.slice(0, m)
      this.held.push(...(restOut ? [coins[m]!] : []))
      r.pending = m
      return 1
    }
    if (r.coins.length > 0 && !last) {
      const batch = r.coins.splice(0, this.rng.range(3, 10))
      const tx = this.cj.wasabi1(
        batch.map((c) => ({
          wallet: this.wallet,
          coins: [c],
          kind: P2WPKH,
          done: (equal, change, paid, t) => {
            this.feesPaid += paid
            for (const e of equal) {
              const o: OutPlan = {
                value: e.value,
                wallet: this.wallet,
                kind: e.kind,
                idx: e.idx,
                fresh: true,
                vout: e.vout,
              }
              this.flow(t, o, 'coinjoin', e.hops)
            }
            if (change) this.held.push(change)
          },
        })),
      )
      if (!tx) {
        r.coins.unshift(...batch)
        return 0
      }
      this.usedCoinJoin = true
      return 1
    }
    // rounds done (or out of time): toxic change and leftovers go to an exchange
    r.coins.push(...this.held.splice(0))
    return this.finish(r)
  }

  /** Report leftovers as unspent, check conservation, write incidents.jsonl. */
  finalize(): void {
    const left = [...this.held, ...this.routes.flatMap((r) => r.coins), ...this.cj.withdrawPremix(this.wallet)]
    for (const c of left) {
      this.exited += c.value
      this.truth.write('flows', {
        incident: this.p.id,
        txid: Buffer.from(c.txid).reverse().toString('hex'),
        vout: c.vout,
        address: this.eng.o.keys.address(c.kind, this.eng.o.keys.program(c.kind, c.keyId, c.idx)),
        entity: this.wallet.entity.id,
        entityType: 'thief',
        kind: 'unspent',
        amount: c.value,
        hops: c.hops,
      })
    }
    if (this.phase !== 'pending' && this.exited + this.feesPaid !== this.stolenAmount)
      throw new InvariantError(
        `${this.p.id}: flows ${this.exited} + fees ${this.feesPaid} ≠ stolen ${this.stolenAmount}`,
      )
    if (this.phase === 'pending') return
    this.truth.write('incidents', {
      incident: this.p.id,
      name: this.p.name,
      victim: this.world.exchanges[this.p.victim]!.entity.id,
      thief: this.wallet.entity.id,
      height: this.theftHeight,
      time: this.theftTime,
      stolenOutputs: this.stolenOutputs,
      stolenAmount: this.stolenAmount,
      feesPaid: this.feesPaid,
      coinjoin: this.usedCoinJoin,
      routes: this.p.routes.map((r) => r.route),
      complete: this.phase === 'done',
    })
  }
}
