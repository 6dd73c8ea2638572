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
  /** Hops from a seed of the first taint that reached this ledger (0 = seed), -1 never tainted. */
  hops: number
  /** Row that first brought taint here, -1 none. */
  via: number
}

export type PropagateResult = {
  /** Tainted base units carried by each row. */
  readonly taint: bigint[]
  /** Hop number of each tainted row (1 = first row out of a seed), 0 when clean. */
  readonly hops: Int32Array
  /** Ledgers keyed by `address * assetCount + asset`. */
  readonly ledgers: Map<number, LedgerState>
  /** Rows whose taint was not followed because of maxHops (the taint left the sender; it ends there). */
  readonly cut: Map<number, bigint>
  readonly stats: { taintedIn: bigint; openingBalance: bigint; rows: number; taintedRows: number }
}

type Seq = { amt: bigint[]; dirty: boolean[]; head: number }

/** Run one policy over the whole set in one pass (after an opening-balance pre-pass). */
export function propagateAccountTaint(set: AccountTransferSet, opts: PropagateOptions): PropagateResult {
  const { policy } = opts
  const seeds = opts.seedAddresses ?? new Set<number>()
  const seedRows = opts.seedRows ?? new Set<number>()
  const maxHops = opts.maxHops ?? Number.POSITIVE_INFINITY
  const nAssets = Math.max(set.assets.length, 1)
  const sequential = policy === 'fifo' || policy === 'lifo'
  const n = set.n
  const taint = new Array<bigint>(n).fill(0n)
  const hops = new Int32Array(n)
  const ledgers = new Map<number, LedgerState>()
  const seqs = new Map<number, Seq>()
  const poisoned = new Set<number>()
  const isOrdinary = (a: number) => a >= 0 && !seeds.has(a) && !set.pools.has(a)

  // Pre-pass: the opening balance each ordinary ledger needs so it never goes negative.
  const running = new Map<number, bigint>()
  const opening = new Map<number, bigint>()
  for (let p = 0; p < n; p++) {
    const x = set.value[p]!
    const f = set.from[p]!
    const t = set.to[p]!
    const as = set.asset[p]!
    if (isOrdinary(f) && !seedRows.has(p)) {
      const k = f * nAssets + as
      const b = (running.get(k) ?? 0n) - x
      if (b < 0n) {
        opening.set(k, (opening.get(k) ?? 0n) - b)
        running.set(k, 0n)
      } else running.set(k, b)
    }
    if (isOrdinary(t)) {
      const k = t * nAssets + as
      running.set(k, (running.get(k) ?? 0n) + x)
    }
  }
  let openingBalance = 0n
  const ledger = (a: number, as: number): LedgerState => {
    const k = a * nAssets + as
    let l = ledgers.get(k)
    if (l === undefined) {
      const o = opening.get(k) ?? 0n
      openingBalance += o
      l = { address: a, asset: as, balance: o, tainted: 0n, hops: -1, via: -1 }
      ledgers.set(k, l)
      if (sequential) seqs.set(k, { amt: o > 0n ? [o] : [], dirty: o > 0n ? [false] : [], head: 0 })
    }
    return l
  }

  let taintedIn = 0n
  let taintedRows = 0
  const out: { amt: bigint[]; dirty: boolean[] } = { amt: [], dirty: [] }
  const cut = new Map<number, bigint>()
  for (let p = 0; p < n; p++) {
    const x = set.value[p]!
    const f = set.from[p]!
    const t = set.to[p]!
    const as = set.asset[p]!
    let tx = 0n
    let h = 0
    let viaHops = -1
    let consumed = false
    out.amt.length = 0
    out.dirty.length = 0
    const link = set.linkFrom[p]!
    if (seedRows.has(p) || (f >= 0 && seeds.has(f))) {
      tx = x
      taintedIn += x
      viaHops = 0
    } else if (link >= 0 && (set.linkKind[p] !== 2 || opts.followMixerLinks)) {
      const sv = set.value[link]!
      const st = taint[link]!
      tx = sv === 0n ? 0n : (x * st) / sv
      if (tx > x) tx = x
      viaHops = tx > 0n ? hops[link]! : -1
    } else if (isOrdinary(f)) {
      const src = ledger(f, as)
      viaHops = src.hops
      if (policy === 'haircut') tx = src.balance === 0n ? 0n : (x * src.tainted) / src.balance
      // biome-ignore lint/complexity/useMathMinMax: bigint
      else if (policy === 'dirty-first') tx = x < src.tainted ? x : src.tainted
      else if (policy === 'clean-first') {
        const clean = src.balance - src.tainted
        tx = x > clean ? x - clean : 0n
      } else if (policy === 'poison') tx = poisoned.has(f * nAssets + as) ? x : 0n
      else {
        consumeSeq(seqs.get(f * nAssets + as)!, x, policy === 'lifo', out)
        consumed = true
        for (let i = 0; i < out.amt.length; i++) if (out.dirty[i]) tx += out.amt[i]!
      }
      if (src.balance < x) throw new InvariantError(`ledger overdrawn at row ${p}`, { details: { row: p } })
      src.balance -= x
      if (policy === 'poison') src.tainted = poisoned.has(f * nAssets + as) ? src.balance : 0n
      else src.tainted -= tx
    }
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
    if (isOrdinary(t)) {
      const dst = ledger(t, as)
      dst.balance += x
      if (policy === 'poison') {
        if (tx > 0n) poisoned.add(t * nAssets + as)
        dst.tainted = poisoned.has(t * nAssets + as) ? dst.balance : 0n
      } else dst.tainted += tx
      if (tx > 0n && dst.hops < 0) {
        dst.hops = h
        dst.via = p
      }
      if (sequential) {
        const q = seqs.get(t * nAssets + as)!
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
  if (policy === 'poison') {
    for (const [k, l] of ledgers) l.tainted = poisoned.has(k) ? l.balance : 0n
  }
  return { taint, hops, ledgers, cut, stats: { taintedIn, openingBalance, rows: n, taintedRows } }
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
