/**
 * Bench helper: the synthetic account-model transfer set of bench/evm.bench.js benchTrace() and
 * bench/accountTrace.bench.js, written to a DuckDB store. N ETH transfers, one transaction each (hash = the row
 * number), 128 per block: power-law senders over 100k addresses (seed `SEED` sends the first 1,000), uniform
 * receivers, values a whole number of gwei below 1 ETH. Deterministic (a fixed 32-bit LCG).
 */
import { ChunkAppender } from '../dist/store/ChunkAppender.js'
import { ensureEvmSchema, evmTransferColumns, kindsOf } from '../dist/store/evmSchema.js'

/** The address that sends the first 1,000 transfers (the trace seed). */
export const SEED = `0x${'0'.repeat(40)}`

/** Create the EVM schema in `store` and append the `n` synthetic transfers to evm_transfers. */
export async function writeSyntheticTransfers(store, n) {
  await ensureEvmSchema(store)
  let seed = 42
  // 32-bit LCG step in exact integer arithmetic (seed * 1103515245 as a double lost the low bits and cycled within
  // ~10k draws: the set had 19,805 distinct addresses instead of ~100k)
  const rnd = () => (seed = (Math.imul(seed, 1103515245) + 12345) & 0x7fffffff) / 0x7fffffff
  const A = 100_000
  const addr = (i) => `0x${i.toString(16).padStart(40, '0')}`
  const w = new ChunkAppender(await store.appender('evm_transfers'), kindsOf(evmTransferColumns), 'evm_transfers')
  for (let i = 0; i < n; i++) {
    const f = i < 1000 ? 0 : Math.floor(A * rnd() ** 3)
    const t = Math.floor(A * rnd())
    w.str(0, 'evm-1')
    w.i64(1, i >> 7)
    w.i64(2, 1_700_000_000 + (i >> 7) * 12)
    w.i32(3, i & 127)
    w.i64(4, 0)
    w.str(5, `0x${i.toString(16).padStart(64, '0')}`)
    w.u8(6, 0)
    w.str(7, addr(f))
    w.str(8, addr(t))
    w.str(9, 'ETH')
    w.str(10, (BigInt(Math.floor(rnd() * 1e9)) * 10n ** 9n).toString())
    w.null(11)
    w.str(12, 'bench')
    w.endRow()
  }
  w.close()
}
