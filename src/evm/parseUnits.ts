/**
 * Exact decimal ↔ base-unit conversion for EVM amounts (no floats anywhere).
 * @module
 */
import { InvalidInputError } from '../core/errors.js'

const DEC = /^(\d+)(?:\.(\d+))?$/

/**
 * `"10000.5"` with 18 decimals → 10000500000000000000000n. Digits beyond `decimals` are accepted only when
 * they are zeros (an amount finer than the asset's unit cannot exist on chain).
 */
export function parseUnits(s: string, decimals: number, where = 'amount'): bigint {
  const m = DEC.exec(s.trim())
  if (!m) throw new InvalidInputError(`${where}: not a non-negative decimal amount: ${JSON.stringify(s)}`)
  const whole = m[1]!
  let frac = m[2] ?? ''
  if (frac.length > decimals) {
    if (!/^0*$/.test(frac.slice(decimals)))
      throw new InvalidInputError(`${where}: ${s} has more than ${decimals} decimals`, { details: { amount: s } })
    frac = frac.slice(0, decimals)
  }
  return BigInt(whole) * 10n ** BigInt(decimals) + BigInt(frac.padEnd(decimals, '0') || '0')
}

/** 10000500000000000000000n with 18 decimals → `"10000.5"` (display only). */
export function formatUnits(v: bigint, decimals: number): string {
  const neg = v < 0n
  const s = (neg ? -v : v).toString().padStart(decimals + 1, '0')
  const whole = s.slice(0, s.length - decimals)
  const frac = s.slice(s.length - decimals).replace(/0+$/, '')
  return `${neg ? '-' : ''}${whole}${frac ? `.${frac}` : ''}`
}
