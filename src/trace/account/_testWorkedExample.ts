/** Test fixtures for account traces: transfer rows and the heuristics.md §4.6 worked example. */
import { buildAccountTransferSet, type TransferRow } from './AccountTransferSet.js'

export const hash = (i: number) => `0x${i.toString(16).padStart(64, '0')}`

/** Transfer `i` (its own transaction `hash(i)`, block 100 + i), ETH on evm-1 unless `extra` says otherwise. */
export const row = (
  i: number,
  from: string | null,
  to: string | null,
  value: bigint,
  extra: Partial<TransferRow> = {},
) =>
  ({
    chain: 'evm-1',
    txHash: hash(i),
    block: 100 + i,
    time: 1_700_000_000 + i * 12,
    txIndex: 0,
    subIndex: 0,
    from,
    to,
    asset: 'ETH',
    value,
    kind: 'tx',
    ...extra,
  }) as TransferRow

export const addr = (k: string) => `0x${k.padStart(40, '0')}`
export const A = addr('a1')
export const BOB = addr('b0')
export const CAROL = addr('c0')
export const C1 = addr('c1')
export const C2 = addr('c2')
export const THIEF = addr('ee')

/** heuristics.md §4.6 worked example (+5 clean C1, +1 stolen, +5 clean C2; send 1 to Bob, then 5 to Carol). */
export const worked = (u: bigint) =>
  buildAccountTransferSet([
    row(0, C1, A, 5n * u),
    row(1, THIEF, A, 1n * u),
    row(2, C2, A, 5n * u),
    row(3, A, BOB, 1n * u),
    row(4, A, CAROL, 5n * u),
  ])
