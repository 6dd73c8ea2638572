/**
 * The simulated population: miners, exchanges (hot, cold and per-customer deposit wallets), merchants, payment
 * processors, a custodial mixer, a bridge (THORChain-like vault), OTC desks, CoinJoin coordinators and individuals,
 * each with a wallet fingerprint and a script-type preference that drifts over the chain from P2PKH towards
 * P2SH-P2WPKH, P2WPKH and P2TR. The population is fixed per scale, so memory does not grow with the chain.
 * @module
 */
import type { Engine, OutPlan } from './engine.js'
import { P2PKH, P2SH_P2WPKH, P2TR, P2WPKH, type ScriptKind } from './keys.js'
import type { Rng } from './prng.js'
import type { TruthWriter } from './truthWriter.js'
import { type Coin, type Entity, type EntityType, type Fingerprint, Wallet } from './wallet.js'

export type Exchange = {
  entity: Entity
  hot: Wallet
  cold: Wallet
  /** Coins sitting on customer deposit addresses, waiting for a sweep. */
  dep: Wallet
  depKind: ScriptKind
  hotKind: ScriptKind
  /** Deposit address indexes already seen on chain (customers + thief accounts). */
  seen: Set<number>
  accounts: number
}

export type Individual = {
  entity: Entity
  wallet: Wallet
  /** Technology rank in [0,1): low ranks adopt new script types first. */
  u: number
  /** Uses CoinJoin wallets (Wasabi, Whirlpool, JoinMarket): segwit only. */
  privacy: boolean
  /** Preferred exchange. */
  exchange: number
  reuse: number
}

export type Service = { entity: Entity; wallet: Wallet; kind: ScriptKind }

/** Typical wallet fingerprints (Core, Electrum, mobile wallets, exchanges' custom software, privacy wallets). */
export const fingerprints: readonly Fingerprint[] = [
  { version: 2, antiSnipe: true, rbf: true, bip69: false }, // Bitcoin Core
  { version: 2, antiSnipe: true, rbf: false, bip69: false }, // Core without RBF
  { version: 2, antiSnipe: true, rbf: true, bip69: true }, // Electrum (BIP69 until 4.x)
  { version: 1, antiSnipe: false, rbf: false, bip69: false }, // old/mobile wallets
  { version: 1, antiSnipe: false, rbf: false, bip69: true }, // BIP69 mobile
  { version: 2, antiSnipe: false, rbf: false, bip69: false }, // custom services
]
const fpWeights = [30, 12, 12, 20, 8, 18]

export const serviceFp: Fingerprint = { version: 2, antiSnipe: false, rbf: false, bip69: false }
export const coinjoinFp: Fingerprint = { version: 1, antiSnipe: false, rbf: false, bip69: false }

/** Script-kind shares (P2TR, P2WPKH, P2SH-P2WPKH, P2PKH) at chain progress 0 and 1. */
const shareStart = [0.0, 0.15, 0.25, 0.6]
const shareEnd = [0.25, 0.5, 0.15, 0.1]
const kindOrder: ScriptKind[] = [P2TR, P2WPKH, P2SH_P2WPKH, P2PKH]

export type Population = {
  miners: number
  exchanges: number
  merchants: number
  processors: number
  otcs: number
  individuals: number
}

export class World {
  readonly entities: Entity[] = []
  readonly miners: Service[] = []
  readonly exchanges: Exchange[] = []
  readonly merchants: Service[] = []
  readonly processors: { entity: Entity; invoices: Wallet; settle: Wallet }[] = []
  readonly otcs: Service[] = []
  readonly individuals: Individual[] = []
  readonly privacy: Individual[] = []
  mixer!: { entity: Entity; dep: Wallet; pool: Wallet }
  bridge!: { entity: Entity; vault: Wallet; vaultIdx: number }
  coord!: { wasabi1: Service; wabisabi: Service; whirlpool: Service }
  /** Chain progress in [0,1], drives the script-type drift. */
  progress = 0

  constructor(
    readonly rng: Rng,
    readonly truth: TruthWriter,
    pop: Population,
  ) {
    const r = rng
    const kinds: ScriptKind[] = [P2PKH, P2SH_P2WPKH, P2WPKH, P2WPKH, P2TR]
    for (let i = 0; i < pop.miners; i++) {
      const e = this.entity('miner', `miner-${i}`, `Mining pool ${i}`, true)
      const w = new Wallet(e, e.num * 8, serviceFp, 'mining_pool')
      w.next = 3 // indexes 0–2: the pool's coinbase addresses
      this.miners.push({ entity: e, wallet: w, kind: kinds[i % 4]! })
    }
    for (let i = 0; i < pop.exchanges; i++) {
      const e = this.entity('exchange', `exchange-${i}`, `Exchange ${i}`, true)
      const fp = fingerprints[[5, 3, 1, 5, 0, 4][i % 6]!]!
      this.exchanges.push({
        entity: e,
        hot: new Wallet(e, e.num * 8, fp, 'exchange'),
        cold: new Wallet(e, e.num * 8 + 1, fp, 'exchange'),
        dep: new Wallet(e, e.num * 8 + 2, fp, null),
        depKind: kinds[(i + 1) % 4]!,
        hotKind: kinds[i % 4]!,
        seen: new Set(),
        accounts: 0,
      })
    }
    for (let i = 0; i < pop.merchants; i++) {
      const e = this.entity('merchant', `merchant-${i}`, `Merchant ${i}`, false)
      const fp = fingerprints[r.weighted(fpWeights)]!
      this.merchants.push({ entity: e, wallet: new Wallet(e, e.num * 8, fp, null), kind: r.pick(kinds) })
    }
    for (let i = 0; i < pop.processors; i++) {
      const e = this.entity('payment_processor', `processor-${i}`, `Payment processor ${i}`, true)
      this.processors.push({
        entity: e,
        invoices: new Wallet(e, e.num * 8, serviceFp, null),
        settle: new Wallet(e, e.num * 8 + 1, serviceFp, 'payment_processor'),
      })
    }
    {
      const e = this.entity('mixer', 'mixer-0', 'Custodial mixer (Blender/Sinbad-like)', true)
      this.mixer = {
        entity: e,
        dep: new Wallet(e, e.num * 8, serviceFp, 'mixer'),
        pool: new Wallet(e, e.num * 8 + 1, serviceFp, 'mixer'),
      }
    }
    {
      const e = this.entity('bridge', 'bridge-0', 'Cross-chain swap vault (THORChain-like)', true)
      this.bridge = { entity: e, vault: new Wallet(e, e.num * 8, serviceFp, 'bridge'), vaultIdx: 0 }
      this.bridge.vault.next = 1
    }
    for (let i = 0; i < pop.otcs; i++) {
      const e = this.entity('otc', `otc-${i}`, `OTC desk ${i}`, true)
      const w = new Wallet(e, e.num * 8, serviceFp, 'otc')
      w.next = 1 // index 0: the desk's receiving address
      this.otcs.push({ entity: e, wallet: w, kind: P2WPKH })
    }
    const coord = (id: string, name: string): Service => {
      const e = this.entity('coinjoin_coordinator', id, name, true)
      const w = new Wallet(e, e.num * 8, coinjoinFp, 'other')
      w.next = 1
      return { entity: e, wallet: w, kind: P2WPKH }
    }
    this.coord = {
      wasabi1: coord('coordinator-wasabi1', 'Wasabi 1.x (ZeroLink) coordinator'),
      wabisabi: coord('coordinator-wabisabi', 'WabiSabi coordinator'),
      whirlpool: coord('coordinator-whirlpool', 'Whirlpool coordinator'),
    }
    for (let i = 0; i < pop.individuals; i++) {
      const e = this.entity('individual', `individual-${i}`, `Individual ${i}`, false)
      const privacy = r.chance(0.12)
      const fp = privacy ? coinjoinFp : fingerprints[r.weighted(fpWeights)]!
      const ind: Individual = {
        entity: e,
        wallet: new Wallet(e, e.num * 8, fp, null),
        u: r.float(),
        privacy,
        exchange: r.int(pop.exchanges),
        reuse: r.chance(0.2) ? 0.5 : 0.03,
      }
      this.individuals.push(ind)
      if (privacy) this.privacy.push(ind)
    }
  }

  entity(type: EntityType, id: string, name: string, service: boolean): Entity {
    const e: Entity = { num: this.entities.length, id, type, name, service }
    this.entities.push(e)
    this.truth.write('entities', { entity: id, type, name, service })
    return e
  }

  /** Script kind an individual's wallet uses now (privacy wallets: P2WPKH, later also P2TR). */
  kindFor(ind: Individual): ScriptKind {
    if (ind.privacy) return ind.u < this.progress * 0.5 ? P2TR : P2WPKH
    const p = this.progress
    let cum = 0
    for (let k = 0; k < 4; k++) {
      cum += shareStart[k]! * (1 - p) + shareEnd[k]! * p
      if (ind.u < cum) return kindOrder[k]!
    }
    return P2PKH
  }

  /** A receive address of an individual (sometimes reused). */
  recv(eng: Engine, ind: Individual, value: number): OutPlan {
    const w = ind.wallet
    if (w.lastRecv >= 0 && eng.rng.chance(ind.reuse))
      return { value, wallet: w, kind: w.lastRecvKind, idx: w.lastRecv, fresh: false }
    const o = eng.fresh(w, this.kindFor(ind), value)
    o.commit = () => {
      w.lastRecv = o.idx
      w.lastRecvKind = o.kind
    }
    return o
  }

  /** A change output: usually a fresh address of the wallet's kind, sometimes back to an input address (C1). */
  change(eng: Engine, w: Wallet, kind: ScriptKind, inputs: readonly Coin[], value: number, reuse: number): OutPlan {
    if (inputs.length > 0 && eng.rng.chance(reuse)) {
      const c = inputs[eng.rng.int(inputs.length)]!
      return { value, wallet: w, kind: c.kind, idx: c.idx, fresh: false, change: true }
    }
    const o = eng.fresh(w, kind, value)
    o.change = true
    return o
  }

  /** Whether an exchange deposit address is known to investigators (≈70 %, fixed per address). */
  depositLabelled(ex: Exchange, idx: number): boolean {
    return (Math.imul(idx + 1, 2654435761) ^ Math.imul(ex.entity.num + 7, 40503)) >>> 0 < 0.7 * 4294967296
  }

  /** Output to the deposit address `idx` of exchange `ex` (customer number, or a thief account ≥ 1e7). */
  deposit(ex: Exchange, idx: number, value: number): OutPlan {
    const fresh = !ex.seen.has(idx)
    return {
      value,
      wallet: ex.dep,
      kind: ex.depKind,
      idx,
      fresh,
      label: this.depositLabelled(ex, idx) ? 'exchange' : null,
      commit: () => ex.seen.add(idx),
    }
  }

  /** A new deposit account for a launderer with forged KYC; `labelled` forces an address investigators know. */
  newAccount(ex: Exchange, labelled: boolean | null): number {
    for (;;) {
      const idx = 10_000_000 + ex.accounts++
      if (labelled === null || this.depositLabelled(ex, idx) === labelled) return idx
    }
  }
}
