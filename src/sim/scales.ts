/**
 * Named chain sizes for `hound sim --scale` and the population each size gets. Populations are fixed per run, so
 * memory depends on the population, not on the number of transactions.
 * @module
 */
import { UsageError } from '../core/errors.js'
import type { Population } from './world.js'

export const scales = { demo: 100_000, small: 300_000, medium: 1_500_000, large: 10_000_000 } as const
export type ScaleName = keyof typeof scales

export const MIN_TXS = 5_000

export function scaleTxs(name: string): number {
  const n = (scales as Record<string, number>)[name]
  if (n === undefined) throw new UsageError(`unknown scale '${name}' (expected demo, small, medium or large)`)
  return n
}

/** Population and block fill for a chain of `txs` transactions. */
export function plan(txs: number): { pop: Population; perBlock: number; incidents: number } {
  const individuals = Math.round(Math.min(60_000, Math.max(3_000, txs / 20)))
  return {
    pop: {
      miners: 5,
      exchanges: txs >= 1_000_000 ? 10 : 6,
      merchants: Math.round(Math.min(400, Math.max(20, txs / 2_000))),
      processors: 3,
      otcs: 3,
      individuals,
    },
    perBlock: Math.round(Math.min(3_000, Math.max(150, txs / 100))),
    incidents: txs >= 5_000_000 ? 10 : txs >= 1_000_000 ? 6 : txs >= 300_000 ? 4 : 3,
  }
}
