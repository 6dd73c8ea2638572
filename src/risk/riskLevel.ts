/**
 * Risk level from an address's own labels and its exposure — our documented convention (docs/intel.md), in the
 * LOW / MEDIUM / HIGH / SEVERE vocabulary of KYT alerts (heuristics.md §7.1), plus `none`.
 *
 * - severe: the address itself is sanctioned, or any direct (h = 1) sanctioned exposure (hard rule, §7.2.4);
 * - high: the address itself is stolen funds / hacker / ransomware / darknet / scam / mixer, or E ≥ 0.5;
 * - medium: E ≥ 0.1, or the address itself is gambling / OTC;
 * - low: E > 0, or the address has any other label;
 * - none: nothing known.
 * @module
 */
import type { LabelCategory } from '../core/model.js'
import type { Exposure } from './computeExposure.js'

export const riskLevels = ['none', 'low', 'medium', 'high', 'severe'] as const
export type RiskLevel = (typeof riskLevels)[number]

const HIGH_OWN: ReadonlySet<LabelCategory> = new Set<LabelCategory>([
  'stolen_funds',
  'hacker',
  'ransomware',
  'darknet',
  'scam',
  'mixer',
])
const MEDIUM_OWN: ReadonlySet<LabelCategory> = new Set<LabelCategory>(['gambling', 'otc'])

export const HIGH_SCORE = 0.5
export const MEDIUM_SCORE = 0.1

export function riskLevel(
  own: readonly LabelCategory[],
  exposure: Pick<Exposure, 'score' | 'directSanctioned'> | null,
): { level: RiskLevel; reasons: string[] } {
  const reasons: string[] = []
  const e = exposure?.score ?? 0
  if (own.includes('sanctioned')) reasons.push('the address is on a sanctions list')
  if (exposure?.directSanctioned) reasons.push('direct exposure to a sanctioned address (hard rule)')
  if (reasons.length) return { level: 'severe', reasons }
  const highOwn = own.filter((c) => HIGH_OWN.has(c))
  if (highOwn.length) reasons.push(`the address is labelled ${[...new Set(highOwn)].join(', ')}`)
  if (e >= HIGH_SCORE) reasons.push(`exposure score ${e.toFixed(3)} ≥ ${HIGH_SCORE}`)
  if (reasons.length) return { level: 'high', reasons }
  const medOwn = own.filter((c) => MEDIUM_OWN.has(c))
  if (medOwn.length) reasons.push(`the address is labelled ${[...new Set(medOwn)].join(', ')}`)
  if (e >= MEDIUM_SCORE) reasons.push(`exposure score ${e.toFixed(3)} ≥ ${MEDIUM_SCORE}`)
  if (reasons.length) return { level: 'medium', reasons }
  if (e > 0) reasons.push(`exposure score ${e.toFixed(3)}`)
  if (own.length) reasons.push(`the address is labelled ${[...new Set(own)].join(', ')}`)
  return { level: reasons.length ? 'low' : 'none', reasons }
}
