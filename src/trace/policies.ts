/**
 * Policy registry: name → per-transaction kernel.
 * @module
 */

import { type FeeConvention, feePreHaircut } from './feePreHaircut.js'
import { fifo } from './fifo.js'
import { haircut } from './haircut.js'
import { isSequential, type Kernel, type PolicyName } from './kernel.js'
import { lifo } from './lifo.js'
import { poison } from './poison.js'
import { tiho } from './tiho.js'

export const kernels: Readonly<Record<PolicyName, Kernel>> = { poison, haircut, fifo, lifo, tiho }

/** The kernel of a policy under a fee convention (poison and haircut treat the fee as one more output either way). */
export function kernelFor(policy: PolicyName, fee: FeeConvention = 'fee-last'): Kernel {
  const k = kernels[policy]
  if (fee === 'fee-last' || !isSequential(policy)) return k
  return (tx) => feePreHaircut(tx, k)
}
