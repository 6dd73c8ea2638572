/**
 * Screening: the answer for one address from warm state — its own labels (LabelIndex, one Map probe), and, when
 * the address is in the loaded chain graph, its exposure (computeExposure on the tracing engine). Every result
 * carries the data version it was computed from (intelligence version + chain tip height) and a stable hash of
 * its substance, which `hound rescreen` compares.
 * @module
 */
import { createHash } from 'node:crypto'
import type { LabelCategory } from '../core/model.js'
import { labelConfidences, type Tlp, tlpLevels } from '../core/model.js'
import type { UtxoGraph } from '../graph/UtxoGraph.js'
import { checkAddress } from '../intel/canonicalAddress.js'
import { OFAC_SOURCE } from '../intel/importOfac.js'
import type { IndexedLabel, LabelIndex } from '../intel/LabelIndex.js'
import type { ServiceLabel } from '../trace/types.js'
import { computeExposure, type Exposure, type ExposureParams } from './computeExposure.js'
import { type RiskLevel, riskLevel } from './riskLevel.js'

export type DataVersion = {
  /** Intelligence version (bumped by every import / incident). */
  readonly intel: number
  /** Height of the chain tip the graph was loaded at, or null without chain data. */
  readonly tipHeight: number | null
  readonly chain: string | null
}

export type ScreenLabel = Pick<
  IndexedLabel,
  | 'labelId'
  | 'category'
  | 'entity'
  | 'actor'
  | 'source'
  | 'confidence'
  | 'tlp'
  | 'validFrom'
  | 'asset'
  | 'reference'
  | 'chain'
> & { readonly incidentId: number | null; readonly amount: string | null; readonly policy: string | null }

export type ScreenResult = {
  readonly address: string
  readonly canonical: string
  readonly risk: RiskLevel
  readonly reasons: readonly string[]
  /** Categories of the address's own labels and of its exposure, most severe first. */
  readonly categories: readonly LabelCategory[]
  readonly sanctioned: boolean
  readonly labels: readonly ScreenLabel[]
  /** The address's cluster when clustering is loaded (exposure is the cluster's with `cluster: true`). */
  readonly cluster: { readonly id: string; readonly size: number; readonly exposureOfCluster: boolean } | null
  /** Null when the address is not in the loaded chain graph (or no graph is loaded). */
  readonly exposure: Exposure | null
  readonly policy: string
  /** The TLP ceiling the answer was computed under (labels above it were invisible). */
  readonly maxTlp: Tlp
  readonly dataVersion: DataVersion
  /** SHA-256 over risk, categories, label ids and the exposure score (6 decimals): changes iff the answer changes. */
  readonly resultHash: string
}

export type ScreenerOptions = {
  readonly index: LabelIndex
  readonly graph?: UtxoGraph | null
  readonly tipHeight?: number | null
  readonly chain?: string | null
  readonly exposure?: ExposureParams
  /** Results cached per canonical address (cleared when the screener is rebuilt). Default 100,000. */
  readonly cacheSize?: number
  /**
   * Clustering (graph address id → cluster id, non-singleton clusters only; `loadClusterAssignment`). Enables
   * cluster-scope labels (a label on a cluster-defining address applies to every member) and cluster exposure.
   */
  readonly clusterOf?: ReadonlyMap<number, string> | null
}

/** Thrown-free input error for screening: the caller maps it to 400 / exit code 2. */
export type ScreenInputError = { readonly error: string; readonly address: string }

export class Screener {
  readonly index: LabelIndex
  readonly graph: UtxoGraph | null
  readonly dataVersion: DataVersion
  private readonly params: ExposureParams
  /** Per TLP ceiling (index in tlpLevels): graph address id → label the engine sees. */
  private readonly labelCaches = tlpLevels.map(() => new Map<number, ServiceLabel | null>())
  private readonly cache = new Map<string, ScreenResult>()
  private readonly cacheSize: number
  private readonly clusterOf: ReadonlyMap<number, string> | null
  private readonly members = new Map<string, number[]>()
  private readonly clusterLabels = new Map<string, IndexedLabel[]>()

  constructor(o: ScreenerOptions) {
    this.index = o.index
    this.graph = o.graph ?? null
    this.clusterOf = this.graph ? (o.clusterOf ?? null) : null
    if (this.clusterOf && this.graph) {
      for (const [a, c] of this.clusterOf) {
        const m = this.members.get(c)
        if (m) m.push(a)
        else this.members.set(c, [a])
      }
      for (const key of this.index.clusterKeys) {
        for (const l of this.index.lookupCanonical(key)) {
          if (l.scope !== 'cluster') continue
          let a = this.graph.names.addressIndex(l.address)
          if (a < 0) a = this.graph.names.addressIndex(key)
          const c = a >= 0 ? this.clusterOf.get(a) : undefined
          if (c === undefined) continue
          const list = this.clusterLabels.get(c)
          if (list) list.push(l)
          else this.clusterLabels.set(c, [l])
        }
      }
    }
    this.params = o.exposure ?? {}
    this.cacheSize = o.cacheSize ?? 100_000
    this.dataVersion = {
      intel: o.index.version,
      tipHeight: o.graph ? (o.tipHeight ?? null) : null,
      chain: o.graph ? (o.chain ?? null) : null,
    }
  }

  /** The label the tracing engine sees for a graph address id (best label: most severe, then most trusted). */
  labelOfAddressId = (a: number): ServiceLabel | null => this.labelOf(a, MAX_TLP)

  private labelOf(a: number, tlpRank: number): ServiceLabel | null {
    const cache = this.labelCaches[tlpRank]!
    let l = cache.get(a)
    if (l !== undefined) return l
    const s = this.graph?.names.address(a)
    let best = s ? bestLabel(visible(this.index.lookup(s), tlpRank)) : null
    if (!best && this.clusterOf) {
      const c = this.clusterOf.get(a)
      const cl = c === undefined ? undefined : this.clusterLabels.get(c)
      if (cl) best = bestLabel(visible(cl, tlpRank))
    }
    l = best ? { category: best.category, entity: best.entity } : null
    cache.set(a, l)
    return l
  }

  /**
   * Screen one address. Returns an input error (not thrown) for a malformed address. `maxTlp` hides labels more
   * restricted than that level, from the address's own labels and from its exposure (an API key's ceiling).
   */
  screen(address: unknown, maxTlp: Tlp = 'red', opts: { cluster?: boolean } = {}): ScreenResult | ScreenInputError {
    const rank = tlpLevels.indexOf(maxTlp)
    const asCluster = Boolean(opts.cluster && this.clusterOf)
    const chk = checkAddress(address)
    if (!chk.ok) {
      // An address we hold intelligence on is always accepted, even with a bad checksum (OFAC typos).
      const s = typeof address === 'string' ? address.trim() : ''
      if (!s || this.index.lookup(s).length === 0) return { error: chk.reason, address: String(address).slice(0, 140) }
    }
    const input = (address as string).trim()
    const canonical = chk.ok ? chk.canonical : input
    const cacheKey = rank === MAX_TLP && !asCluster ? canonical : `${rank}|${asCluster ? 'c' : ''}|${canonical}`
    const hit = this.cache.get(cacheKey)
    if (hit) return hit.address === input ? hit : { ...hit, address: input }
    const r = this.compute(input, canonical, rank, asCluster)
    if (this.cache.size >= this.cacheSize) this.cache.clear()
    this.cache.set(cacheKey, r)
    return r
  }

  private compute(address: string, canonical: string, rank: number, asCluster: boolean): ScreenResult {
    let own = visible(this.index.lookupCanonical(canonical), rank)
    let exposure: Exposure | null = null
    let cluster: ScreenResult['cluster'] = null
    if (this.graph) {
      let a = this.graph.names.addressIndex(address)
      if (a < 0 && canonical !== address) a = this.graph.names.addressIndex(canonical)
      const labelOf = rank === MAX_TLP ? this.labelOfAddressId : (x: number) => this.labelOf(x, rank)
      const c = a >= 0 && this.clusterOf ? this.clusterOf.get(a) : undefined
      let target = [a]
      if (c !== undefined) {
        const members = this.members.get(c) ?? [a]
        cluster = { id: c, size: members.length, exposureOfCluster: asCluster }
        if (asCluster) target = members
        const cl = visible(this.clusterLabels.get(c) ?? [], rank).filter((l) => !own.includes(l))
        if (cl.length) own = [...own, ...cl]
      }
      if (a >= 0) exposure = computeExposure(this.graph, target, labelOf, this.params)
    }
    const ownCats = own.map((l) => l.category)
    const { level, reasons } = riskLevel(ownCats, exposure)
    const cats = new Set<LabelCategory>(ownCats)
    if (exposure) {
      for (const side of [exposure.incoming, exposure.outgoing]) for (const c of side.categories) cats.add(c.category)
    }
    const categories = [...cats].sort((x, y) => severity(y) - severity(x) || x.localeCompare(y))
    const labels: ScreenLabel[] = own.map((l) => ({
      labelId: l.labelId,
      category: l.category,
      entity: l.entity,
      actor: l.actor,
      source: l.source,
      confidence: l.confidence,
      tlp: l.tlp,
      validFrom: l.validFrom,
      asset: l.asset,
      reference: l.reference,
      chain: l.chain,
      incidentId: l.incidentId,
      amount: l.amount,
      policy: l.policy,
    }))
    const resultHash = createHash('sha256')
      .update(
        JSON.stringify([
          level,
          categories,
          labels.map((l) => l.labelId).sort((x, y) => x - y),
          exposure ? exposure.score.toFixed(6) : null,
        ]),
      )
      .digest('hex')
    return {
      address,
      canonical,
      risk: level,
      reasons,
      categories,
      sanctioned: own.some((l) => l.category === 'sanctioned'),
      labels,
      cluster,
      exposure,
      policy: exposure?.policy ?? this.params.policy ?? 'haircut',
      maxTlp: tlpLevels[rank]!,
      dataVersion: this.dataVersion,
      resultHash,
    }
  }

  /**
   * Sanctions statements about an address for the public facades: the OFAC SDN import, plus shared intelligence
   * of category `sanctioned` whose marking allows it (TLP:CLEAR). OFAC first.
   */
  sanctionsOf(address: string): readonly IndexedLabel[] {
    const all = this.index
      .lookup(address)
      .filter((l) => l.category === 'sanctioned' && (l.source === OFAC_SOURCE || l.tlp === 'clear'))
    return all.length < 2
      ? all
      : [...all].sort((a, b) => Number(b.source === OFAC_SOURCE) - Number(a.source === OFAC_SOURCE))
  }
}

const MAX_TLP = tlpLevels.length - 1

function visible(labels: readonly IndexedLabel[], rank: number): readonly IndexedLabel[] {
  if (rank >= MAX_TLP) return labels
  return labels.filter((l) => tlpLevels.indexOf(l.tlp) <= rank)
}

export function isScreenError(r: ScreenResult | ScreenInputError): r is ScreenInputError {
  return 'error' in r
}

const SEVERITY: Partial<Record<LabelCategory, number>> = {
  sanctioned: 100,
  stolen_funds: 95,
  hacker: 94,
  ransomware: 90,
  darknet: 89,
  scam: 85,
  mixer: 80,
  gambling: 40,
  otc: 39,
}

function severity(c: LabelCategory): number {
  return SEVERITY[c] ?? 10
}

/** Most severe, then most trusted, then oldest label. */
export function bestLabel(labels: readonly IndexedLabel[]): IndexedLabel | null {
  let best: IndexedLabel | null = null
  for (const l of labels) {
    if (
      !best ||
      severity(l.category) > severity(best.category) ||
      (severity(l.category) === severity(best.category) &&
        labelConfidences.indexOf(l.confidence) < labelConfidences.indexOf(best.confidence))
    )
      best = l
  }
  return best
}
