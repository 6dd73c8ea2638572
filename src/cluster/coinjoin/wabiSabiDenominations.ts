/**
 * WabiSabi standard denominations (WalletWasabi `DenominationBuilder`, heuristics.md §5.4): the series 2^n, 3^n,
 * 2·3^n, 10^n, 2·10^n and 5·10^n sat between 5,000 sat and 43,000 BTC — 93 values.
 * @module
 */

const MIN = 5_000
const MAX = 43_000 * 100_000_000

function build(): { all: ReadonlySet<number>; nonDecimal: ReadonlySet<number> } {
  const all = new Set<number>()
  const nonDecimal = new Set<number>()
  const add = (v: number, decimal: boolean) => {
    if (v < MIN || v > MAX) return
    all.add(v)
    if (!decimal) nonDecimal.add(v)
  }
  for (let v = 1; v <= MAX; v *= 2) add(v, false)
  for (let v = 1; v <= MAX; v *= 3) {
    add(v, false)
    add(2 * v, false)
  }
  for (let v = 1; v <= MAX; v *= 10) for (const m of [1, 2, 5]) add(m * v, true)
  // 2^n that are also decimal-series values do not exist above 5,000 except none; keep the sets disjoint anyway
  for (const v of nonDecimal) if (isDecimalSeries(v)) nonDecimal.delete(v)
  return { all, nonDecimal }
}

function isDecimalSeries(v: number): boolean {
  for (const m of [1, 2, 5]) {
    let x = v / m
    if (!Number.isInteger(x)) continue
    while (x >= 10 && x % 10 === 0) x /= 10
    if (x === 1) return true
  }
  return false
}

const built = build()

/** All 93 standard denominations. */
export const wabiSabiDenominations: ReadonlySet<number> = built.all
/** The 2^n, 3^n, 2·3^n members (fingerprints no decimal wallet produces by accident). */
export const wabiSabiNonDecimalDenominations: ReadonlySet<number> = built.nonDecimal
