/**
 * Decode internal calls from the two trace APIs nodes offer, into one flat depth-first list per block:
 * - geth `debug_traceBlockByNumber(n, {tracer: 'callTracer'})`: one nested call tree per transaction;
 * - Parity/Erigon/Reth `trace_block(n)`: already flat, with `traceAddress`, plus block/uncle rewards.
 *
 * `ok` is false when the frame or any ancestor failed (reverted value never moved). `internalTransfers`
 * keeps the frames that moved native value between two accounts: successful CALLs (not CALLCODE,
 * DELEGATECALL or STATICCALL, which run code in the caller's context), CREATEs and SELFDESTRUCTs, below
 * the root frame (the root frame's value is the transaction's own value, recorded from the transaction).
 * @module
 */
import { DecodeError } from '../core/errors.js'
import { addrOrNull, hexBigOrNull } from './hex.js'
import type { EvmTrace } from './types.js'

type Raw = Record<string, unknown>

const gethType = (t: string): [EvmTrace['type'], string | null] => {
  const u = t.toUpperCase()
  if (u === 'CREATE' || u === 'CREATE2') return ['create', null]
  if (u === 'SELFDESTRUCT' || u === 'SUICIDE') return ['suicide', null]
  return ['call', u.toLowerCase()]
}

/** Flatten a geth callTracer block result (`[{result: frame} | {txHash, result}]`). */
export function decodeGethCallTraces(raw: unknown, txHashes: readonly (string | null)[] = []): EvmTrace[] {
  if (!Array.isArray(raw)) throw new DecodeError('callTracer result is not an array')
  const out: EvmTrace[] = []
  raw.forEach((item: Raw, txIndex) => {
    const root = (item && typeof item === 'object' && 'result' in item ? item.result : item) as Raw | null
    if (item && typeof item === 'object' && 'error' in item && !('result' in item))
      throw new DecodeError(`callTracer result, tx ${txIndex}: ${String(item.error)}`)
    if (!root) return
    const hash = (typeof item.txHash === 'string' ? item.txHash.toLowerCase() : null) ?? txHashes[txIndex] ?? null
    const walk = (f: Raw, addr: number[], parentOk: boolean) => {
      const [type, callType] = gethType(String(f.type ?? 'CALL'))
      const error = typeof f.error === 'string' ? f.error : null
      const calls = (Array.isArray(f.calls) ? f.calls : []) as Raw[]
      const ok = parentOk && error === null
      out.push({
        txIndex,
        txHash: hash,
        traceAddress: addr,
        type,
        callType,
        rewardType: null,
        from: addrOrNull(f.from),
        to: addrOrNull(f.to),
        value: hexBigOrNull(f.value, 'trace.value') ?? (type === 'call' && callType === 'call' ? 0n : null),
        gas: hexBigOrNull(f.gas, 'trace.gas'),
        gasUsed: hexBigOrNull(f.gasUsed, 'trace.gasUsed'),
        subtraces: calls.length,
        error,
        ok,
      })
      for (let i = 0; i < calls.length; i++) walk(calls[i]!, [...addr, i], ok)
    }
    walk(root, [], true)
  })
  return out
}

/** Decode a Parity-style `trace_block` result (already flat; ok derived from ancestors' errors). */
export function decodeParityTraces(raw: unknown): EvmTrace[] {
  if (!Array.isArray(raw)) throw new DecodeError('trace_block: result is not an array')
  const failed = new Set<string>()
  const out: EvmTrace[] = []
  for (const t of raw as Raw[]) {
    const a = (t.action ?? {}) as Raw
    const res = (t.result ?? null) as Raw | null
    const type = String(t.type) as EvmTrace['type']
    const addr = (t.traceAddress ?? []) as number[]
    const txHash = typeof t.transactionHash === 'string' ? t.transactionHash.toLowerCase() : null
    const error = typeof t.error === 'string' ? t.error : null
    let parentFailed = false
    for (let d = 0; d < addr.length && !parentFailed; d++)
      parentFailed = failed.has(`${txHash}:${addr.slice(0, d).join('_')}`)
    if (error !== null) failed.add(`${txHash}:${addr.join('_')}`)
    const base = {
      txIndex: typeof t.transactionPosition === 'number' ? t.transactionPosition : null,
      txHash,
      traceAddress: addr,
      type,
      subtraces: Number(t.subtraces ?? 0),
      error,
      ok: error === null && !parentFailed,
      gas: hexBigOrNull(a.gas, 'trace.gas'),
      gasUsed: res ? hexBigOrNull(res.gasUsed, 'trace.gasUsed') : null,
    }
    if (type === 'call')
      out.push({
        ...base,
        callType: String(a.callType ?? 'call'),
        rewardType: null,
        from: addrOrNull(a.from),
        to: addrOrNull(a.to),
        value: hexBigOrNull(a.value, 'trace.value'),
      })
    else if (type === 'create')
      out.push({
        ...base,
        callType: null,
        rewardType: null,
        from: addrOrNull(a.from),
        to: res ? addrOrNull(res.address) : null,
        value: hexBigOrNull(a.value, 'trace.value'),
      })
    else if (type === 'suicide')
      out.push({
        ...base,
        callType: null,
        rewardType: null,
        from: addrOrNull(a.address),
        to: addrOrNull(a.refundAddress),
        value: hexBigOrNull(a.balance, 'trace.balance'),
      })
    else if (type === 'reward')
      out.push({
        ...base,
        callType: null,
        rewardType: String(a.rewardType ?? 'block'),
        from: null,
        to: addrOrNull(a.author),
        value: hexBigOrNull(a.value, 'trace.value'),
      })
    else throw new DecodeError(`trace_block: unknown trace type ${JSON.stringify(t.type)}`)
  }
  return out
}

/** The frames that moved native value between accounts (see module doc). */
export function internalTransfers(traces: readonly EvmTrace[]): EvmTrace[] {
  return traces.filter(
    (t) =>
      t.ok &&
      t.traceAddress.length > 0 &&
      t.value !== null &&
      t.value > 0n &&
      t.from !== null &&
      t.to !== null &&
      (t.type === 'create' || t.type === 'suicide' || (t.type === 'call' && t.callType === 'call')),
  )
}
