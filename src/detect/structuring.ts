/**
 * Structuring detector (heuristics.md §5.12; Chainalysis on the 2020 KuCoin laundering): runs of deposits just
 * below a round amount from one sender into one service.
 *
 * Rule (our parameters, documented in docs/detectors.md):
 * - a *deposit* is a tx paying addresses labelled with a service entity (amount = the sum paid to that entity);
 *   deposits by the service to itself are ignored;
 * - senders are grouped without a clustering run: two deposits to the same entity belong to one sender when one
 *   spends an output of the other (the change of a structuring chain) or they share an input address;
 * - round grid R ∈ {1, 2, 5} × 10^k satoshi-denominated BTC amounts; a deposit a is *just below* R when
 *   R·(1 − ε) ≤ a < R (ε = 0.02);
 * - within a window of W (24 h) a sender's deposits to one entity are flagged when there are ≥ k (5) of them,
 *   ≥ 60 % just below the same R, and the coefficient of variation of those is ≤ 0.05.
 * The fiat grid at the historical price (§5.12) is not implemented (no price data in the store).
 *
 * Confidence by the receiving category: mixer 0.9; darknet, gambling, sanctioned 0.8; any other service 0.5
 * (just-below deposits to one's own exchange account are common and legitimate).
 * @module
 */
import { isCoinbase, type UtxoGraph } from '../graph/UtxoGraph.js'
import type { Alert, Labels } from './Alert.js'
import { coefficientOfVariation, endsSince, makeAlert, r4 } from './graphUtil.js'

export type StructuringParams = {
  epsilon: number
  minDeposits: number
  minShare: number
  maxCv: number
  windowSeconds: number
}

export const defaultStructuringParams: StructuringParams = {
  epsilon: 0.02,
  minDeposits: 5,
  minShare: 0.6,
  maxCv: 0.05,
  windowSeconds: 86_400,
}

/** The smallest value of the round grid {1,2,5}×10^k (satoshi, k ≥ 0) strictly above `a`. */
export function roundAbove(a: number): number {
  let p = 1
  for (;;) {
    for (const m of [1, 2, 5]) if (m * p > a) return m * p
    p *= 10
  }
}

/** Confidence by the category of the receiving service. */
export function structuringConfidence(category: string): number {
  if (category === 'mixer') return 0.9
  if (category === 'darknet' || category === 'gambling' || category === 'sanctioned') return 0.8
  return 0.5
}

type Deposit = { t: number; amount: number; entity: string; category: string; addrs: number[] }

class Dsu {
  private readonly p = new Map<number, number>()
  find(x: number): number {
    let r = x
    while (this.p.has(r) && this.p.get(r) !== r) r = this.p.get(r)!
    this.p.set(x, r)
    return r
  }
  union(a: number, b: number): void {
    const ra = this.find(a)
    const rb = this.find(b)
    if (ra !== rb) this.p.set(Math.max(ra, rb), Math.min(ra, rb))
  }
}

export function detectStructuring(
  g: UtxoGraph,
  labels: Labels,
  params: Partial<StructuringParams> = {},
  since?: number,
): Alert[] {
  const p = { ...defaultStructuringParams, ...params }
  if (labels.size === 0) return []
  const deposits: Deposit[] = []
  const depositIdx = new Map<string, number>() // `${t}|${entity}` → deposit index
  const dsu = new Dsu()
  const byInputAddr = new Map<string, number>()
  for (let t = 0; t < g.txCount; t++) {
    if (isCoinbase(g, t)) continue
    let per: Map<string, Deposit> | null = null
    for (let o = g.txOutStart[t]!; o < g.txOutStart[t + 1]!; o++) {
      const lab = labels.get(g.outAddr[o]!)
      if (!lab) continue
      per ??= new Map()
      let d = per.get(lab.entity)
      if (!d) per.set(lab.entity, (d = { t, amount: 0, entity: lab.entity, category: lab.category, addrs: [] }))
      d.amount += g.outValue[o]!
      d.addrs.push(g.outAddr[o]!)
    }
    if (!per) continue
    for (const d of per.values()) {
      // a service paying itself is not a deposit
      let own = false
      for (let i = g.txInStart[t]!; i < g.txInStart[t + 1]! && !own; i++)
        own = labels.get(g.inAddr[i]!)?.entity === d.entity
      if (own) continue
      const k = deposits.length
      deposits.push(d)
      depositIdx.set(`${t}|${d.entity}`, k)
      for (let i = g.txInStart[t]!; i < g.txInStart[t + 1]!; i++) {
        const prev = g.inPrevOut[i]!
        if (prev >= 0) {
          const j = depositIdx.get(`${g.outTx[prev]!}|${d.entity}`)
          if (j !== undefined) dsu.union(j, k)
        }
        const a = g.inAddr[i]!
        if (a >= 0) {
          const key = `${a}|${d.entity}`
          const j = byInputAddr.get(key)
          if (j === undefined) byInputAddr.set(key, k)
          else dsu.union(j, k)
        }
      }
    }
  }
  const groups = new Map<number, number[]>()
  for (let k = 0; k < deposits.length; k++) {
    const r = dsu.find(k)
    let arr = groups.get(r)
    if (!arr) groups.set(r, (arr = []))
    arr.push(k)
  }
  const alerts: Alert[] = []
  for (const ks of groups.values()) {
    if (ks.length < p.minDeposits) continue
    const ds = ks.map((k) => deposits[k]!) // chain order already (t increasing)
    let i = 0
    while (i < ds.length) {
      let j = i
      while (j + 1 < ds.length && g.txTime[ds[j + 1]!.t]! - g.txTime[ds[i]!.t]! <= p.windowSeconds) j++
      const win = ds.slice(i, j + 1)
      const hit = win.length >= p.minDeposits ? bestRound(win, p.epsilon) : null
      if (hit && hit.below.length >= p.minShare * win.length) {
        const amounts = hit.below.map((d) => d.amount)
        const cv = coefficientOfVariation(amounts)
        const lastT = hit.below[hit.below.length - 1]!.t
        if (cv <= p.maxCv && endsSince(g, lastT, since)) {
          const d0 = win[0]!
          const senders: number[] = []
          for (const d of hit.below)
            for (let q = g.txInStart[d.t]!; q < g.txInStart[d.t + 1]!; q++) senders.push(g.inAddr[q]!)
          alerts.push(
            makeAlert(
              g,
              'structuring',
              'structuring.below_round',
              hit.below.map((d) => d.t),
              [...hit.below.flatMap((d) => d.addrs), ...senders],
              structuringConfidence(d0.category),
              {
                rule: { ...p },
                service: d0.entity,
                category: d0.category,
                round: hit.R,
                deposits: win.length,
                justBelow: hit.below.length,
                share: r4(hit.below.length / win.length),
                cv: r4(cv),
                amounts,
                windowSeconds: g.txTime[win[win.length - 1]!.t]! - g.txTime[d0.t]!,
              },
            ),
          )
          i = j + 1
          continue
        }
      }
      i++
    }
  }
  return alerts.sort((a, b) => a.height - b.height || (a.key < b.key ? -1 : 1))
}

/** The round amount R with the most deposits just below it, and those deposits. */
function bestRound(win: readonly Deposit[], eps: number): { R: number; below: Deposit[] } | null {
  const byR = new Map<number, Deposit[]>()
  for (const d of win) {
    const R = roundAbove(d.amount)
    if (d.amount >= R * (1 - eps)) {
      let arr = byR.get(R)
      if (!arr) byR.set(R, (arr = []))
      arr.push(d)
    }
  }
  let best: { R: number; below: Deposit[] } | null = null
  for (const [R, below] of byR) if (!best || below.length > best.below.length) best = { R, below }
  return best
}
