/**
 * Small graph helpers shared by the detectors (spendable outputs, names, statistics).
 * @module
 */
import type { UtxoGraph } from '../graph/UtxoGraph.js'
import type { Alert, AlertKind } from './Alert.js'

/** Outputs of `t` that carry value to an address (nulldata and zero-value outputs excluded). */
export function spendableOutputs(g: UtxoGraph, t: number): number[] {
  const out: number[] = []
  for (let o = g.txOutStart[t]!; o < g.txOutStart[t + 1]!; o++)
    if (g.outAddr[o]! >= 0 && g.outValue[o]! > 0) out.push(o)
  return out
}

/** Coefficient of variation (population standard deviation / mean); 0 for fewer than 2 values. */
export function coefficientOfVariation(xs: readonly number[]): number {
  if (xs.length < 2) return 0
  let s = 0
  for (const x of xs) s += x
  const m = s / xs.length
  if (m === 0) return 0
  let v = 0
  for (const x of xs) v += (x - m) ** 2
  return Math.sqrt(v / xs.length) / m
}

export function median(xs: readonly number[]): number {
  if (xs.length === 0) return 0
  const s = [...xs].sort((a, b) => a - b)
  const k = s.length >> 1
  return s.length % 2 ? s[k]! : (s[k - 1]! + s[k]!) / 2
}

/** Round to 4 decimals (evidence ratios, confidences). */
export const r4 = (x: number): number => Math.round(x * 10_000) / 10_000

/** Address strings of ids, deduplicated, in first-seen order (ids without a name are skipped). */
export function addressNames(g: UtxoGraph, ids: Iterable<number>): string[] {
  const seen = new Set<number>()
  const out: string[] = []
  for (const a of ids) {
    if (a < 0 || seen.has(a)) continue
    seen.add(a)
    const s = g.names.address(a)
    if (s !== null) out.push(s)
  }
  return out
}

/** Assemble an alert over transactions `txs` (graph indices, any order: sorted here). */
export function makeAlert(
  g: UtxoGraph,
  kind: AlertKind,
  code: string,
  txs: readonly number[],
  addresses: Iterable<number>,
  confidence: number,
  evidence: Record<string, unknown>,
  key?: string,
): Alert {
  const sorted = [...new Set(txs)].sort((a, b) => a - b)
  const last = sorted[sorted.length - 1] ?? 0
  const txids = sorted.map((t) => g.names.txid(t))
  return {
    kind,
    code,
    key: key ?? txids[0] ?? '',
    txids,
    addresses: addressNames(g, addresses),
    confidence: r4(Math.max(0, Math.min(1, confidence))),
    evidence,
    height: g.txHeight[last] ?? 0,
    time: g.txTime[last] ?? 0,
  }
}

/** Transactions whose height is at least `since` (all when undefined): detectors report patterns ending there. */
export function endsSince(g: UtxoGraph, t: number, since: number | undefined): boolean {
  return since === undefined || g.txHeight[t]! >= since
}
