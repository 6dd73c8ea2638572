/**
 * Fetch and decode a range of blocks over JSON-RPC: blocks with transactions, receipts (one
 * `eth_getBlockReceipts` per block when the node offers it, else one `eth_getTransactionReceipt` per
 * transaction, batched), and internal calls by the best trace API the node offers (Parity `trace_block`, then
 * the geth callTracer per block, then the callTracer per transaction, then struct logs per transaction; `none`
 * skips internal calls).
 * @module
 */
import { SourceError } from '../core/errors.js'
import { decodeRpcBlock } from './decodeRpcBlock.js'
import { decodeRpcReceipt } from './decodeRpcReceipt.js'
import { decodeStructLogs } from './decodeStructLogs.js'
import { decodeGethCallTraces, decodeParityTraces } from './decodeTraces.js'
import { EvmRpc } from './EvmRpc.js'
import { toHex } from './hex.js'
import type { EvmBlock, EvmReceipt, EvmTrace, EvmTx, EvmWithdrawal } from './types.js'

export type TraceMode = 'geth' | 'parity' | 'geth-tx' | 'structlog' | 'none'

export type BlockBundle = {
  block: EvmBlock
  txs: EvmTx[]
  receipts: EvmReceipt[]
  traces: EvmTrace[]
  withdrawals: EvmWithdrawal[]
}

export type FetchState = { traceMode: TraceMode | 'auto'; blockReceipts: boolean | null }

/**
 * Find the trace API this node offers (probing on `probeBlock`). `trace_block` is preferred where both are
 * offered (Erigon, Reth, Nethermind, Anvil): Anvil 1.7 answers `debug_traceBlockByNumber` by tracing each
 * transaction after replaying the block up to it (quadratic: 22 s of node CPU for 1,000 transactions in
 * 250-transaction blocks, against 0.2 s for `trace_block`); geth offers only the callTracer. A node without
 * block tracing may still run the callTracer per transaction (Hardhat 3 / EDR 0.22: `geth-tx`), which is far
 * cheaper than struct logs (a call tree of ~1 KB instead of every opcode's stack, ~70–290 KB per transaction);
 * Hardhat 2 refuses any tracer and gets `structlog`.
 */
export async function detectTraceMode(rpc: EvmRpc, probeBlock: number): Promise<TraceMode> {
  const tag = toHex(probeBlock)
  try {
    await rpc.request('trace_block', [tag])
    return 'parity'
  } catch (e) {
    if (!EvmRpc.isUnsupported(e)) throw e
  }
  try {
    await rpc.request('debug_traceBlockByNumber', [tag, { tracer: 'callTracer' }])
    return 'geth'
  } catch (e) {
    if (!EvmRpc.isUnsupported(e) && !isTracerRefused(e)) throw e
  }
  try {
    // a transaction of the probe block when it has one (what the ingest will ask for), else a call on its state
    const b = await rpc.request<{ transactions?: string[] } | null>('eth_getBlockByNumber', [tag, false])
    const h = b?.transactions?.[0]
    if (h) await rpc.request('debug_traceTransaction', [h, { tracer: 'callTracer' }])
    else await rpc.request('debug_traceCall', [{ to: `0x${'0'.repeat(40)}` }, tag, { tracer: 'callTracer' }])
    return 'geth-tx'
  } catch (e) {
    if (!EvmRpc.isUnsupported(e) && !isTracerRefused(e)) throw e
  }
  return 'structlog'
}

const isTracerRefused = (e: unknown) => e instanceof Error && /tracer|not supported|does not exist/i.test(e.message)

export async function fetchEvmBlocks(rpc: EvmRpc, from: number, to: number, state: FetchState): Promise<BlockBundle[]> {
  if (state.traceMode === 'auto') state.traceMode = await detectTraceMode(rpc, from)
  const nums: number[] = []
  for (let n = from; n <= to; n++) nums.push(n)
  const raws = await Promise.all(nums.map((n) => rpc.request<unknown>('eth_getBlockByNumber', [toHex(n), true])))
  const decoded = raws.map((r, i) => {
    if (r === null)
      throw new SourceError(`block ${nums[i]} not found on the node (above its tip?)`, { details: { block: nums[i]! } })
    return decodeRpcBlock(r)
  })
  const receiptsOf = async (d: (typeof decoded)[number]): Promise<EvmReceipt[]> => {
    if (d.txs.length === 0) return []
    if (state.blockReceipts !== false) {
      try {
        const rs = await rpc.request<unknown[]>('eth_getBlockReceipts', [toHex(d.block.number)])
        state.blockReceipts = true
        return rs.map(decodeRpcReceipt)
      } catch (e) {
        if (!EvmRpc.isUnsupported(e) || state.blockReceipts === true) throw e
        state.blockReceipts = false
      }
    }
    const rs = await Promise.all(d.txs.map((t) => rpc.request<unknown>('eth_getTransactionReceipt', [t.hash])))
    return rs.map((r, i) => {
      if (r === null) throw new SourceError(`no receipt for ${d.txs[i]!.hash}`)
      return decodeRpcReceipt(r)
    })
  }
  const receipts = await Promise.all(decoded.map(receiptsOf))
  const mode = state.traceMode
  const traces = await Promise.all(
    decoded.map(async (d, bi): Promise<EvmTrace[]> => {
      if (mode === 'none' || d.txs.length === 0) return []
      if (mode === 'geth') {
        const r = await rpc.request<unknown>('debug_traceBlockByNumber', [
          toHex(d.block.number),
          { tracer: 'callTracer' },
        ])
        return decodeGethCallTraces(
          r,
          d.txs.map((t) => t.hash),
        )
      }
      if (mode === 'parity')
        return decodeParityTraces(await rpc.request<unknown>('trace_block', [toHex(d.block.number)]))
      // per-transaction traces are expensive (the node re-executes the block up to the transaction), so trace
      // only the transactions that can move value internally: successful, and a creation or a call into code that
      // contains a value-moving opcode (a 21,000-gas transfer runs no code at all).
      const rs = receipts[bi]!
      const candidates = d.txs.filter((t, i) => rs[i]!.status !== 0 && (t.to === null || rs[i]!.gasUsed > 21000n))
      const codeOf = new Map<string, boolean>()
      await Promise.all(
        [...new Set(candidates.map((t) => t.to).filter((a): a is string => a !== null))].map(async (a) => {
          const code = await rpc.request<string>('eth_getCode', [a, toHex(d.block.number)])
          codeOf.set(a, canMoveValue(code))
        }),
      )
      const out = await Promise.all(
        d.txs.map(async (t, i) => {
          const r = rs[i]!
          if (r.status === 0 || (t.to !== null && (r.gasUsed <= 21000n || !codeOf.get(t.to)))) return []
          if (mode === 'geth-tx') {
            const frame = await rpc.request<unknown>('debug_traceTransaction', [t.hash, { tracer: 'callTracer' }])
            return decodeGethCallTraces([frame], [t.hash]).map((x) => ({ ...x, txIndex: t.transactionIndex }))
          }
          const res = await rpc.request<{ structLogs: { op: string; depth: number; stack?: string[] }[] }>(
            'debug_traceTransaction',
            [t.hash, { disableStorage: true, disableMemory: true, disableStack: false }],
          )
          return decodeStructLogs(res.structLogs ?? [], {
            txIndex: t.transactionIndex,
            txHash: t.hash,
            from: t.from,
            to: t.to,
            value: t.value,
            failed: r.status === 0,
            created: r.contractAddress,
          })
        }),
      )
      return out.flat()
    }),
  )
  return decoded.map((d, i) => ({
    block: d.block,
    txs: d.txs,
    receipts: receipts[i]!,
    traces: traces[i]!,
    withdrawals: d.withdrawals,
  }))
}

/**
 * True when EVM bytecode contains an opcode that can move native value or run other code that can:
 * CREATE, CALL, CALLCODE, DELEGATECALL, CREATE2, SELFDESTRUCT (PUSH immediates skipped). Data bytes that
 * look like these opcodes only cause an unnecessary trace, never a missed one. EIP-7702 delegations count.
 * The compiler's CBOR metadata trailer (Solidity, Vyper: a CBOR map whose length is the last two bytes) is not
 * code and is skipped: its hash bytes would otherwise send half of all contracts to the tracer.
 */
export function canMoveValue(code: string): boolean {
  const h = code.startsWith('0x') ? code.slice(2) : code
  if (h.startsWith('ef0100')) return true
  let end = h.length
  if (h.length >= 4) {
    const meta = Number.parseInt(h.slice(-4), 16) // bytes of CBOR before the 2-byte length
    const start = h.length - 4 - 2 * meta
    const first = start >= 0 ? Number.parseInt(h.slice(start, start + 2), 16) : 0
    const key = start >= 0 ? Number.parseInt(h.slice(start + 2, start + 4), 16) : 0
    // a CBOR map of 1–5 entries whose first key is a short text string ("ipfs", "bzzr0", "solc", "vyper")
    if (meta > 0 && start >= 0 && first >= 0xa1 && first <= 0xa5 && key >= 0x61 && key <= 0x77) end = start
  }
  for (let i = 0; i < end; i += 2) {
    const op = Number.parseInt(h.slice(i, i + 2), 16)
    if (op >= 0x60 && op <= 0x7f) i += 2 * (op - 0x5f)
    else if (op === 0xf0 || op === 0xf1 || op === 0xf2 || op === 0xf4 || op === 0xf5 || op === 0xff) return true
  }
  return false
}
