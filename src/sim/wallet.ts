/**
 * Entities and their wallets: the unspent coins an entity (or one role of it: exchange hot wallet, cold storage,
 * deposit addresses…) can spend. Coin counts stay bounded because every actor consolidates or sweeps when its
 * wallet grows, so simulator memory does not grow with the chain.
 * @module
 */
import type { ScriptKind } from './keys.js'

export const entityTypes = [
  'exchange',
  'mixer',
  'bridge',
  'otc',
  'merchant',
  'payment_processor',
  'miner',
  'individual',
  'coinjoin_coordinator',
  'thief',
] as const
export type EntityType = (typeof entityTypes)[number]

export type Entity = {
  /** Dense number (order of creation). */
  readonly num: number
  /** Stable id written to the truth, e.g. `exchange-3`. */
  readonly id: string
  readonly type: EntityType
  readonly name: string
  readonly service: boolean
}

/** An unspent output owned by a simulated wallet. */
export type Coin = {
  /** Internal byte order. */
  readonly txid: Uint8Array
  readonly vout: number
  readonly value: number
  readonly keyId: number
  readonly idx: number
  readonly kind: ScriptKind
  /** First height at which the coin may be spent (coinbase maturity); 0 otherwise. */
  readonly mature: number
  /** Thief coins: transactions since the theft (0 for the stolen outputs themselves). */
  readonly hops: number
}

/** Wallet fingerprint: what the wallet software puts in every transaction it builds. */
export type Fingerprint = {
  readonly version: 1 | 2
  /** nLockTime = current height (Bitcoin Core anti-fee-sniping) instead of 0. */
  readonly antiSnipe: boolean
  /** nSequence 0xfffffffd (BIP125 opt-in RBF) instead of 0xffffffff / 0xfffffffe. */
  readonly rbf: boolean
  /** BIP69 lexicographic ordering of inputs and outputs. */
  readonly bip69: boolean
}

export class Wallet {
  coins: Coin[] = []
  balance = 0
  /** Next fresh address index. */
  next = 0
  /** The last receive address handed out (for address reuse). */
  lastRecv = -1
  lastRecvKind: ScriptKind = 0

  constructor(
    readonly entity: Entity,
    /** Key namespace: entity.num × 8 + role. */
    readonly keyId: number,
    readonly fp: Fingerprint,
    /** Label category written to labels.jsonl for this wallet's addresses, or null (not known to investigators). */
    readonly label: string | null,
  ) {}

  add(c: Coin): void {
    this.coins.push(c)
    this.balance += c.value
  }

  /** Coins spendable at `height`, total. */
  spendableBalance(height: number): number {
    let s = 0
    for (const c of this.coins) if (c.mature <= height) s += c.value
    return s
  }

  private removeAt(i: number): Coin {
    const c = this.coins[i]!
    const last = this.coins.pop()!
    if (i < this.coins.length) this.coins[i] = last
    this.balance -= c.value
    return c
  }

  /** Remove and return specific coins. */
  take(coins: readonly Coin[]): void {
    for (const c of coins) {
      const i = this.coins.indexOf(c)
      if (i >= 0) this.removeAt(i)
    }
  }

  /**
   * Select coins covering `amount` plus a fee of `perInput` per input and `base`. Strategy 'random' walks the coins
   * from a random start (individual wallets), 'largest' takes the largest first (services). Returns null and changes
   * nothing when the wallet cannot cover it within `maxInputs`.
   */
  select(
    amount: number,
    base: number,
    perInput: number,
    height: number,
    strategy: 'random' | 'largest' | 'smallest',
    startAt: number,
    maxInputs = 50,
    accept?: (c: Coin) => boolean,
  ): Coin[] | null {
    const n = this.coins.length
    if (n === 0) return null
    const order =
      strategy === 'random'
        ? null
        : this.coins.slice().sort((a, b) => (strategy === 'largest' ? b.value - a.value : a.value - b.value))
    const picked: Coin[] = []
    let sum = 0
    for (let k = 0; k < n; k++) {
      const c = order ? order[k]! : this.coins[(startAt + k) % n]!
      if (c.mature > height || (accept && !accept(c))) continue
      picked.push(c)
      sum += c.value
      if (sum >= amount + base + perInput * picked.length) {
        this.take(picked)
        return picked
      }
      if (picked.length >= maxInputs) {
        if (strategy === 'smallest') {
          // drop the smallest, keep looking for bigger coins
          sum -= picked.shift()!.value
        } else return null
      }
    }
    return null
  }

  /** Remove and return up to `max` spendable coins (smallest first when `smallest`). */
  takeMany(max: number, height: number, smallest = false): Coin[] {
    const cand = this.coins.filter((c) => c.mature <= height)
    if (smallest) cand.sort((a, b) => a.value - b.value)
    const picked = cand.slice(0, max)
    this.take(picked)
    return picked
  }
}
