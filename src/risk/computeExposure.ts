/**
 * Exposure of an address (or a cluster: several address ids) by category, direct and indirect, incoming and
 * outgoing, with hop decay — heuristics.md §7.2, **our documented convention, not a vendor method**.
 *
 * The tracing is the tracing engine's (src/trace `traceBackward` / `traceForward`), haircut by default, with every
 * labelled address as a stop (`serviceOf` + `stopAtServices`):
 * - incoming (receiving side): seeds are the target's outputs received from others (outputs of transactions with
 *   no target input, i.e. not its own change). Engine hop 1 = the direct counterparty, as in §7.2 (h = 1 direct).
 * - outgoing (sending side): for each transaction spending the target's outputs, its outputs to others are the
 *   seeds, weighted by the target's share of that transaction's inputs. Those seeds are the direct counterparties,
 *   so h = engine hop + 1.
 * For each labelled endpoint of category c reached at hop h, `s_{c,h}` = amount / the target's total volume on
 * that side; `E = Σ_c w_c · Σ_h s_{c,h} · λ^(h−1)`. Direct (h = 1) and indirect (h ≥ 2) are reported separately,
 * with the paths that produce them. Hard rule: any direct sanctioned exposure is severe (see `riskLevel`).
 * @module
 */
import type { LabelCategory } from '../core/model.js'
import { spendingTx, type UtxoGraph } from '../graph/UtxoGraph.js'
import type { Chunks } from '../trace/chunks.js'
import type { PolicyName } from '../trace/kernel.js'
import { traceBackward } from '../trace/traceBackward.js'
import { traceForward } from '../trace/traceForward.js'
import type { PolicyRun, ResolvedSeed, ServiceLabel } from '../trace/types.js'

/** Category weights w_c (heuristics.md §7.2 example weights, extended to every category). */
export const defaultWeights: Readonly<Record<LabelCategory, number>> = {
  sanctioned: 1,
  stolen_funds: 1,
  hacker: 1,
  ransomware: 0.9,
  darknet: 0.9,
  scam: 0.8,
  mixer: 0.8,
  gambling: 0.3,
  otc: 0.3,
  bridge: 0.1,
  swap: 0.1,
  other: 0.1,
  exchange: 0.05,
  payment_processor: 0.05,
  defi: 0.05,
  merchant: 0.02,
  mining_pool: 0,
  individual: 0,
}

export type ExposureParams = {
  /** Taint policy (default haircut). */
  readonly policy?: PolicyName
  /** Depth H (default 5). */
  readonly maxHops?: number
  /** Hop decay λ (default 0.5). */
  readonly decay?: number
  readonly weights?: Partial<Record<LabelCategory, number>>
  /** Paths kept per side, largest amounts first (default 10). */
  readonly maxPaths?: number
}

export type ExposureLabelOf = (addressId: number) => ServiceLabel | null

export type CategoryExposure = {
  readonly category: LabelCategory
  /** Shares of the side's volume (0..1 under haircut; poison is an upper bound and may exceed 1). */
  readonly direct: number
  readonly indirect: number
  /** Amounts in base units (satoshi), rounded down. */
  readonly directAmount: number
  readonly indirectAmount: number
  /** Contribution to E: w_c · Σ_h s_{c,h} · λ^(h−1). */
  readonly weighted: number
  /** Smallest hop at which the category was reached. */
  readonly minHop: number
  readonly entities: readonly string[]
}

export type PathStep = {
  readonly txid: string
  readonly vout: number
  readonly address: string | null
  readonly amount: number
}

export type ExposurePath = {
  readonly side: 'incoming' | 'outgoing'
  readonly category: LabelCategory
  readonly entity: string
  readonly hop: number
  /** Base units reaching the labelled address along this endpoint (all routes merged by the engine). */
  readonly amount: number
  readonly share: number
  /** From the target (first) to the labelled address (last); `amount` is the traced amount on each output. */
  readonly steps: readonly PathStep[]
}

export type SideExposure = {
  /** The target's volume on this side, base units (the denominator). */
  readonly total: number
  readonly score: number
  readonly categories: readonly CategoryExposure[]
  readonly paths: readonly ExposurePath[]
}

export type Exposure = {
  readonly incoming: SideExposure
  readonly outgoing: SideExposure
  /** max(E_incoming, E_outgoing). */
  readonly score: number
  /** Any sanctioned counterparty at h = 1 on either side. */
  readonly directSanctioned: boolean
  readonly policy: PolicyName
  readonly params: {
    readonly maxHops: number
    readonly decay: number
    readonly weights: Readonly<Record<string, number>>
  }
}

export function computeExposure(
  g: UtxoGraph,
  target: readonly number[],
  labelOf: ExposureLabelOf,
  params: ExposureParams = {},
): Exposure {
  const policy = params.policy ?? 'haircut'
  const maxHops = params.maxHops ?? 5
  const decay = params.decay ?? 0.5
  const weights = { ...defaultWeights, ...params.weights }
  const mine = new Set(target)
  const serviceOf = (a: number) => (mine.has(a) ? null : labelOf(a))
  const engine = { policies: [policy], maxHops, stopAtServices: true, serviceOf, minAmount: 1 }
  const opts = { policy, decay, weights, maxPaths: params.maxPaths ?? 10 }

  // incoming
  const inSeeds: ResolvedSeed[] = []
  let inTotal = 0
  for (const a of mine) {
    if (a < 0 || a >= g.addressCount) continue
    for (let k = g.addrOutStart[a]!; k < g.addrOutStart[a + 1]!; k++) {
      const o = g.addrOuts[k]!
      const t = g.outTx[o]!
      let own = false
      for (let i = g.txInStart[t]!; i < g.txInStart[t + 1]!; i++) if (mine.has(g.inAddr[i]!)) own = true
      if (own) continue
      inSeeds.push({ output: o, label: 0 })
      inTotal += g.outValue[o]!
    }
  }
  const inRun = inSeeds.length ? traceBackward(g, inSeeds, engine)[0]! : null
  const incoming = summarize(g, 'incoming', inRun, inTotal, () => 1, 0, labelOf, opts)

  // outgoing
  const outSeeds: ResolvedSeed[] = []
  const ratios: number[] = []
  let outTotal = 0
  const spenders = new Set<number>()
  for (const a of mine) {
    if (a < 0 || a >= g.addressCount) continue
    for (let k = g.addrOutStart[a]!; k < g.addrOutStart[a + 1]!; k++) {
      const t = spendingTx(g, g.addrOuts[k]!)
      if (t >= 0) spenders.add(t)
    }
  }
  for (const t of [...spenders].sort((x, y) => x - y)) {
    let own = 0
    let all = 0
    for (let i = g.txInStart[t]!; i < g.txInStart[t + 1]!; i++) {
      const v = g.inValue[i]!
      if (Number.isNaN(v)) continue
      all += v
      if (mine.has(g.inAddr[i]!)) own += v
    }
    if (!(all > 0) || own === 0) continue
    const ratio = own / all
    for (let o = g.txOutStart[t]!; o < g.txOutStart[t + 1]!; o++) {
      if (mine.has(g.outAddr[o]!) || g.outValue[o]! <= 0) continue
      outSeeds.push({ output: o, label: ratios.length })
      ratios.push(ratio)
      outTotal += g.outValue[o]! * ratio
    }
  }
  const outRun = outSeeds.length ? traceForward(g, outSeeds, engine)[0]! : null
  const outgoing = summarize(g, 'outgoing', outRun, outTotal, (l) => ratios[l] ?? 1, 1, labelOf, opts)

  const directSanctioned = [incoming, outgoing].some((s) =>
    s.categories.some((c) => c.category === 'sanctioned' && c.directAmount > 0),
  )
  return {
    incoming,
    outgoing,
    score: Math.max(incoming.score, outgoing.score),
    directSanctioned,
    policy,
    params: { maxHops, decay, weights },
  }
}

function summarize(
  g: UtxoGraph,
  side: 'incoming' | 'outgoing',
  run: PolicyRun | null,
  total: number,
  ratioOf: (label: number) => number,
  hopOffset: number,
  labelOf: ExposureLabelOf,
  o: { policy: PolicyName; decay: number; weights: Record<LabelCategory, number>; maxPaths: number },
): SideExposure {
  if (!run || !(total > 0)) return { total: Math.floor(total), score: 0, categories: [], paths: [] }
  type Acc = { direct: number; indirect: number; weighted: number; minHop: number; entities: Set<string> }
  const acc = new Map<LabelCategory, Acc>()
  const ends: { o: number; hop: number; amount: number; label: ServiceLabel }[] = []
  for (const [out, reason] of run.stop) {
    if (reason !== 'service') continue
    const label = labelOf(g.outAddr[out]!)
    if (!label) continue
    const amount = amountOf(o.policy, run.taint.get(out), g.outValue[out]!, ratioOf)
    if (!(amount > 0)) continue
    const hop = (run.hop.get(out) ?? 0) + hopOffset
    let a = acc.get(label.category)
    if (!a) {
      a = { direct: 0, indirect: 0, weighted: 0, minHop: hop, entities: new Set() }
      acc.set(label.category, a)
    }
    if (hop <= 1) a.direct += amount
    else a.indirect += amount
    a.minHop = Math.min(a.minHop, hop)
    a.entities.add(label.entity)
    a.weighted += (o.weights[label.category] ?? 0) * (amount / total) * o.decay ** (hop - 1)
    ends.push({ o: out, hop, amount, label })
  }
  const categories: CategoryExposure[] = [...acc]
    .map(([category, a]) => ({
      category,
      direct: a.direct / total,
      indirect: a.indirect / total,
      directAmount: Math.floor(a.direct),
      indirectAmount: Math.floor(a.indirect),
      weighted: a.weighted,
      minHop: a.minHop,
      entities: [...a.entities].sort(),
    }))
    .sort((x, y) => y.weighted - x.weighted || y.direct + y.indirect - (x.direct + x.indirect))
  let score = 0
  for (const c of categories) score += c.weighted
  ends.sort((x, y) => y.amount - x.amount || x.hop - y.hop)
  const paths = ends.slice(0, o.maxPaths).map((e) => ({
    side,
    category: e.label.category,
    entity: e.label.entity,
    hop: e.hop,
    amount: Math.floor(e.amount),
    share: e.amount / total,
    steps: side === 'incoming' ? backwardSteps(g, run, e.o) : forwardSteps(g, run, e.o),
  }))
  return { total: Math.floor(total), score, categories, paths }
}

function amountOf(policy: PolicyName, c: Chunks | undefined, value: number, ratioOf: (l: number) => number): number {
  if (!c) return 0
  let s = 0
  for (let k = 0; k < c.length; k += 2) {
    const l = c[k + 1]!
    if (l < 0) continue
    s += (policy === 'poison' ? value : c[k]!) * ratioOf(l)
  }
  return s
}

function step(g: UtxoGraph, run: PolicyRun, o: number): PathStep {
  const t = g.outTx[o]!
  const a = g.outAddr[o]!
  const c = run.taint.get(o)
  let amount = 0
  if (c) for (let k = 0; k < c.length; k += 2) if (c[k + 1]! >= 0) amount += c[k]!
  return { txid: g.names.txid(t), vout: o - g.txOutStart[t]!, address: a >= 0 ? g.names.address(a) : null, amount }
}

/** Incoming: from the labelled output back down to the target's seed output, then reversed (target first). */
function backwardSteps(g: UtxoGraph, run: PolicyRun, end: number): PathStep[] {
  const steps: PathStep[] = [step(g, run, end)]
  let o = end
  for (let guard = 0; guard < 64 && (run.hop.get(o) ?? 0) > 0; guard++) {
    const t = spendingTx(g, o)
    const next = t >= 0 ? run.via.get(t) : undefined
    if (next === undefined || next < 0) break
    steps.push(step(g, run, next))
    o = next
  }
  return steps.reverse()
}

/** Outgoing: from the labelled output back to the seed (a direct counterparty), reversed (target side first). */
function forwardSteps(g: UtxoGraph, run: PolicyRun, end: number): PathStep[] {
  const steps: PathStep[] = [step(g, run, end)]
  let o = end
  for (let guard = 0; guard < 64 && (run.hop.get(o) ?? 0) > 0; guard++) {
    const prev = run.via.get(g.outTx[o]!)
    if (prev === undefined || prev < 0) break
    steps.push(step(g, run, prev))
    o = prev
  }
  return steps.reverse()
}
