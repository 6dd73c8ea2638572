/**
 * Backward tracing on accounts: where did the value of some transfers (a transaction's, or everything an address
 * received) come from? The account analogue of src/trace/traceBackward.ts, the exact inverse of the forward
 * ledger rules of propagateAccountTaint.ts (same canonical order, same opening-balance rule, same links).
 *
 * Attribution only flows to earlier rows (an outflow is funded by its sender's ledger before it; a link's source
 * precedes the linked row), so rows are expanded once each, latest first, with everything attributed to them
 * gathered. An outflow of ledger L at position p is decomposed over L's inflows before p (and L's opening
 * balance, the history we do not hold, the oldest lot) by the policy:
 * - fifo: the ledger is a stream of units, inflows appended, outflows taking the oldest: an outflow is an exact
 *   unit interval of the inflow stream. Attributions are unit intervals of rows, so they are exact and never
 *   counted twice; the amount attributed to a source equals the forward FIFO taint from that source exactly.
 * - lifo: the same with a stack (a transfer carries its units oldest first, as forward LIFO does).
 * - haircut: the ledger is a mixture; an inflow q still makes up v_q·S(p)/S(q) of the balance at p, where S is
 *   the product of (1 − x/B) over the outflows (forward haircut's T ← T − x·T/B). An attribution A splits in
 *   those proportions, floored, the remainder to the largest share: attribution is conserved exactly. The
 *   survival ratio S(p)/S(q) is a double (relative error ~1e-16, exact when no outflow lies between the
 *   inflows compared); forward haircut floors at every hop, so the two agree within a few base units per hop.
 * - poison: every inflow before p of every ledger on the way is an origin, for its whole value.
 * - dirty-first, clean-first: backward every lot is some source's, so "tainted first" orders nothing; they run
 *   as fifo (as TIHO backward does on Bitcoin). They are not the inverse of their forward policy.
 * Links: a swap output (bridge release, followed mixer withdrawal) is funded by its linked input in proportion
 * (value(in)/value(out)), in the input's asset.
 *
 * Endpoints (origins): `unknown-origin` (the opening balance of a ledger: history outside the store),
 * `mint` (no sender: block reward, withdrawal, token mint from the zero address), `swap`/`bridge`/`mixer`/`service`
 * (came out of a pool with no followed link), `max-hops`.
 * @module
 */
import { InvalidInputError, NotFoundError } from '../../core/errors.js'
import { type AccountTransferSet, KIND_FEE } from './AccountTransferSet.js'
import type { AccountPolicy } from './propagateAccountTaint.js'
import {
  type AccountLinkReport,
  type AccountTraceResult,
  ADDR,
  accountEndpoints,
  accountLinkReport,
  accountOutput,
  assetAmounts,
  poolsWithServices,
  type TraceAccountsOptions,
  TXH,
  txSeedRows,
} from './traceAccounts.js'

/** Unit intervals [start, end) of a row's value (fifo/lifo), flattened pairs. */
type Intervals = bigint[]

/** Per-ledger replay, computed once when the ledger is first needed (over its whole history). */
type LedgerReplay = {
  opening: bigint
  /** Inflow rows in order (-1 = the opening balance, first). */
  inRows: number[]
  /** fifo: cumulative start of each inflow in the unit stream. haircut: log S at each inflow. */
  inStart: bigint[]
  inLogS: number[]
  /** Outflow row → fifo: cumulative start; haircut: [logS at p, first live inflow, inflows before p]. */
  out: Map<number, { start: bigint; logS: number; live: number; before: number }>
  /** lifo: outflow row → pieces (inflow index, start, end) oldest first. */
  lifo: Map<number, [number, bigint, bigint][]>
}

export function traceAccountsBackward(set: AccountTransferSet, o: TraceAccountsOptions): AccountTraceResult {
  const t0 = performance.now()
  const policy: AccountPolicy = o.policy
  const mode = policy === 'haircut' ? 'haircut' : policy === 'poison' ? 'poison' : policy === 'lifo' ? 'lifo' : 'fifo'
  const maxHops = o.maxHops ?? Number.POSITIVE_INFINITY
  const n = set.n
  const { from, to, fromLedger, toLedger, value, linkFrom, linkKind } = set
  const pools = poolsWithServices(set, o)
  // targets
  const targets: number[] = []
  const seeds: AccountTraceResult['seeds'] = []
  for (const raw of o.seeds) {
    const s = raw.trim().toLowerCase()
    if (ADDR.test(s)) {
      const a = set.addressIndex.get(s)
      if (a === undefined)
        throw new NotFoundError(`address ${s} has no transfers in the store`, { details: { seed: s } })
      let rows = 0
      for (let p = 0; p < n; p++)
        if (to[p] === a && set.kind[p] !== KIND_FEE) {
          targets.push(p)
          rows++
        }
      seeds.push({ seed: s, kind: 'address', rows })
    } else if (TXH.test(s)) {
      const rows = txSeedRows(set, s)
      for (const p of rows) targets.push(p)
      seeds.push({ seed: s, kind: 'tx', rows: rows.length })
    } else throw new InvalidInputError(`not an EVM address or transaction hash: ${raw}`, { details: { seed: raw } })
  }

  // rows of each ledger (CSR), only ledgers of ordinary (non-pool) addresses
  const L = set.ledgerAddress.length
  const cnt = new Int32Array(L + 1)
  for (let p = 0; p < n; p++) {
    if (fromLedger[p]! >= 0) cnt[fromLedger[p]! + 1]!++
    if (toLedger[p]! >= 0 && toLedger[p] !== fromLedger[p]) cnt[toLedger[p]! + 1]!++
  }
  for (let l = 0; l < L; l++) cnt[l + 1]! += cnt[l]!
  const lrows = new Int32Array(cnt[L]!)
  const fill = cnt.slice(0, L)
  for (let p = 0; p < n; p++) {
    if (fromLedger[p]! >= 0) lrows[fill[fromLedger[p]!]!++] = p
    if (toLedger[p]! >= 0 && toLedger[p] !== fromLedger[p]) lrows[fill[toLedger[p]!]!++] = p
  }

  const replays = new Map<number, LedgerReplay>()
  const replayOf = (l: number): LedgerReplay => {
    let r = replays.get(l)
    if (r) return r
    // opening balance: the smallest that keeps the ledger non-negative over its whole history (forward's rule)
    let bal = 0n
    let opening = 0n
    for (let k = cnt[l]!; k < cnt[l + 1]!; k++) {
      const p = lrows[k]!
      if (fromLedger[p] === l) {
        bal -= value[p]!
        if (bal < 0n) {
          opening -= bal
          bal = 0n
        }
      }
      if (toLedger[p] === l) bal += value[p]!
    }
    r = { opening, inRows: [], inStart: [], inLogS: [], out: new Map(), lifo: new Map() }
    const push = (row: number, amt: bigint, cum: bigint, logS: number) => {
      r!.inRows.push(row)
      r!.inStart.push(cum)
      r!.inLogS.push(logS)
      return cum + amt
    }
    let cum = 0n
    let logS = 0
    let live = 0
    bal = opening
    const stack: [number, bigint, bigint][] = [] // lifo: (inflow index, start, end) of units still held
    if (opening > 0n) {
      cum = push(-1, opening, 0n, 0)
      stack.push([0, 0n, opening])
    }
    for (let k = cnt[l]!; k < cnt[l + 1]!; k++) {
      const p = lrows[k]!
      const x = value[p]!
      if (fromLedger[p] === l) {
        r.out.set(p, { start: cum - bal, logS, live, before: r.inRows.length })
        if (mode === 'lifo') {
          let need = x
          const pieces: [number, bigint, bigint][] = []
          while (need > 0n && stack.length > 0) {
            const top = stack[stack.length - 1]!
            const len = top[2] - top[1]
            if (len <= need) {
              pieces.push(top)
              stack.pop()
              need -= len
            } else {
              pieces.push([top[0], top[2] - need, top[2]])
              top[2] -= need
              need = 0n
            }
          }
          r.lifo.set(p, pieces.reverse())
        }
        if (x > 0n && bal > 0n) {
          if (x >= bal) {
            live = r.inRows.length // emptied: everything held so far is gone
            logS = 0
          } else {
            // log of the surviving share (bal − x)/bal; above 2^53 wei x/bal can round to 1 as a double although
            // x < bal, so large outflows take the exact remainder (log1p keeps small ones precise)
            const f = Number(x) / Number(bal)
            logS += f < 0.5 ? Math.log1p(-f) : Math.log(Number(bal - x) / Number(bal))
          }
        }
        bal -= x
      }
      if (toLedger[p] === l) {
        // a fresh mixture: inflows after an emptying restart the survival product at 0 (log 1)
        cum = push(p, x, cum, logS)
        if (mode === 'lifo' && x > 0n) stack.push([r.inRows.length - 1, 0n, x])
        bal += x
      }
    }
    replays.set(l, r)
    return r
  }

  // attribution gathered per row: amount (haircut, poison) or unit intervals (fifo, lifo)
  const amount = new Map<number, bigint>()
  const ivs = new Map<number, Intervals>()
  const hop = new Map<number, number>()
  const via = new Map<number, number>()
  const heap: number[] = [] // max-heap of positions
  const heapPush = (p: number) => {
    heap.push(p)
    let i = heap.length - 1
    while (i > 0) {
      const j = (i - 1) >> 1
      if (heap[j]! >= heap[i]!) break
      ;[heap[i], heap[j]] = [heap[j]!, heap[i]!]
      i = j
    }
  }
  const heapPop = (): number => {
    const top = heap[0]!
    const last = heap.pop()!
    if (heap.length > 0) {
      heap[0] = last
      let i = 0
      for (;;) {
        const a = 2 * i + 1
        const b = a + 1
        let m = i
        if (a < heap.length && heap[a]! > heap[m]!) m = a
        if (b < heap.length && heap[b]! > heap[m]!) m = b
        if (m === i) break
        ;[heap[i], heap[m]] = [heap[m]!, heap[i]!]
        i = m
      }
    }
    return top
  }
  const reach = (q: number, h: number, from: number, amt: bigint, iv: Intervals | null) => {
    if (!hop.has(q)) {
      hop.set(q, h)
      via.set(q, from)
      heapPush(q)
    } else if (h < hop.get(q)!) {
      hop.set(q, h)
      via.set(q, from)
    }
    if (mode === 'poison') amount.set(q, value[q]!)
    else if (iv) {
      const cur = ivs.get(q)
      if (cur) cur.push(...iv)
      else ivs.set(q, iv.slice())
    } else amount.set(q, (amount.get(q) ?? 0n) + amt)
  }
  for (const p of targets) reach(p, 0, -1, value[p]!, mode === 'fifo' || mode === 'lifo' ? [0n, value[p]!] : null)

  type End = { address: number; asset: number; reason: string; amount: bigint; hops: number; row: number }
  const ends = new Map<string, End>()
  const endAdd = (address: number, asset: number, reason: string, amt: bigint, h: number, row: number) => {
    if (amt <= 0n) return
    const k = `${address}:${asset}:${reason}`
    const e = ends.get(k)
    if (!e) ends.set(k, { address, asset, reason, amount: amt, hops: h, row })
    else {
      e.amount += amt
      if (h < e.hops) {
        e.hops = h
        e.row = row
      }
    }
  }
  const total = (q: number): bigint =>
    mode === 'fifo' || mode === 'lifo' ? sumIv(ivs.get(q) ?? []) : (amount.get(q) ?? 0n)
  const attributed = new Map<number, bigint>()
  const linkReports: AccountLinkReport[] = []
  let openingBalance = 0n
  // poison: a ledger's inflows are expanded once (for its latest outflow in the cone; later ones are subsets)
  const poisonDone = new Map<number, { before: number; hop: number }>()

  while (heap.length > 0) {
    const q = heapPop()
    const h = hop.get(q)!
    const amt = total(q)
    attributed.set(q, amt)
    if (amt === 0n) continue
    const f = from[q]!
    const asset = set.asset[q]!
    const link = linkFrom[q]!
    if (f >= 0 && pools.has(f)) {
      const followed = link >= 0 && (linkKind[q] !== 2 || o.followMixerLinks === true)
      if (link >= 0) linkReports.push(accountLinkReport(set, q, amt, followed))
      if (!followed || h >= maxHops) {
        endAdd(f, asset, h >= maxHops && followed ? 'max-hops' : pools.get(f)!, amt, h, q)
        continue
      }
      // the linked input funds this output in proportion (in the input's asset)
      const vo = value[q]!
      const vi = value[link]!
      if (vo === 0n) continue
      if (mode === 'fifo' || mode === 'lifo') {
        const iv = ivs.get(q)!
        const scaled: Intervals = []
        for (let i = 0; i < iv.length; i += 2) {
          const a = (iv[i]! * vi) / vo
          const b = (iv[i + 1]! * vi) / vo
          if (b > a) scaled.push(a, b)
        }
        reach(link, h + 1, q, 0n, scaled)
      } else reach(link, h + 1, q, mode === 'poison' ? vi : (amt * vi) / vo, null)
      continue
    }
    if (f < 0) {
      endAdd(-1, asset, 'mint', amt, h, q)
      continue
    }
    if (h >= maxHops) {
      endAdd(f, asset, 'max-hops', amt, h, q)
      continue
    }
    const l = fromLedger[q]!
    const r = replayOf(l)
    const o2 = r.out.get(q)!
    const toInflow = (k: number, a: bigint, iv: Intervals | null) => {
      const row = r.inRows[k]!
      if (row < 0) {
        const got = iv ? sumIv(iv) : a
        endAdd(f, asset, 'unknown-origin', got, h + 1, q)
        openingBalance += got
      } else reach(row, h + 1, q, a, iv)
    }
    if (mode === 'poison') {
      const done = poisonDone.get(l)
      if (done && done.before >= o2.before && done.hop <= h) continue
      for (let k = 0; k < o2.before; k++) {
        if (r.inRows[k]! >= 0) reach(r.inRows[k]!, h + 1, q, 0n, null)
        else if (!done) {
          endAdd(f, asset, 'unknown-origin', r.opening, h + 1, q)
          openingBalance += r.opening
        }
      }
      poisonDone.set(l, { before: Math.max(o2.before, done?.before ?? 0), hop: Math.min(h, done?.hop ?? h) })
    } else if (mode === 'haircut') {
      // weight v_k·S(p)/S(k): the survival factor as a 53-bit fraction, the value exact (same-segment inflows
      // split exactly in proportion to their values)
      const ws: bigint[] = []
      let W = 0n
      let big = -1
      for (let k = o2.live; k < o2.before; k++) {
        const v = r.inRows[k]! < 0 ? r.opening : value[r.inRows[k]!]!
        const w = v * BigInt(Math.round(Math.exp(o2.logS - r.inLogS[k]!) * 2 ** 53))
        ws.push(w)
        W += w
        if (big < 0 || w > ws[big]!) big = ws.length - 1
      }
      if (W <= 0n) continue
      const parts: bigint[] = []
      let given = 0n
      for (const w of ws) {
        const share = (amt * w) / W
        parts.push(share)
        given += share
      }
      parts[big] = parts[big]! + (amt - given)
      for (let i = 0; i < parts.length; i++) if (parts[i]! > 0n) toInflow(o2.live + i, parts[i]!, null)
    } else if (mode === 'fifo') {
      const iv = ivs.get(q)!
      for (let i = 0; i < iv.length; i += 2) {
        const a = o2.start + iv[i]!
        const b = o2.start + iv[i + 1]!
        // inflows whose units [inStart[k], inStart[k] + v_k) overlap [a, b)
        let k = upperBound(r.inStart, a) - 1
        for (; k < r.inRows.length && k >= 0 && r.inStart[k]! < b; k++) {
          const s = r.inStart[k]!
          const v = r.inRows[k]! < 0 ? r.opening : value[r.inRows[k]!]!
          // biome-ignore lint/complexity/useMathMinMax: bigint operands (Math.min/max throw on bigint)
          const lo = a > s ? a : s
          // biome-ignore lint/complexity/useMathMinMax: bigint operands
          const hi = b < s + v ? b : s + v
          if (hi > lo) toInflow(k, 0n, [lo - s, hi - s])
        }
      }
    } else {
      // lifo: the outflow's units, oldest first, are the pieces recorded at replay
      const iv = ivs.get(q)!
      const pieces = r.lifo.get(q)!
      let off = 0n
      for (const [k, ps, pe] of pieces) {
        const len = pe - ps
        for (let i = 0; i < iv.length; i += 2) {
          const lo = iv[i]! > off ? iv[i]! : off
          // biome-ignore lint/complexity/useMathMinMax: bigint operands (Math.min/max throw on bigint)
          const hi = iv[i + 1]! < off + len ? iv[i + 1]! : off + len
          if (hi > lo) toInflow(k, 0n, [ps + (lo - off), ps + (hi - off)])
        }
        off += len
      }
    }
  }

  // shape like the forward result
  const inBy = new Map<number, bigint>()
  for (const p of new Set(targets)) inBy.set(set.asset[p]!, (inBy.get(set.asset[p]!) ?? 0n) + value[p]!)
  const rowsOut = [...attributed.entries()].filter(([, a]) => a > 0n).sort((x, y) => x[0] - y[0])
  const maxOutputs = o.maxOutputs ?? 10_000
  const outputs = rowsOut.slice(0, maxOutputs).map(([p, a]) => accountOutput(set, p, a, hop.get(p)!))
  const pathOf = (row: number): string[] => {
    const out: string[] = []
    for (let cur = row, guard = 0; cur >= 0 && guard < 256; guard++) {
      const hsh = set.txHashes[set.tx[cur]!]!
      if (out[out.length - 1] !== hsh) out.push(hsh)
      cur = via.get(cur) ?? -1
    }
    return out.reverse() // the seed's transaction first
  }
  const endpoints = accountEndpoints(set, o.labelOf, ends.values(), (e) => ({
    firstTime: set.time[e.row] ?? null,
    lastTime: set.time[e.row] ?? null,
    path: pathOf(e.row),
  }))
  return {
    policy,
    direction: 'backward',
    model: 'account',
    seeds,
    taintedIn: assetAmounts(set, inBy),
    outputs,
    endpoints,
    links: linkReports,
    fees: [],
    stats: {
      rows: n,
      taintedRows: rowsOut.length,
      outputsTruncated: rowsOut.length > maxOutputs,
      openingBalance: openingBalance.toString(),
      ms: Math.round(performance.now() - t0),
    },
  }
}

function sumIv(iv: Intervals): bigint {
  let s = 0n
  for (let i = 0; i < iv.length; i += 2) s += iv[i + 1]! - iv[i]!
  return s
}

/** First index k with a[k] > x (a ascending). */
function upperBound(a: readonly bigint[], x: bigint): number {
  let lo = 0
  let hi = a.length
  while (lo < hi) {
    const m = (lo + hi) >> 1
    if (a[m]! <= x) lo = m + 1
    else hi = m
  }
  return lo
}
