/**
 * Markdown report of a detector evaluation (`hound eval detectors`), with the published reference figures of
 * heuristics.md §8 beside ours.
 * @module
 */
import type { KindScore } from './evaluateDetectors.js'

export type DetectorEvaluation = {
  run: { seed: unknown; scale: unknown; txs: number; labels: number; seconds: number }
  highConfidence: number
  all: KindScore[]
  high: KindScore[]
}

const pct = (x: number | null): string => (x === null ? '–' : `${(x * 100).toFixed(1)} %`)

const published: Record<string, string> = {
  coinjoin:
    'WabiSabi rule (am-i-exposed): P 100 %, R 95.4 % in-sample; graphsense-lib PR #82: Wasabi 2 correct 83.6 → 99.8 %, JoinMarket 61.9 → 86.8 %',
  peel_chain: 'none published as P/R; CipherTrace counted a 146-tx Lazarus chain (§5.1)',
  chain_hop: 'bridge matching 99.65 % deposits / 92.78 % withdrawals (Yan, Huang, Tessone 2025)',
  mixer: 'attribution only (§5.9): as good as the labels',
}

export function formatDetectorEvaluation(e: DetectorEvaluation): string {
  const lines: string[] = []
  lines.push(
    `Simulator seed \`${String(e.run.seed)}\`, scale \`${String(e.run.scale)}\`, ${e.run.txs} transactions, ${e.run.labels} labelled addresses; detectors ran in ${e.run.seconds} s.`,
    '',
    `| detector | alerts | truth | precision | recall | precision @ conf ≥ ${e.highConfidence} | recall @ conf ≥ ${e.highConfidence} | decoys flagged | published |`,
    '|---|---:|---:|---:|---:|---:|---:|---|---|',
  )
  e.all.forEach((s, k) => {
    const h = e.high[k]!
    const decoys = Object.entries(s.decoysFlagged)
      .map(([d, n]) => `${d} ${n}`)
      .join(', ')
    lines.push(
      `| ${s.kind} | ${s.alerts} | ${s.truth} | ${pct(s.precision)} | ${pct(s.recall)} | ${pct(h.precision)} | ${pct(h.recall)} | ${decoys || '0'} | ${published[s.kind] ?? '–'} |`,
    )
  })
  const cj = e.all.find((s) => s.kind === 'coinjoin')
  const hop = e.all.find((s) => s.kind === 'chain_hop')
  lines.push('')
  if (cj)
    lines.push(
      `- CoinJoin kind agrees with the truth for ${cj.notes.kindAgrees ?? 0} of ${cj.truePositives} detected rounds.`,
    )
  if (hop) {
    lines.push(
      `- Chain hops: ${hop.notes.destinationNamed ?? 0} of ${hop.truth} incident hops have the destination address named from the memo; ` +
        `${hop.notes.realBridgeDeposits ?? 0} of ${hop.alerts} alerts are real bridge deposits (of ${hop.notes.allBridgeDeposits ?? 0} in the chain) — ` +
        'the detector finds conversions, legitimate or not; the truth counts only the incidents’.',
    )
  }
  return lines.join('\n')
}
