/**
 * CoinJoin builders with the shapes of ../shared/reference/heuristics.md §5.3–5.6: Wasabi 1.x (ZeroLink; ~0.1 BTC
 * equal outputs, coordinator fee output, all P2WPKH), WabiSabi (standard denominations, value-descending order,
 * locktime 0, final sequences, P2WPKH/P2TR), Whirlpool (tx0 with premix outputs, coordinator fee, OP_RETURN and
 * doxxic change; 5×5 up to 8×8 mixes with exactly-denomination outputs) and JoinMarket (taker + makers, equal
 * outputs, maker fees, change). Participants are privacy-minded individuals; incidents can add thief participants.
 * @module
 */

import type { Economy } from './economy.js'
import type { Engine, OutPlan, SentTx } from './engine.js'
import { estimateVsize, opReturnScript, P2TR, P2WPKH, type ScriptKind } from './keys.js'
import type { TruthWriter } from './truthWriter.js'
import type { Coin, Wallet } from './wallet.js'
import { coinjoinFp, type Individual, type Service, type World } from './world.js'

const DUST = 5_000

/** WabiSabi standard denominations (2^n, 3^n, 2·3^n, 10^n, 2·10^n, 5·10^n sat, from 5,000 sat to 43,000 BTC). */
export const standardDenominations: readonly number[] = (() => {
  const s = new Set<number>()
  const max = 43_000 * 100_000_000
  for (let v = 1; v <= max; v *= 2) s.add(v)
  for (let v = 1; v <= max; v *= 3) {
    s.add(v)
    s.add(2 * v)
  }
  for (let v = 1; v <= max; v *= 10) {
    s.add(v)
    s.add(2 * v)
    s.add(5 * v)
  }
  return [...s].filter((v) => v >= 5_000 && v <= max).sort((a, b) => b - a)
})()

/** Whirlpool pool denominations (sat) and their pool fees (5 %). */
export const whirlpoolPools: readonly number[] = [100_000, 1_000_000, 5_000_000, 50_000_000]

/** A CoinJoin participant brought by an incident (the thief): its outputs are reported back. */
export type ExtraParticipant = {
  wallet: Wallet
  coins: Coin[]
  kind: ScriptKind
  /** Called with the participant's outputs and what it paid in fees (miner + coordinator). */
  done: (equal: Coin[], change: Coin | null, paid: number, tx: SentTx) => void
}

type MixEntry = { coin: Coin; owner: Wallet; mixed?: (postmix: Coin, paid: number, tx: SentTx) => void }

export class CoinJoins {
  readonly premix = new Map<number, MixEntry[]>()
  readonly postmix = new Map<number, MixEntry[]>()
  rounds = 0

  constructor(
    readonly eng: Engine,
    readonly world: World,
    readonly eco: Economy,
    readonly truth: TruthWriter,
  ) {
    for (const d of whirlpoolPools) {
      this.premix.set(d, [])
      this.postmix.set(d, [])
    }
  }

  private record(tx: SentTx, kind: string, participants: number, denomination: number): void {
    this.truth.writeLine(
      'coinjoins',
      `{"txid":"${tx.hex()}","kind":"${kind}","participants":${participants},"denomination":${denomination}}`,
    )
    this.rounds++
  }

  private coordOut(s: Service, value: number): OutPlan {
    const fresh = s.wallet.lastRecv < 0
    return { value, wallet: s.wallet, kind: P2WPKH, idx: 0, fresh, commit: () => (s.wallet.lastRecv = 0) }
  }

  /** Up to `n` distinct privacy users, each with coins selected for at least `min` sat (coins removed from wallets). */
  private gather(
    n: number,
    min: number,
    maxInputs: number,
    accept: (c: Coin) => boolean,
  ): { ind: Individual; coins: Coin[] }[] {
    const rng = this.eng.rng
    const list = this.world.privacy
    const used = new Set<number>()
    const out: { ind: Individual; coins: Coin[] }[] = []
    for (let t = 0; t < n * 4 && out.length < n && list.length > 0; t++) {
      const ind = list[rng.int(list.length)]!
      if (used.has(ind.entity.num) || ind.wallet.balance < min) continue
      used.add(ind.entity.num)
      const coins = ind.wallet.select(min, 0, 0, this.eng.height, 'random', rng.int(1 << 30), maxInputs, accept)
      if (coins) out.push({ ind, coins })
    }
    return out
  }

  private release(parts: { ind: Individual; coins: Coin[] }[]): void {
    for (const p of parts) for (const c of p.coins) p.ind.wallet.add(c)
  }

  /** Wasabi 1.x round. Returns the tx or null when too few participants. */
  wasabi1(extra: ExtraParticipant[] = []): SentTx | null {
    const eng = this.eng
    const rng = eng.rng
    const d = 10_000_000 + rng.range(-40, 40) * 10_000
    const target = rng.range(40, 100)
    const p2wpkh = (c: Coin) => c.kind === P2WPKH
    const parts = this.gather(target - extra.length, Math.floor(d * 1.02), 3, p2wpkh)
    const n = parts.length + extra.length
    if (n < 10) {
      this.release(parts)
      return null
    }
    const coordFee = Math.floor(d * 0.00003 * n)
    const nIn = parts.reduce((a, p) => a + p.coins.length, 0) + extra.reduce((a, p) => a + p.coins.length, 0)
    const vsize = estimateVsize(new Array(nIn).fill(P2WPKH), new Array(2 * n + 1).fill(P2WPKH))
    const minerShare = Math.ceil(eng.fee(vsize) / n)
    const outputs: OutPlan[] = []
    const owners: { equal: OutPlan; change: OutPlan | null; extra?: ExtraParticipant; inSum: number }[] = []
    const add = (w: Wallet, coins: Coin[], extraP?: ExtraParticipant) => {
      const inSum = coins.reduce((a, c) => a + c.value, 0)
      const equal = eng.fresh(w, P2WPKH, d)
      const rest = inSum - d - coordFee - minerShare
      outputs.push(equal)
      let change: OutPlan | null = null
      if (rest >= DUST) {
        change = eng.fresh(w, P2WPKH, rest)
        change.change = true
        outputs.push(change)
      }
      owners.push({ equal, change, inSum, ...(extraP ? { extra: extraP } : {}) })
    }
    for (const p of parts) add(p.ind.wallet, p.coins)
    for (const x of extra) add(x.wallet, x.coins, x)
    outputs.push(this.coordOut(this.world.coord.wasabi1, coordFee * n))
    const inputs = [...parts.flatMap((p) => p.coins), ...extra.flatMap((x) => x.coins)]
    for (const x of extra) for (const o of outputs) if (o.wallet === x.wallet) o.hold = true
    const tx = eng.send({ inputs, outputs, fp: coinjoinFp, order: 'shuffle', locktime: 0, sequence: 0xffffffff })
    this.record(tx, 'wasabi1', n, d)
    for (const o of owners) {
      if (!o.extra) continue
      const eq = tx.coins[outputs.indexOf(o.equal)]!
      const ch = o.change ? tx.coins[outputs.indexOf(o.change)]! : null
      o.extra.done([eq], ch, o.inSum - d - (o.change?.value ?? 0), tx)
    }
    return tx
  }

  /** WabiSabi (Wasabi 2.x) round. */
  wabisabi(): SentTx | null {
    const eng = this.eng
    const rng = eng.rng
    const segwit = (c: Coin) => c.kind === P2WPKH || c.kind === P2TR
    const parts = this.gather(rng.range(25, 60), 600_000, 3, segwit)
    const nIn = parts.reduce((a, p) => a + p.coins.length, 0)
    if (parts.length < 10 || nIn < 50) {
      this.release(parts)
      return null
    }
    const outputs: OutPlan[] = []
    let coordTotal = 0
    for (const p of parts) {
      const inSum = p.coins.reduce((a, c) => a + c.value, 0)
      const coordFee = inSum >= 1_000_000 ? Math.floor(inSum * 0.003) : 0
      coordTotal += coordFee
      const kind = this.world.kindFor(p.ind) === P2TR ? P2TR : P2WPKH
      let rest =
        inSum -
        coordFee -
        eng.fee(
          estimateVsize(
            p.coins.map((c) => c.kind),
            [kind, kind, kind, kind],
          ),
        )
      let k = 0
      while (k < 8 && rest >= 5_000) {
        const dn = standardDenominations.find((v) => v <= rest)!
        outputs.push(eng.fresh(p.ind.wallet, kind, dn))
        rest -= dn
        k++
      }
      if (rest >= 10_000) {
        const ch = eng.fresh(p.ind.wallet, kind, rest)
        ch.change = true
        outputs.push(ch)
      }
    }
    if (coordTotal > DUST) outputs.push(this.coordOut(this.world.coord.wabisabi, coordTotal))
    // no two outputs to the same script: every output address is fresh
    const tx = eng.send({
      inputs: parts.flatMap((p) => p.coins),
      outputs,
      fp: coinjoinFp,
      order: 'desc',
      locktime: 0,
      sequence: 0xffffffff,
    })
    this.record(tx, 'wabisabi', parts.length, 0)
    return tx
  }

  /**
   * Whirlpool tx0 by `owner` from `coins`: premix outputs (registered in the pool), coordinator fee, OP_RETURN and
   * doxxic change. Returns the tx and the premix coins, or null if the coins cannot fund one premix.
   */
  tx0(
    owner: Wallet,
    coins: Coin[],
    pool: number,
    mixed?: MixEntry['mixed'],
  ): { tx: SentTx; premix: Coin[]; paid: number } | null {
    const eng = this.eng
    const inSum = coins.reduce((a, c) => a + c.value, 0)
    const allowance = Math.max(1_000, Math.min(109_000, eng.fee(102)))
    const poolFee = Math.floor(pool * 0.05)
    const k0 = Math.min(70, Math.floor((inSum - poolFee) / (pool + allowance)))
    if (k0 < 1) return null
    const payload = opReturnScript(eng.rng.fill(new Uint8Array(46)))
    let k = k0
    let fee = 0
    for (; k >= 1; k--) {
      fee = eng.fee(
        estimateVsize(
          coins.map((c) => c.kind),
          [...new Array(k + 2).fill(P2WPKH)],
          55,
        ),
      )
      if (inSum - k * (pool + allowance) - poolFee - fee >= 0) break
    }
    if (k < 1) return null
    const outputs: OutPlan[] = []
    for (let i = 0; i < k; i++) {
      const o = eng.fresh(owner, P2WPKH, pool + allowance)
      o.hold = true
      outputs.push(o)
    }
    outputs.push(this.coordOut(this.world.coord.whirlpool, poolFee))
    outputs.push({ value: 0, wallet: null, kind: 0, idx: 0, fresh: false, script: payload })
    const changeV = inSum - k * (pool + allowance) - poolFee - fee
    if (changeV >= DUST) {
      const ch = eng.fresh(owner, P2WPKH, changeV)
      ch.change = true
      outputs.push(ch)
    }
    const tx = eng.send({ inputs: coins, outputs, fp: coinjoinFp, order: 'shuffle', locktime: 0, sequence: 0xffffffff })
    this.record(tx, 'whirlpool_tx0', 1, pool)
    const premix = tx.coins.slice(0, k) as Coin[]
    const reg = this.premix.get(pool)!
    for (const c of premix) reg.push({ coin: c, owner, ...(mixed ? { mixed } : {}) })
    const paid = inSum - k * (pool + allowance) - (changeV >= DUST ? changeV : 0)
    return { tx, premix, paid }
  }

  /** Remove and return `owner`'s premix coins still waiting for a mix (end of the chain). */
  withdrawPremix(owner: Wallet): Coin[] {
    const out: Coin[] = []
    for (const reg of this.premix.values()) {
      for (let i = reg.length - 1; i >= 0; i--) {
        if (reg[i]!.owner === owner) out.push(reg.splice(i, 1)[0]!.coin)
      }
    }
    return out.reverse()
  }

  /** Coins held in the Whirlpool registries. */
  registryCoins(): number {
    let n = 0
    for (const r of this.premix.values()) n += r.length
    for (const r of this.postmix.values()) n += r.length
    return n
  }

  /** A background tx0 by a privacy user. */
  backgroundTx0(): number {
    const rng = this.eng.rng
    const pool = whirlpoolPools[rng.weighted([3, 5, 3, 1])]!
    // users wait when the pool already has a queue of new entrants (keeps the registry bounded)
    if (this.premix.get(pool)!.length > 150) return 0
    const parts = this.gather(
      1,
      Math.floor(pool * (1.2 + 4 * rng.float())),
      3,
      (c) => c.kind === P2WPKH || c.kind === P2TR,
    )
    const p = parts[0]
    if (!p) return 0
    const r = this.tx0(p.ind.wallet, p.coins, pool)
    if (!r) {
      this.release(parts)
      return 0
    }
    return 1
  }

  /** One Whirlpool mix in `pool`: 2 new entrants (more when remixers are scarce), 5 to 8 inputs. */
  mix(pool: number, maxSize: number): SentTx | null {
    const eng = this.eng
    const rng = eng.rng
    const pre = this.premix.get(pool)!
    const post = this.postmix.get(pool)!
    const n = rng.range(5, Math.max(5, maxSize))
    const remix = Math.min(post.length, n - 2)
    const fresh = n - remix
    if (pre.length < fresh) return null
    const entries: MixEntry[] = []
    // thief premixes wait for a mix like everyone else: take the oldest entrants first
    entries.push(...pre.splice(0, fresh))
    for (let i = 0; i < remix; i++) entries.push(post.splice(rng.int(post.length), 1)[0]!)
    const outputs: OutPlan[] = entries.map((e) => {
      const o = eng.fresh(e.owner, P2WPKH, pool)
      o.hold = true
      return o
    })
    const tx = eng.send({
      inputs: entries.map((e) => e.coin),
      outputs,
      fp: coinjoinFp,
      order: 'shuffle',
      locktime: 0,
      sequence: 0xffffffff,
    })
    this.record(tx, 'whirlpool', n, pool)
    for (let i = 0; i < entries.length; i++) {
      const e = entries[i]!
      const c = tx.coins[i]!
      if (e.mixed) e.mixed(c, e.coin.value - pool, tx)
      else post.push({ coin: c, owner: e.owner })
    }
    // post-mix coins eventually leave the pool and are spent by their owners
    while (post.length > 120) {
      const e = post.shift()!
      e.owner.add(e.coin)
    }
    return tx
  }

  /** A JoinMarket CoinJoin: one taker, n−1 makers, equal outputs of the taker's amount. */
  joinmarket(): SentTx | null {
    const eng = this.eng
    const rng = eng.rng
    const amount = Math.floor(rng.logNormal(5_000_000, 1.0))
    const segwit = (c: Coin) => c.kind !== 0
    const parts = this.gather(rng.range(3, 10), amount + 50_000, 3, segwit)
    if (parts.length < 3) {
      this.release(parts)
      return null
    }
    const n = parts.length
    const nIn = parts.reduce((a, p) => a + p.coins.length, 0)
    const minerFee = eng.fee(estimateVsize(new Array(nIn).fill(P2WPKH), new Array(2 * n).fill(P2WPKH)))
    const outputs: OutPlan[] = []
    let makerFees = 0
    for (let i = 1; i < n; i++) {
      const p = parts[i]!
      const inSum = p.coins.reduce((a, c) => a + c.value, 0)
      const cjfee = rng.chance(0.5) ? rng.range(500, 5_000) : Math.floor(amount * (0.0001 + 0.001 * rng.float()))
      makerFees += cjfee
      outputs.push(eng.fresh(p.ind.wallet, P2WPKH, amount))
      const ch = eng.fresh(p.ind.wallet, P2WPKH, inSum - amount + cjfee)
      ch.change = true
      outputs.push(ch)
    }
    const taker = parts[0]!
    const tIn = taker.coins.reduce((a, c) => a + c.value, 0)
    const tChange = tIn - amount - makerFees - minerFee
    if (tChange < 0) {
      this.release(parts)
      return null
    }
    outputs.push(eng.fresh(taker.ind.wallet, P2WPKH, amount))
    if (tChange >= DUST) {
      const ch = eng.fresh(taker.ind.wallet, P2WPKH, tChange)
      ch.change = true
      outputs.push(ch)
    }
    const tx = eng.send({
      inputs: parts.flatMap((p) => p.coins),
      outputs,
      fp: { version: 2, antiSnipe: true, rbf: false, bip69: false },
      order: 'shuffle',
    })
    this.record(tx, 'joinmarket', n, amount)
    return tx
  }
}
