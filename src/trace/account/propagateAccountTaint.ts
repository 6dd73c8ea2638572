/**
 * Account-model taint propagation (heuristics.md §4.6): every (address, asset) is a ledger processed in
 * canonical order; an outflow is attributed to earlier inflows by the balance policy.
 *
 * - poison: once a tainted lot arrives, every later outflow is fully tainted.
 * - haircut: outflow x carries floor(x·T/B); T ← T − that, B ← B − x. The floor remainder stays in the
 *   ledger, so Σ tainted out + tainted remaining = tainted in, exactly in integers.
 * - fifo / lifo: lots consumed oldest-first / newest-first. A transfer carries the consumed lots as a
 *   sequence in the sender's chronological order; the recipient appends that sequence.
 * - dirty-first (TIHO's account analogue, worst case for the holder): tainted lots first; clean-first mirrors it.
 *
 * Conventions (documented in docs/evm.md, pinned by tests):
 * - Seed addresses are sources: every outflow from them is fully tainted, their ledgers are not debited.
 *   Seed rows (a theft transaction's transfers) are fully tainted whatever their sender held, and do not
 *   debit the sender's ledger (the victim's history is not traced).
 * - History we do not hold is clean and older than anything we hold: a pre-pass gives each ledger the
 *   smallest opening balance that keeps it non-negative, as one clean lot (`stats.openingBalance`).
 * - Gas fees are rows to the fee sink (`to = -1`); the fee convention orders them (AccountTransferSet).
 * - Pools (DEX pairs, bridges, mixers): inflows are sinks; outflows carry taint only through links
 *   (taint = floor(value · taint(src) / value(src))). Mixer links carry taint only with `followMixerLinks`.
 * @module
 */
import { InvariantError } from '../../core/errors.js'
import type { AccountTransferSet } from './AccountTransferSet.js'

export const accountPolicies = ['poison', 'haircut', 'fifo', 'lifo', 'dirty-first', 'clean-first'] as const
export type AccountPolicy = (typeof accountPolicies)[number]

export type PropagateOptions = {
  policy: AccountPolicy
  /** Address ids whose outflows are fully tainted sources. */
  seedAddresses?: ReadonlySet<number>
  /** Row indices that are fully tainted (e.g. the theft transaction's transfers). */
  seedRows?: ReadonlySet<number>
  /** Let heuristic mixer links (§5.10) carry taint; default false (they are only reported). */
  followMixerLinks?: boolean
  /** Stop following taint after this many hops (rows beyond carry no taint). Default unlimited. */
  maxHops?: number
}

export type LedgerState = {
  readonly address: number
  readonly asset: number
  balance: bigint
  tainted: bigint
  /** Hops from a seed of the first taint that reached this ledger, -1 never tainted. */
  hops: number
  /** Row that first brought taint here, -1 none. */
  via: number
}

export type PropagateResult = {
  /** Tainted base units carried by each row. */
  readonly taint: bigint[]
  /** Hop number of each tainted row (1 = first row out of a seed), 0 when clean. */
  readonly hops: Int32Array
  /** Final state of the ledger of (address, asset), undefined when the pair never moved value. */
  ledgerOf(address: number, asset: number): LedgerState | undefined
  /** Final state of every ledger (dense ledger ids of the set). Balances are tracked only for ledgers taint
   *  could reach (others report balance 0). */
  ledgers(): LedgerState[]
  /** Ledgers still holding taint at the end. */
  taintedLedgers(): LedgerState[]
  /** Rows whose taint was not followed because of maxHops (the taint left the sender; it ends there). */
  readonly cut: Map<number, bigint>
  readonly stats: { taintedIn: bigint; openingBalance: bigint; rows: number; taintedRows: number }
}

type Seq = { amt: bigint[]; dirty: boolean[]; head: number }

/** Run one policy over the whole set in one pass (after an opening-balance pre-pass). */
export function propagateAccountTaint(set: AccountTransferSet, opts: PropagateOptions): PropagateResult {
  const { policy } = opts
  const seedRows = opts.seedRows ?? new Set<number>()
  const maxHops = opts.maxHops ?? Number.POSITIVE_INFINITY
  const sequential = policy === 'fifo' || policy === 'lifo'
  const n = set.n
  const L = set.ledgerAddress.length
  // address flags: 1 seed, 2 pool
  const flag = new Uint8Array(set.addresses.length)
  for (const a of set.pools.keys()) if (a >= 0) flag[a] = 2
  for (const a of opts.seedAddresses ?? []) if (a >= 0) flag[a] = 1
  const { from, to, fromLedger, toLedger, value, linkFrom, linkKind } = set
  const taint = new Array<bigint>(n).fill(0n)
  const hops = new Int32Array(n)
  const seedRowFlag = new Uint8Array(n)
  for (const p of seedRows) if (p >= 0 && p < n) seedRowFlag[p] = 1

  // Pass 1 (integers only): the ledgers taint can ever reach, in time order. Balances are tracked only for
  // them (their whole history), which keeps the bigint work proportional to the traced part of the set.
  const relevant = new Uint8Array(L)
  const pot = new Uint8Array(n)
  for (let p = 0; p < n; p++) {
    const f = from[p]!
    const link = linkFrom[p]!
    if (
      seedRowFlag[p] === 1 ||
      (f >= 0 && flag[f] === 1) ||
      (link >= 0 && pot[link] === 1 && (linkKind[p] !== 2 || opts.followMixerLinks)) ||
      (f >= 0 && flag[f] === 0 && relevant[fromLedger[p]!] === 1)
    ) {
      pot[p] = 1
      const t = to[p]!
      if (t >= 0 && flag[t] === 0) relevant[toLedger[p]!] = 1
    }
  }
  // Pass 2: the opening balance each relevant ledger needs so it never goes negative (in exact float64 limbs when
  // the amounts allow, else in bigint; the same integers either way).
  const bal = new Array<bigint>(L).fill(0n)
  const open =
    openingBalancesLimbs(set, flag, seedRowFlag, relevant) ?? openingBalancesBigint(set, flag, seedRowFlag, relevant)
  let openingBalance = 0n
  for (let l = 0; l < L; l++) {
    bal[l] = open[l]!
    openingBalance += open[l]!
  }
  const tnt = new Array<bigint>(L).fill(0n)
  const lhops = new Int32Array(L).fill(-1)
  const lvia = new Int32Array(L).fill(-1)
  const poisoned = new Uint8Array(L)
  // FIFO/LIFO lot queues, created when a ledger first receives taint (until then it is all clean)
  const seqs: (Seq | undefined)[] = sequential ? new Array(L) : []

  let taintedIn = 0n
  let taintedRows = 0
  const out: { amt: bigint[]; dirty: boolean[] } = { amt: [], dirty: [] }
  const cut = new Map<number, bigint>()
  for (let p = 0; p < n; p++) {
    const f = from[p]!
    const t = to[p]!
    const fl = f >= 0 && flag[f] === 0 ? fromLedger[p]! : -1
    const tl = t >= 0 && flag[t] === 0 ? toLedger[p]! : -1
    if (pot[p] === 0 && (fl < 0 || relevant[fl] === 0) && (tl < 0 || relevant[tl] === 0)) continue
    const x = value[p]!
    let tx = 0n
    let viaHops = -1
    let consumed = false
    const link = linkFrom[p]!
    if (seedRowFlag[p] === 1 || (f >= 0 && flag[f] === 1)) {
      tx = x
      taintedIn += x
      viaHops = 0
    } else if (link >= 0 && (linkKind[p] !== 2 || opts.followMixerLinks)) {
      const sv = value[link]!
      const st = taint[link]!
      if (st > 0n && sv > 0n) {
        tx = (x * st) / sv
        if (tx > x) tx = x
        viaHops = hops[link]!
      }
    } else if (fl >= 0 && relevant[fl] === 1) {
      const l = fl
      const T = tnt[l]!
      if (T > 0n || poisoned[l] === 1) {
        viaHops = lhops[l]!
        const B = bal[l]!
        if (policy === 'haircut') tx = (x * T) / B
        // biome-ignore lint/complexity/useMathMinMax: bigint
        else if (policy === 'dirty-first') tx = x < T ? x : T
        else if (policy === 'clean-first') {
          const clean = B - T
          tx = x > clean ? x - clean : 0n
        } else if (policy === 'poison') tx = x
        else {
          out.amt.length = 0
          out.dirty.length = 0
          consumeSeq(seqs[l]!, x, policy === 'lifo', out)
          consumed = true
          for (let i = 0; i < out.amt.length; i++) if (out.dirty[i]) tx += out.amt[i]!
        }
      }
      const B = bal[l]!
      if (B < x) throw new InvariantError(`ledger overdrawn at row ${p}`, { details: { row: p } })
      if (!consumed && sequential && seqs[l] !== undefined) {
        // a clean-only withdrawal from a queue that exists cannot happen (T > 0 above); keep the queue exact
        consumeSeq(seqs[l]!, x, policy === 'lifo', { amt: [], dirty: [] })
      }
      bal[l] = B - x
      if (policy === 'poison') tnt[l] = poisoned[l] === 1 ? B - x : 0n
      else tnt[l] = T - tx
    }
    let h = 0
    if (tx > 0n) {
      h = viaHops + 1
      if (h > maxHops) {
        cut.set(p, tx)
        tx = 0n
        h = 0
        if (consumed) for (let i = 0; i < out.dirty.length; i++) out.dirty[i] = false
      }
    }
    if (tx > 0n) {
      taint[p] = tx
      hops[p] = h
      taintedRows++
    }
    if (tl >= 0 && relevant[tl] === 1) {
      const l = tl
      const before = bal[l]!
      bal[l] = before + x
      if (policy === 'poison') {
        if (tx > 0n) poisoned[l] = 1
        tnt[l] = poisoned[l] === 1 ? before + x : 0n
      } else tnt[l] = tnt[l]! + tx
      if (tx > 0n && lhops[l]! < 0) {
        lhops[l] = h
        lvia[l] = p
      }
      if (sequential) {
        let q = seqs[l]
        if (q === undefined && tx > 0n) {
          q = { amt: before > 0n ? [before] : [], dirty: before > 0n ? [false] : [], head: 0 }
          seqs[l] = q
        }
        if (q !== undefined) {
          if (consumed) for (let i = 0; i < out.amt.length; i++) pushLot(q, out.amt[i]!, out.dirty[i]!)
          else if (tx === x) pushLot(q, x, true)
          else if (tx === 0n) pushLot(q, x, false)
          else {
            pushLot(q, x - tx, false)
            pushLot(q, tx, true)
          }
        }
      }
    }
  }
  const state = (l: number): LedgerState => ({
    address: set.ledgerAddress[l]!,
    asset: set.ledgerAsset[l]!,
    balance: bal[l]!,
    tainted: tnt[l]!,
    hops: lhops[l]!,
    via: lvia[l]!,
  })
  const nA = Math.max(set.assets.length, 1)
  return {
    taint,
    hops,
    cut,
    ledgerOf: (a, as) => {
      const l = set.ledgerIndex.get(a * nA + as)
      return l === undefined || flag[a] !== 0 ? undefined : state(l)
    },
    ledgers: () => {
      const r: LedgerState[] = []
      for (let l = 0; l < L; l++) if (flag[set.ledgerAddress[l]!] === 0) r.push(state(l))
      return r
    },
    taintedLedgers: () => {
      const r: LedgerState[] = []
      for (let l = 0; l < L; l++) if (tnt[l]! > 0n && flag[set.ledgerAddress[l]!] === 0) r.push(state(l))
      return r
    },
    stats: { taintedIn, openingBalance, rows: n, taintedRows },
  }
}

function pushLot(q: Seq, amt: bigint, dirty: boolean): void {
  if (amt === 0n) return
  const last = q.amt.length - 1
  if (last >= q.head && q.dirty[last] === dirty) q.amt[last] = q.amt[last]! + amt
  else {
    q.amt.push(amt)
    q.dirty.push(dirty)
  }
}

/** Take `x` from the queue (head = oldest for FIFO, tail for LIFO); `out` receives the lots, oldest first. */
function consumeSeq(q: Seq, x: bigint, lifo: boolean, out: { amt: bigint[]; dirty: boolean[] }): void {
  let need = x
  if (!lifo) {
    while (need > 0n && q.head < q.amt.length) {
      const a = q.amt[q.head]!
      const d = q.dirty[q.head]!
      if (a <= need) {
        need -= a
        q.head++
        out.amt.push(a)
        out.dirty.push(d)
      } else {
        q.amt[q.head] = a - need
        out.amt.push(need)
        out.dirty.push(d)
        need = 0n
      }
    }
    if (q.head > 1024 && q.head * 2 > q.amt.length) {
      q.amt.splice(0, q.head)
      q.dirty.splice(0, q.head)
      q.head = 0
    }
  } else {
    const ra: bigint[] = []
    const rd: boolean[] = []
    while (need > 0n && q.amt.length > q.head) {
      const i = q.amt.length - 1
      const a = q.amt[i]!
      const d = q.dirty[i]!
      if (a <= need) {
        need -= a
        q.amt.pop()
        q.dirty.pop()
        ra.push(a)
        rd.push(d)
      } else {
        q.amt[i] = a - need
        ra.push(need)
        rd.push(d)
        need = 0n
      }
    }
    for (let i = ra.length - 1; i >= 0; i--) {
      out.amt.push(ra[i]!)
      out.dirty.push(rd[i]!)
    }
  }
  if (need > 0n) throw new InvariantError('sequential ledger overdrawn (opening balance pre-pass missed it)')
}

const TWO32 = 4294967296
/** Limbs are exact while the high part stays below this (balances under 2^84 base units). */
const HI_LIMIT = 2 ** 52

/** Values split once per set into high and low 32-bit limbs (float64), or null when one needs more than 2^84. */
const limbsOf = new WeakMap<readonly bigint[], { hi: Float64Array; lo: Float64Array } | null>()
function valueLimbs(value: readonly bigint[]): { hi: Float64Array; lo: Float64Array } | null {
  let v = limbsOf.get(value)
  if (v !== undefined) return v
  const n = value.length
  const hi = new Float64Array(n)
  const lo = new Float64Array(n)
  v = { hi, lo }
  for (let p = 0; p < n; p++) {
    const x = value[p]!
    const h = Number(x >> 32n)
    if (h >= HI_LIMIT || x < 0n) {
      v = null
      break
    }
    hi[p] = h
    lo[p] = Number(x - (BigInt(h) << 32n))
  }
  limbsOf.set(value, v)
  return v
}

/**
 * @internal (exported for its test) The opening-balance pre-pass on (hi, lo) limbs: running balance hi·2^32 + lo with lo in [0, 2^32), no bigint
 * per row. Null (the caller falls back to bigint) when a value or a running sum would leave the exact range.
 */
export function openingBalancesLimbs(
  set: AccountTransferSet,
  flag: Uint8Array,
  seedRowFlag: Uint8Array,
  relevant: Uint8Array,
): bigint[] | null {
  const limbs = valueLimbs(set.value)
  if (limbs === null) return null
  const { hi, lo } = limbs
  const { from, to, fromLedger, toLedger } = set
  const L = set.ledgerAddress.length
  const bh = new Float64Array(L)
  const bl = new Float64Array(L)
  const oh = new Float64Array(L)
  const ol = new Float64Array(L)
  for (let p = 0; p < set.n; p++) {
    const f = from[p]!
    if (f >= 0 && flag[f] === 0 && seedRowFlag[p] === 0 && relevant[fromLedger[p]!] === 1) {
      const l = fromLedger[p]!
      let h = bh[l]! - hi[p]!
      let w = bl[l]! - lo[p]!
      if (w < 0) {
        w += TWO32
        h -= 1
      }
      if (h < 0) {
        // overdrawn by -(h·2^32 + w): the opening grows by that much, the balance restarts at 0
        let a = oh[l]! - h
        let b = ol[l]! - w
        if (b < 0) {
          b += TWO32
          a -= 1
        }
        if (a >= HI_LIMIT) return null
        oh[l] = a
        ol[l] = b
        bh[l] = 0
        bl[l] = 0
      } else {
        bh[l] = h
        bl[l] = w
      }
    }
    const t = to[p]!
    if (t >= 0 && flag[t] === 0 && relevant[toLedger[p]!] === 1) {
      const l = toLedger[p]!
      let h = bh[l]! + hi[p]!
      let w = bl[l]! + lo[p]!
      if (w >= TWO32) {
        w -= TWO32
        h += 1
      }
      if (h >= HI_LIMIT) return null
      bh[l] = h
      bl[l] = w
    }
  }
  const open = new Array<bigint>(L).fill(0n)
  for (let l = 0; l < L; l++) if (oh[l]! > 0 || ol[l]! > 0) open[l] = (BigInt(oh[l]!) << 32n) + BigInt(ol[l]!)
  return open
}

/** @internal (exported for its test) The opening-balance pre-pass in bigint (any amount). */
export function openingBalancesBigint(
  set: AccountTransferSet,
  flag: Uint8Array,
  seedRowFlag: Uint8Array,
  relevant: Uint8Array,
): bigint[] {
  const { from, to, fromLedger, toLedger, value } = set
  const L = set.ledgerAddress.length
  const bal = new Array<bigint>(L).fill(0n)
  const open = new Array<bigint>(L).fill(0n)
  for (let p = 0; p < set.n; p++) {
    const x = value[p]!
    const f = from[p]!
    if (f >= 0 && flag[f] === 0 && seedRowFlag[p] === 0 && relevant[fromLedger[p]!] === 1) {
      const l = fromLedger[p]!
      const b = bal[l]! - x
      if (b < 0n) {
        open[l] = open[l]! - b
        bal[l] = 0n
      } else bal[l] = b
    }
    const t = to[p]!
    if (t >= 0 && flag[t] === 0 && relevant[toLedger[p]!] === 1) {
      const l = toLedger[p]!
      bal[l] = bal[l]! + x
    }
  }
  return open
}
