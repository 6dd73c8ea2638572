/**
 * Internal calls from the default (struct-log) tracer of `debug_traceTransaction`, for nodes that offer
 * neither the callTracer nor `trace_block` (Hardhat Network, some L2 nodes).
 *
 * The call tree is rebuilt from the opcodes: at a CALL/CALLCODE/DELEGATECALL/STATICCALL/CREATE/CREATE2 the
 * operands are on the stack (CALL: gas, to, value…; CREATE: value…); the frame's success is the word the
 * caller finds on top of its stack when execution comes back to its depth (0 = failed; for CREATE the new
 * address). The executing address of each depth follows the call kinds (DELEGATECALL and CALLCODE keep the
 * caller's). SELFDESTRUCT is recorded with its beneficiary but without value: the balance it moves is not
 * visible in struct logs (documented limitation).
 * @module
 */
import type { EvmTrace } from './types.js'

type StructLog = { op: string; depth: number; stack?: string[] }

const word = (s: string | undefined): bigint => (s === undefined ? 0n : BigInt(s.startsWith('0x') ? s : `0x${s}`))
const addrOf = (w: bigint) => `0x${w.toString(16).padStart(40, '0').slice(-40)}`

export function decodeStructLogs(
  logs: readonly StructLog[],
  tx: {
    txIndex: number
    txHash: string
    from: string
    to: string | null
    value: bigint
    failed: boolean
    created: string | null
  },
): EvmTrace[] {
  const root: EvmTrace = {
    txIndex: tx.txIndex,
    txHash: tx.txHash,
    traceAddress: [],
    type: tx.to === null ? 'create' : 'call',
    callType: tx.to === null ? null : 'call',
    rewardType: null,
    from: tx.from,
    to: tx.to ?? tx.created,
    value: tx.value,
    gas: null,
    gasUsed: null,
    subtraces: 0,
    error: tx.failed ? 'failed' : null,
    ok: !tx.failed,
  }
  const out: EvmTrace[] = [root]
  // frames[d] = the frame executing at depth d+1 (depth 1 = the transaction's callee)
  const frames: { trace: EvmTrace; context: string; children: number }[] = [
    { trace: root, context: tx.to ?? tx.created ?? '', children: 0 },
  ]
  // calls waiting for their result word, by caller depth
  const pending: { depth: number; trace: EvmTrace; entered: boolean }[] = []
  for (let i = 0; i < logs.length; i++) {
    const l = logs[i]!
    // returning to a depth: resolve the pending call made at that depth
    while (pending.length > 0 && l.depth <= pending[pending.length - 1]!.depth) {
      const p = pending.pop()!
      if (l.depth === p.depth) {
        const st = l.stack ?? []
        const res = word(st[st.length - 1])
        if (p.trace.type === 'create') {
          if (res === 0n) p.trace.error = 'failed'
          else p.trace.to = addrOf(res)
        } else if (res === 0n) p.trace.error = 'failed'
      } else p.trace.error = 'failed'
      if (p.entered) frames.pop()
    }
    const op = l.op
    if (
      op === 'CALL' ||
      op === 'CALLCODE' ||
      op === 'DELEGATECALL' ||
      op === 'STATICCALL' ||
      op === 'CREATE' ||
      op === 'CREATE2' ||
      op === 'SELFDESTRUCT'
    ) {
      const st = l.stack ?? []
      const top = (k: number) => word(st[st.length - 1 - k])
      const parent = frames[frames.length - 1]!
      const traceAddress = [...parent.trace.traceAddress, parent.children++]
      parent.trace.subtraces++
      const from = parent.context
      let t: EvmTrace
      if (op === 'CREATE' || op === 'CREATE2') t = mk(tx, traceAddress, 'create', null, from, null, top(0))
      else if (op === 'SELFDESTRUCT') t = mk(tx, traceAddress, 'suicide', null, from, addrOf(top(0)), null)
      else {
        const to = addrOf(top(1))
        const value = op === 'CALL' || op === 'CALLCODE' ? top(2) : 0n
        t = mk(tx, traceAddress, 'call', op.toLowerCase(), from, to, value)
      }
      out.push(t)
      if (op === 'SELFDESTRUCT') continue
      // Does execution enter the callee? (next log one level deeper)
      const next = logs[i + 1]
      const entered = next !== undefined && next.depth === l.depth + 1
      if (entered) {
        const context = op === 'DELEGATECALL' || op === 'CALLCODE' ? from : (t.to ?? '')
        frames.push({ trace: t, context, children: 0 })
      }
      pending.push({ depth: l.depth, trace: t, entered })
    }
  }
  // mark failures down the tree (a failed frame reverts its subtree)
  const byAddr = new Map<string, EvmTrace>()
  for (const t of out) {
    byAddr.set(t.traceAddress.join('_'), t)
    const parent = t.traceAddress.length === 0 ? null : byAddr.get(t.traceAddress.slice(0, -1).join('_'))
    t.ok = t.error === null && (parent ? parent.ok : true)
  }
  return out
}

function mk(
  tx: { txIndex: number; txHash: string },
  traceAddress: number[],
  type: EvmTrace['type'],
  callType: string | null,
  from: string,
  to: string | null,
  value: bigint | null,
): EvmTrace {
  return {
    txIndex: tx.txIndex,
    txHash: tx.txHash,
    traceAddress,
    type,
    callType,
    rewardType: null,
    from,
    to,
    value,
    gas: null,
    gasUsed: null,
    subtraces: 0,
    error: null,
    ok: true,
  }
}
