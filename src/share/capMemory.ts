/**
 * Cap DuckDB's memory (`memory_limit`) for a bulk operation and give back a function restoring the previous cap.
 * Sorts, hash joins and aggregates then spill to the store's temp directory instead of growing the process: a
 * million-indicator export or import peaks at the same RSS as a hundred-thousand one. Never raises a lower cap.
 * @module
 */
import type { HoundStore } from '../store/HoundStore.js'

export async function capMemory(store: HoundStore, mib: number): Promise<() => Promise<void>> {
  const cur = await store.one<{ m: string }>("SELECT current_setting('memory_limit') AS m")
  const m = /^([\d.]+) ?([KMGT])i?B$/.exec(cur?.m ?? '')
  if (!m) return async () => undefined
  const curMiB = Number(m[1]) * { K: 1 / 1024, M: 1, G: 1024, T: 1024 ** 2 }[m[2] as 'K' | 'M' | 'G' | 'T']
  if (curMiB <= mib) return async () => undefined
  await store.run(`SET memory_limit = '${Math.floor(mib)}MB'`)
  return async () => {
    await store.run(`SET memory_limit = '${cur!.m}'`)
  }
}
