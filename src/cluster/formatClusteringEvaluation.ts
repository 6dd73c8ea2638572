/**
 * Markdown report of a clustering evaluation, with the published per-heuristic figures of Möser & Narayanan
 * (FC 2022, notebook 5a; heuristics.md §2.1) beside ours. Their figures are on real 2-output mainnet
 * transactions with a CIOH-derived ground truth; ours are on whatever chain was evaluated (usually simulated).
 * @module
 */
import type { ChangeHeuristic } from './change/combineChangeVotes.js'
import type { ClusteringEvaluation } from './evaluateClustering.js'

/** Published precision / coverage (%) where a comparable row exists (heuristics.md §2.1); null when none. */
export const moserNarayanan: Readonly<
  Record<ChangeHeuristic | 'combined', { name: string; p: number; c: number } | null>
> = {
  c1: null,
  c2: { name: 'Fresh address (C2)', p: 95.98, c: 57.27 },
  c3: { name: 'Optimal change (C3)', p: 92.08, c: 33.23 },
  c4: { name: 'Address type (C4)', p: 88.58, c: 26.75 },
  c5: { name: 'Power of ten, combined (C5)', p: 97.08, c: 53.87 },
  c6: { name: 'Locktime fingerprint (C6)', p: 98.78, c: 31.2 },
  c7: { name: 'Relative-fee fingerprint (C7)', p: 83.79, c: 5.0 },
  c8: { name: 'Version fingerprint (one C8 part)', p: 98.33, c: 25.0 },
  c9: null,
  combined: { name: 'RF model at p ≥ 0.99 (TPR)', p: 99.956, c: 78.4 },
}

const pct = (x: number) => `${(100 * x).toFixed(2)} %`

export function formatClusteringEvaluation(r: {
  params: { threshold: number; changeHorizon: number; maxMergeSize: number }
  multiInput: ClusteringEvaluation
  withChange: ClusteringEvaluation
  truth: { dir?: string; txs?: number; addresses?: number; entities?: number }
}): string {
  const t = r.truth
  const lines: string[] = []
  /** The two runs every per-run table lists, in order. */
  const runs = [
    ['multi-input (CoinJoins excluded)', r.multiInput],
    ['multi-input + change', r.withChange],
  ] as const
  lines.push(
    `Chain: ${t.txs ?? '?'} transactions, ${t.addresses ?? '?'} addresses, ${t.entities ?? '?'} true entities (truth: \`${t.dir ?? '?'}\`).`,
    `Parameters: change threshold ${r.params.threshold}, change horizon ${r.params.changeHorizon} blocks, size guard ${r.params.maxMergeSize}.`,
    '',
    '#### Clustering',
    '',
    '| Run | Pairwise precision | Pairwise recall | Clusters | Largest cluster | Wrong merges |',
    '|---|---|---|---|---|---|',
  )
  for (const [name, e] of runs) {
    lines.push(
      `| ${name} | ${e.pairwise.precision.toFixed(4)} | ${e.pairwise.recall.toFixed(4)} | ${e.clusters} | ${e.largestCluster} | ${e.wrongMerges} |`,
    )
  }
  lines.push(
    '',
    'Pairwise recall by true entity type (pairs of addresses of entities of that type):',
    '',
    '| Entity type | Entities | Addresses | Recall, multi-input | Recall, + change | Precision, + change |',
    '|---|---|---|---|---|---|',
  )
  for (const [type, s] of Object.entries(r.withChange.pairwiseByType)) {
    const m = r.multiInput.pairwiseByType[type]
    lines.push(
      `| ${type} | ${s.entities} | ${s.addresses} | ${m ? m.recall.toFixed(4) : '—'} | ${s.recall.toFixed(4)} | ${s.precision.toFixed(4)} |`,
    )
  }
  lines.push(
    '',
    'Entity-level recall: every true entity with ≥ 2 addresses weighs the same (definitions in docs/accuracy.md).',
    '',
    '| Run | Entities scored | Address recall, mean | Address recall, median | Pairwise recall, macro | Fully recovered |',
    '|---|---|---|---|---|---|',
  )
  for (const [name, e] of runs) {
    const x = e.entityRecall
    lines.push(
      `| ${name} | ${x.entities} | ${x.addressRecallMean.toFixed(4)} | ${x.addressRecallMedian.toFixed(4)} | ${x.pairwiseRecallMacro.toFixed(4)} | ${pct(x.fullyRecovered)} (${x.fullyRecoveredCount}) |`,
    )
  }
  lines.push(
    '',
    'Entity-level recall by true entity type, multi-input → multi-input + change:',
    '',
    '| Entity type | Entities scored | Address recall, mean | Address recall, median | Pairwise recall, macro | Fully recovered |',
    '|---|---|---|---|---|---|',
  )
  const arrow = (a: number | undefined, b: number, f: (x: number) => string) =>
    `${a === undefined ? '—' : f(a)} → ${f(b)}`
  const f4 = (x: number) => x.toFixed(4)
  for (const [type, s] of Object.entries(r.withChange.entityRecallByType)) {
    const m = r.multiInput.entityRecallByType[type]
    if (s.entities === 0) {
      lines.push(`| ${type} | 0 | — | — | — | — |`)
      continue
    }
    lines.push(
      `| ${type} | ${s.entities} | ${arrow(m?.addressRecallMean, s.addressRecallMean, f4)} | ${arrow(m?.addressRecallMedian, s.addressRecallMedian, f4)} | ${arrow(m?.pairwiseRecallMacro, s.pairwiseRecallMacro, f4)} | ${arrow(m?.fullyRecovered, s.fullyRecovered, pct)} |`,
    )
  }
  const w = r.withChange
  lines.push(
    '',
    '#### Links per heuristic',
    '',
    '| Heuristic | Links | Precision (same entity) | Coverage |',
    '|---|---|---|---|',
    `| multi-input | ${w.multiInput.links} | ${pct(w.multiInput.precision)} | ${pct(w.multiInput.coverage)} of ${w.multiInput.eligible} multi-input txs |`,
    `| change (p ≥ ${r.params.threshold}) | ${w.changeLinks.links} | ${pct(w.changeLinks.precision)} | ${pct(w.changeLinks.coverage)} of ${w.changeLinks.eligible} eligible txs |`,
    '',
    '#### Change voters (unique answers) vs Möser & Narayanan (FC 2022)',
    '',
    `Eligible: ${w.changeEligible} non-coinbase, non-CoinJoin transactions with ≥ 2 spendable outputs and a true change output.`,
    '',
    '| Voter | Committed | Precision | Coverage | Published (precision / coverage) |',
    '|---|---|---|---|---|',
  )
  for (const [h, v] of Object.entries(w.changeVoters) as [
    ChangeHeuristic | 'combined',
    (typeof w.changeVoters)['c1'],
  ][]) {
    const pub = moserNarayanan[h]
    lines.push(
      `| ${h} | ${v.committed} | ${pct(v.precision)} | ${pct(v.coverage)} | ${pub ? `${pub.name}: ${pub.p} % / ${pub.c} %` : '—'} |`,
    )
  }
  const cj = w.coinJoinDetection
  lines.push(
    '',
    '#### CoinJoin detection (CIOH exclusion)',
    '',
    `Detected ${cj.detected}, true ${cj.truth}, correct ${cj.correct}: precision ${pct(cj.precision)}, recall ${pct(cj.recall)}.`,
  )
  return lines.join('\n')
}
