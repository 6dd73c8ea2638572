/**
 * Turn fetched blocks into store rows and write them atomically (one store transaction per batch): blocks,
 * transactions with their gas fee, transfers (top-level value, internal calls, token logs, withdrawals,
 * rewards), decoded protocol events, pools, same-transaction swap links, and new tokens in the registry.
 *
 * Ordering inside a transaction (`sub_index`): 0 the transaction's value, 1,000,000 + 1,000·logIndex +
 * batchIndex for token logs, 2,000,000 + trace position for internal calls (so a DEX's ETH output comes
 * after the token input it converts). Failed transactions move no value (their fee is still paid).
 * @module
 */
import { ChunkAppender } from '../store/ChunkAppender.js'
import { evmBlockColumns, evmEventColumns, evmTransferColumns, evmTxColumns, kindsOf } from '../store/evmSchema.js'
import type { HoundStore } from '../store/HoundStore.js'
import { decodeProtocolEvent, type ProtocolEvent } from './decodeProtocolEvents.js'
import { feeOf } from './decodeRpcReceipt.js'
import { decodeTokenTransfers } from './decodeTokenTransfer.js'
import { internalTransfers } from './decodeTraces.js'
import type { EvmRpc } from './EvmRpc.js'
import type { BlockBundle } from './fetchEvmBlocks.js'
import { fetchTokenMetadata, impersonates, verifiedTokens } from './tokenMetadata.js'

export const SUB_LOG = 1_000_000
export const SUB_INTERNAL = 2_000_000
/** tx_index of withdrawals and rewards (after every transaction of the block). */
export const TXI_WITHDRAWAL = 1_000_000
export const TXI_REWARD = 1_000_001

const KIND = { tx: 0, internal: 1, erc20: 2, reward: 4, withdrawal: 5, erc721: 6, erc1155: 7 } as const

type TransferOut = {
  block: number
  time: number
  txIndex: number
  sub: number
  tx: string
  kind: number
  from: string | null
  to: string | null
  asset: string
  value: bigint
  tokenId: bigint | null
}

export type BatchStats = { blocks: number; txs: number; transfers: number; events: number; newTokens: number }

/** Caches shared across batches (token metadata and pair tokens are asked once per contract). */
export type EnrichCache = { tokens: Set<string>; pairTokens: Map<string, [string, string] | null> }

export async function writeEvmBatch(
  store: HoundStore,
  rpc: EvmRpc | null,
  chain: string,
  bundles: readonly BlockBundle[],
  cache: EnrichCache,
): Promise<BatchStats> {
  const transfers: TransferOut[] = []
  const events: {
    block: number
    txIndex: number
    logIndex: number
    tx: string
    ev: ProtocolEvent
    gasPrice: bigint
    from: string
  }[] = []
  for (const b of bundles) {
    const time = b.block.timestamp
    const rcpt = new Map(b.receipts.map((r) => [r.transactionHash, r]))
    for (const t of b.txs) {
      const r = rcpt.get(t.hash)
      const ok = r ? r.status !== 0 : true
      if (ok && t.value > 0n)
        transfers.push({
          block: b.block.number,
          time,
          txIndex: t.transactionIndex,
          sub: 0,
          tx: t.hash,
          kind: KIND.tx,
          from: t.from,
          to: t.to ?? r?.contractAddress ?? null,
          asset: 'ETH',
          value: t.value,
          tokenId: null,
        })
      if (!r || !ok) continue
      for (const log of r.logs) {
        for (const tt of decodeTokenTransfers(log)) {
          transfers.push({
            block: b.block.number,
            time,
            txIndex: t.transactionIndex,
            sub: SUB_LOG + log.logIndex * 1000 + tt.batchIndex,
            tx: t.hash,
            kind: KIND[tt.standard],
            from: tt.from,
            to: tt.to,
            asset: tt.token,
            value: tt.value,
            tokenId: tt.tokenId,
          })
        }
        const ev = decodeProtocolEvent(log)
        if (ev)
          events.push({
            block: b.block.number,
            txIndex: t.transactionIndex,
            logIndex: log.logIndex,
            tx: t.hash,
            ev,
            gasPrice: r.effectiveGasPrice ?? t.gasPrice ?? 0n,
            from: t.from,
          })
      }
    }
    const byTx = new Map<string, number>()
    for (const t of b.txs) byTx.set(t.hash, t.transactionIndex)
    let pos = 0
    let lastTx: string | null = null
    for (const tr of b.traces) {
      if (tr.txHash !== lastTx) {
        pos = 0
        lastTx = tr.txHash
      }
      pos++
      if (tr.type === 'reward') continue
      if (internalTransfers([tr]).length === 0) continue
      const txIndex = tr.txIndex ?? byTx.get(tr.txHash ?? '') ?? 0
      transfers.push({
        block: b.block.number,
        time,
        txIndex,
        sub: SUB_INTERNAL + pos,
        tx: tr.txHash ?? b.txs[txIndex]?.hash ?? '',
        kind: KIND.internal,
        from: tr.from,
        to: tr.to,
        asset: 'ETH',
        value: tr.value!,
        tokenId: null,
      })
    }
    b.traces
      .filter((tr) => tr.type === 'reward' && tr.value !== null && tr.value > 0n)
      .forEach((tr, i) => {
        transfers.push({
          block: b.block.number,
          time,
          txIndex: TXI_REWARD,
          sub: i,
          tx: `reward:${b.block.number}:${i}`,
          kind: KIND.reward,
          from: null,
          to: tr.to,
          asset: 'ETH',
          value: tr.value!,
          tokenId: null,
        })
      })
    for (const w of b.withdrawals)
      if (w.amountWei > 0n)
        transfers.push({
          block: b.block.number,
          time,
          txIndex: TXI_WITHDRAWAL,
          sub: Number(w.index),
          tx: `withdrawal:${b.block.number}:${w.index}`,
          kind: KIND.withdrawal,
          from: null,
          to: w.address,
          asset: 'ETH',
          value: w.amountWei,
          tokenId: null,
        })
  }

  // Enrichment over RPC (before the transaction): token metadata, pair tokens.
  const newTokens = [
    ...new Set(
      transfers
        .filter((t) => t.kind === KIND.erc20 || t.kind === KIND.erc721 || t.kind === KIND.erc1155)
        .map((t) => t.asset),
    ),
  ].filter((a) => !cache.tokens.has(a))
  const tokenRows = await Promise.all(
    newTokens.map(async (a) => {
      const m = rpc ? await fetchTokenMetadata(rpc, a) : { symbol: null, name: null, decimals: null }
      const std = transfers.find((t) => t.asset === a)!.kind
      return { a, m, standard: std === KIND.erc20 ? 'erc20' : std === KIND.erc721 ? 'erc721' : 'erc1155' }
    }),
  )
  for (const e of events) {
    if (e.ev.kind !== 'swap-v2' && e.ev.kind !== 'swap-v3') continue
    const pool = e.ev.pool
    if (cache.pairTokens.has(pool) || !rpc) continue
    const call = (data: string) => rpc.request<string>('eth_call', [{ to: pool, data }, 'latest']).catch(() => null)
    const [t0, t1] = await Promise.all([call('0x0dfe1681'), call('0xd21220a7')])
    cache.pairTokens.set(
      pool,
      t0 && t1 && t0.length >= 66 && t1.length >= 66 ? [`0x${t0.slice(-40)}`, `0x${t1.slice(-40)}`] : null,
    )
  }
  const links = swapLinks(events, transfers, cache)

  await store.transaction(async () => {
    const wb = new ChunkAppender(await store.appender('evm_blocks'), kindsOf(evmBlockColumns), 'evm_blocks')
    for (const { block: b } of bundles) {
      wb.str(0, chain)
      wb.i64(1, b.number)
      wb.str(2, b.hash)
      wb.str(3, b.parentHash)
      wb.i64(4, b.timestamp)
      wb.str(5, b.miner)
      if (b.baseFeePerGas === null) wb.null(6)
      else wb.str(6, b.baseFeePerGas.toString())
      wb.i64(7, Number(b.gasUsed))
      wb.i32(8, b.txCount)
      wb.endRow()
    }
    wb.close()
    const wt = new ChunkAppender(await store.appender('evm_txs'), kindsOf(evmTxColumns), 'evm_txs')
    for (const b of bundles) {
      const rcpt = new Map(b.receipts.map((r) => [r.transactionHash, r]))
      for (const t of b.txs) {
        const r = rcpt.get(t.hash)
        wt.str(0, chain)
        wt.i64(1, t.blockNumber)
        wt.i32(2, t.transactionIndex)
        wt.str(3, t.hash)
        wt.i64(4, b.block.timestamp)
        wt.str(5, t.from)
        if (t.to === null) wt.null(6)
        else wt.str(6, t.to)
        wt.str(7, t.value.toString())
        wt.i64(8, r ? Number(r.gasUsed) : 0)
        wt.str(9, (t.gasPrice ?? 0n).toString())
        wt.str(10, (r?.effectiveGasPrice ?? t.gasPrice ?? 0n).toString())
        wt.str(11, r ? feeOf(t, r).toString() : '0')
        wt.u8(12, r?.status ?? 1)
        wt.u8(13, t.type)
        wt.i64(14, Number(t.nonce))
        wt.str(15, t.input.slice(0, 10))
        if (r?.contractAddress) wt.str(16, r.contractAddress)
        else wt.null(16)
        wt.endRow()
      }
    }
    wt.close()
    const wr = new ChunkAppender(await store.appender('evm_transfers'), kindsOf(evmTransferColumns), 'evm_transfers')
    for (const t of transfers) {
      wr.str(0, chain)
      wr.i64(1, t.block)
      wr.i64(2, t.time)
      wr.i32(3, t.txIndex)
      wr.i64(4, t.sub)
      wr.str(5, t.tx)
      wr.u8(6, t.kind)
      if (t.from === null) wr.null(7)
      else wr.str(7, t.from)
      if (t.to === null) wr.null(8)
      else wr.str(8, t.to)
      wr.str(9, t.asset)
      wr.str(10, t.value.toString())
      if (t.tokenId === null) wr.null(11)
      else wr.str(11, t.tokenId.toString())
      wr.str(12, 'rpc')
      wr.endRow()
    }
    wr.close()
    const we = new ChunkAppender(await store.appender('evm_events'), kindsOf(evmEventColumns), 'evm_events')
    for (const e of events) {
      we.str(0, chain)
      we.i64(1, e.block)
      we.i32(2, e.txIndex)
      we.i32(3, e.logIndex)
      we.str(4, e.tx)
      we.str(5, e.ev.kind)
      we.str(6, 'pool' in e.ev ? e.ev.pool : e.ev.token)
      we.str(
        7,
        JSON.stringify({ ...e.ev, txFrom: e.from, gasPrice: e.gasPrice }, (_k, v) =>
          typeof v === 'bigint' ? v.toString() : v,
        ),
      )
      we.endRow()
    }
    we.close()
    // one row per pool and batch (a batch can hold thousands of events on the same few pools)
    const pools = new Map<string, [string, string]>()
    for (const e of events) {
      const role = e.ev.kind.startsWith('swap')
        ? 'swap'
        : e.ev.kind.startsWith('mixer')
          ? 'mixer'
          : e.ev.kind === 'bridge-deposit'
            ? 'bridge'
            : null
      if (!role || !('pool' in e.ev) || pools.has(e.ev.pool)) continue
      const protocol =
        e.ev.kind === 'bridge-deposit'
          ? e.ev.protocol
          : e.ev.kind.startsWith('mixer')
            ? 'tornado'
            : e.ev.kind === 'swap-v2'
              ? 'uniswap-v2'
              : 'uniswap-v3'
      pools.set(e.ev.pool, [role, protocol])
    }
    for (const [pool, [role, protocol]] of pools)
      await store.run(
        'INSERT INTO evm_pools (chain, address, role, protocol) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING',
        [chain, pool, role, protocol],
      )
    for (const l of links)
      await store.run(
        `INSERT INTO evm_links (chain_from, tx_from, sub_from, chain_to, tx_to, sub_to, kind, confidence, evidence)
         VALUES ($1, $2, $3, $1, $4, $5, 'swap', 1, $6)`,
        [chain, l.in.tx, l.in.sub, l.out.tx, l.out.sub, l.evidence],
      )
    for (const { a, m, standard } of tokenRows) {
      const verified = Boolean(verifiedTokens[chain]?.[a])
      await store.run(
        `INSERT INTO evm_assets (chain, asset, symbol, name, decimals, standard, verified, decimals_source, impersonates)
         VALUES ($1, $2, $3, $4, $5, $6, $7, 'contract', $8) ON CONFLICT DO NOTHING`,
        [chain, a, m.symbol, m.name, m.decimals, standard, verified, impersonates(chain, a, m.symbol)],
      )
      cache.tokens.add(a)
    }
  })
  return {
    blocks: bundles.length,
    txs: bundles.reduce((s, b) => s + b.txs.length, 0),
    transfers: transfers.length,
    events: events.length,
    newTokens: tokenRows.length,
  }
}

/** Same-transaction swap links: the token paid into the pool → the token the pool paid out (Swap event amounts). */
function swapLinks(
  events: { tx: string; logIndex: number; ev: ProtocolEvent }[],
  transfers: TransferOut[],
  cache: EnrichCache,
): { in: TransferOut; out: TransferOut; evidence: string }[] {
  const out: { in: TransferOut; out: TransferOut; evidence: string }[] = []
  for (const e of events) {
    const ev = e.ev
    if (ev.kind !== 'swap-v2' && ev.kind !== 'swap-v3') continue
    const pair = cache.pairTokens.get(ev.pool)
    if (!pair) continue
    let tokenIn: string
    let amountIn: bigint
    let tokenOut: string
    let amountOut: bigint
    if (ev.kind === 'swap-v2') {
      ;[tokenIn, amountIn] = ev.amount0In > 0n ? [pair[0], ev.amount0In] : [pair[1], ev.amount1In]
      ;[tokenOut, amountOut] = ev.amount0Out > 0n ? [pair[0], ev.amount0Out] : [pair[1], ev.amount1Out]
    } else {
      ;[tokenIn, amountIn] = ev.amount0 > 0n ? [pair[0], ev.amount0] : [pair[1], ev.amount1]
      ;[tokenOut, amountOut] = ev.amount0 < 0n ? [pair[0], -ev.amount0] : [pair[1], -ev.amount1]
    }
    const same = transfers.filter((t) => t.tx === e.tx)
    const inT =
      same.find((t) => t.to === ev.pool && t.asset === tokenIn && t.value === amountIn) ??
      same.filter((t) => t.to === ev.pool && t.asset === tokenIn && t.sub < SUB_LOG + e.logIndex * 1000).pop()
    const outT = same.find((t) => t.from === ev.pool && t.asset === tokenOut && t.value === amountOut)
    if (!inT || !outT) continue
    out.push({
      in: inT,
      out: outT,
      evidence: JSON.stringify({
        event: ev.kind,
        pool: ev.pool,
        logIndex: e.logIndex,
        tokenIn,
        amountIn: amountIn.toString(),
        tokenOut,
        amountOut: amountOut.toString(),
        algorithmVersion: 1,
      }),
    })
  }
  return out
}
