/**
 * Policy registry: name → per-transaction kernel.
 * @module
 */
import { fifo } from './fifo.js'
import { haircut } from './haircut.js'
import type { Kernel, PolicyName } from './kernel.js'
import { lifo } from './lifo.js'
import { poison } from './poison.js'
import { tiho } from './tiho.js'

export const kernels: Readonly<Record<PolicyName, Kernel>> = { poison, haircut, fifo, lifo, tiho }
