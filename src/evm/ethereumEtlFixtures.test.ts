/**
 * Decoding real mainnet RPC recordings must give exactly what ethereum-etl expects (blocks, transactions,
 * receipts, logs, token transfers, geth and parity traces). Values above 2^53 are compared as bigint.
 */
import { readdirSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { dataPath, hasSharedData } from '../core/_testData.js'
import { parseJsonBig, readCsvObjects, readJsonLines, readRpcResult } from './_testJsonBig.js'
import { decodeRpcBlock } from './decodeRpcBlock.js'
import { decodeRpcLog, decodeRpcReceipt } from './decodeRpcReceipt.js'
import { decodeTokenTransfers } from './decodeTokenTransfer.js'
import { decodeGethCallTraces, decodeParityTraces, internalTransfers } from './decodeTraces.js'
import type { EvmLog, EvmTrace } from './types.js'

const E = 'eth/ethereum-etl'
const s = (v: bigint | number | null | undefined) => (v === null || v === undefined ? '' : v.toString())
const files = (rel: string, re: RegExp) =>
  readdirSync(dataPath(rel))
    .filter((f) => re.test(f))
    .sort()
    .map((f) => `${rel}/${f}`)

describe.skipIf(!hasSharedData)('ethereum-etl fixtures', () => {
  it('bigint-aware JSON: integers above 2^53 survive', () => {
    const v = parseJsonBig('{"a": 12345678901234567890123, "b": 5, "c": "99999999999999999999"}') as Record<
      string,
      unknown
    >
    expect(v).toEqual({ a: 12345678901234567890123n, b: 5, c: '99999999999999999999' })
  })

  for (const dir of ['blocks_with_transactions', 'block_with_logs', 'block_without_transactions']) {
    it(`eth_getBlockByNumber → blocks and transactions (${dir})`, () => {
      const rel = `${E}/test_export_blocks_job/${dir}`
      const decoded = files(rel, /^web3_response\.eth_getBlockByNumber/).map((f) => decodeRpcBlock(readRpcResult(f)))
      const blocks = readCsvObjects(`${rel}/expected_blocks.csv`)
      expect(decoded.map((d) => d.block.number)).toEqual(blocks.map((b) => Number(b.number)))
      decoded.forEach(({ block }, i) => {
        const e = blocks[i]!
        expect([block.hash, block.parentHash, block.miner, s(block.gasLimit), s(block.gasUsed)]).toEqual([
          e.hash,
          e.parent_hash,
          e.miner,
          e.gas_limit,
          e.gas_used,
        ])
        expect([block.timestamp, block.txCount, s(block.baseFeePerGas)]).toEqual([
          Number(e.timestamp),
          Number(e.transaction_count),
          e.base_fee_per_gas,
        ])
      })
      const txs = decoded.flatMap((d) => d.txs)
      const exp = readCsvObjects(`${rel}/expected_transactions.csv`)
      expect(txs.length).toBe(exp.length)
      txs.forEach((t, i) => {
        const e = exp[i]!
        expect({
          hash: t.hash,
          nonce: s(t.nonce),
          block_hash: t.blockHash,
          block_number: s(t.blockNumber),
          transaction_index: s(t.transactionIndex),
          from_address: t.from,
          to_address: t.to ?? '',
          value: s(t.value),
          gas: s(t.gas),
          gas_price: s(t.gasPrice),
          input: t.input,
          block_timestamp: s(t.blockTimestamp),
          max_fee_per_gas: s(t.maxFeePerGas),
          max_priority_fee_per_gas: s(t.maxPriorityFeePerGas),
          transaction_type: s(t.type),
        }).toEqual(e)
      })
    })
  }

  it('stream 1,755,634–1,755,635: blocks, receipts (fee fields), logs and token transfers', () => {
    const rel = `${E}/test_stream/blocks_1755634_1755635`
    const decoded = files(rel, /^web3_response\.eth_getBlockByNumber_0x/).map((f) => decodeRpcBlock(readRpcResult(f)))
    const receipts = files(rel, /^web3_response\.eth_getTransactionReceipt/).map((f) =>
      decodeRpcReceipt(readRpcResult(f)),
    )
    const byHash = new Map(receipts.map((r) => [r.transactionHash, r]))
    const expTx = readJsonLines(`${rel}/expected_transactions.json`)
    const txs = decoded.flatMap((d) => d.txs)
    expect(txs.map((t) => t.hash)).toEqual(expTx.map((e) => e.hash))
    txs.forEach((t, i) => {
      const e = expTx[i]!
      const r = byHash.get(t.hash)!
      expect([s(t.value), s(t.gasPrice), t.from, t.to]).toEqual([
        s(e.value as bigint),
        s(e.gas_price as bigint),
        e.from_address,
        e.to_address,
      ])
      expect([s(r.gasUsed), s(r.cumulativeGasUsed), r.status, r.contractAddress]).toEqual([
        s(e.receipt_gas_used as number),
        s(e.receipt_cumulative_gas_used as number),
        e.receipt_status,
        e.receipt_contract_address,
      ])
      expect(s(r.effectiveGasPrice)).toBe(s(e.receipt_effective_gas_price as number))
    })
    const logs = receipts.flatMap((r) => r.logs)
    const expLogs = readJsonLines(`${rel}/expected_logs.json`)
    expect(logs.map((l) => [l.transactionHash, l.logIndex, l.address, l.data, l.topics])).toEqual(
      expLogs.map((e) => [e.transaction_hash, e.log_index, e.address, e.data, e.topics]),
    )
    const tts = logs.flatMap(decodeTokenTransfers)
    const expTt = readJsonLines(`${rel}/expected_token_transfers.json`)
    expect(tts.map((t) => [t.token, t.from, t.to, t.value, t.transactionHash, t.logIndex])).toEqual(
      expTt.map((e) => [
        e.token_address,
        e.from_address,
        e.to_address,
        BigInt(e.value as number),
        e.transaction_hash,
        e.log_index,
      ]),
    )
  })

  it('blocks 17,173,049–50: 681 logs decode to exactly the 291 expected token transfers (179 values > 2^53)', () => {
    const rel = `${E}/test_stream/blocks_17173049_17173050`
    const logs: EvmLog[] = readJsonLines(`${rel}/expected_logs.json`).map((e) => ({
      logIndex: e.log_index as number,
      transactionHash: e.transaction_hash as string,
      transactionIndex: e.transaction_index as number,
      blockNumber: e.block_number as number,
      address: e.address as string,
      data: e.data as string,
      topics: e.topics as string[],
    }))
    expect(logs.length).toBe(681)
    const all = logs.flatMap(decodeTokenTransfers)
    // ethereum-etl ignores ERC-1155; we record it (not valued)
    expect(all.filter((t) => t.standard === 'erc1155').length).toBe(1)
    const tts = all.filter((t) => t.standard !== 'erc1155')
    expect(tts.filter((t) => t.standard === 'erc20').length).toBe(282)
    expect(tts.filter((t) => t.standard === 'erc721').length).toBe(9)
    const exp = readJsonLines(`${rel}/expected_token_transfers.json`)
    expect(exp.length).toBe(291)
    expect(exp.filter((e) => typeof e.value === 'bigint').length).toBe(179)
    // ethereum-etl lists ERC-721 transfers too, with the token id as "value"
    const v = (t: (typeof tts)[number]) => (t.standard === 'erc721' ? t.tokenId : t.value)
    expect(tts.map((t) => [t.token, t.from, t.to, v(t), t.transactionHash, t.logIndex, t.blockNumber])).toEqual(
      exp.map((e) => [
        e.token_address,
        e.from_address,
        e.to_address,
        BigInt(e.value as number | bigint),
        e.transaction_hash,
        e.log_index,
        e.block_number,
      ]),
    )
    // and the 298 transactions keep their values exact (113 above 2^53)
    const txs = readJsonLines(`${rel}/expected_transactions.json`)
    expect(txs.filter((t) => typeof t.value === 'bigint').length).toBe(113)
  })

  it('eth_getTransactionReceipt → receipts and logs (pre-Byzantium root, effective gas price)', () => {
    const rel = `${E}/test_export_receipts_job/receipts_with_logs`
    const got = new Map(
      files(rel, /^web3_response/).map((f) => {
        const r = decodeRpcReceipt(readRpcResult(f))
        return [r.transactionHash, r] as const
      }),
    )
    for (const e of readJsonLines(`${rel}/expected_receipts.json`)) {
      const r = got.get(e.transaction_hash as string)!
      expect({
        transaction_index: r.transactionIndex,
        block_number: r.blockNumber,
        cumulative_gas_used: r.cumulativeGasUsed,
        gas_used: r.gasUsed,
        contract_address: r.contractAddress,
        root: r.root,
        status: r.status,
        effective_gas_price: r.effectiveGasPrice,
      }).toEqual({
        transaction_index: e.transaction_index,
        block_number: e.block_number,
        cumulative_gas_used: BigInt(e.cumulative_gas_used as number),
        gas_used: BigInt(e.gas_used as number),
        contract_address: e.contract_address,
        root: e.root,
        status: e.status,
        effective_gas_price: e.effective_gas_price === null ? null : BigInt(e.effective_gas_price as number),
      })
    }
    const logs = [...got.values()].flatMap((r) => r.logs)
    const exp = readJsonLines(`${rel}/expected_logs.json`)
    expect(exp.length).toBeGreaterThan(0)
    for (const e of exp) {
      const l = logs.find((x) => x.transactionHash === e.transaction_hash && x.logIndex === e.log_index)!
      expect([l.address, l.data, l.topics]).toEqual([e.address, e.data, e.topics])
    }
  })

  it('eth_getFilterLogs (Transfer topic) → the expected token transfers, block 483,920', () => {
    const rel = `${E}/test_export_token_transfers_job/block_with_transfers`
    const logs = (readRpcResult(`${rel}/web3_response.eth_getFilterLogs_0x0.json`) as Record<string, unknown>[]).map(
      decodeRpcLog,
    )
    const got = logs.flatMap(decodeTokenTransfers)
    const exp = readCsvObjects(`${rel}/expected_token_transfers.csv`)
    expect(exp.length).toBe(2)
    expect(
      got.map((t) => [t.token, t.from, t.to, s(t.value), t.transactionHash, s(t.logIndex), s(t.blockNumber)]),
    ).toEqual(
      exp.map((e) => [
        e.token_address,
        e.from_address,
        e.to_address,
        e.value,
        e.transaction_hash,
        e.log_index,
        e.block_number,
      ]),
    )
  })

  const traceRow = (t: EvmTrace, block: string) => ({
    block_number: block,
    transaction_index: s(t.txIndex),
    from_address: t.from ?? '',
    to_address: t.to ?? '',
    value: s(t.value),
    trace_type: t.type,
    call_type: t.callType ?? '',
    reward_type: t.rewardType ?? '',
    gas_used: s(t.gasUsed),
    subtraces: s(t.subtraces),
    trace_address: t.traceAddress.join(','),
    error: t.error ?? '',
  })
  const pick = (e: Record<string, string>) => ({
    block_number: e.block_number,
    transaction_index: e.transaction_index,
    from_address: e.from_address,
    to_address: e.to_address,
    value: e.value,
    trace_type: e.trace_type,
    call_type: e.call_type,
    reward_type: e.reward_type,
    gas_used: e.gas_used,
    subtraces: e.subtraces,
    trace_address: e.trace_address,
    error: e.error,
  })
  for (const dir of [
    'block_with_create',
    'block_with_error',
    'block_with_subtraces',
    'block_with_suicide',
    'block_without_transactions',
  ]) {
    it(`geth callTracer → expected traces (${dir})`, () => {
      const rel = `${E}/test_extract_geth_traces_job/${dir}`
      const [f] = files(rel, /^web3_response\.debug_traceBlockByNumber/)
      const exp = readCsvObjects(`${rel}/expected_traces.csv`)
      const block = String(Number.parseInt(/_0x([0-9a-f]+)_/.exec(f!)![1]!, 16))
      const got = decodeGethCallTraces(readRpcResult(f!)).map((t) => traceRow(t, block))
      expect(got).toEqual(exp.map(pick))
    })
    it(`parity trace_block → expected traces with status and trace id (${dir})`, () => {
      const rel = `${E}/test_export_traces_job/${dir}`
      const [f] = files(rel, /^web3_response\.trace_block/)
      const exp = readCsvObjects(`${rel}/expected_traces.csv`)
      const traces = decodeParityTraces(readRpcResult(f!))
      const block = String(Number.parseInt(/_0x([0-9a-f]+)\.json$/.exec(f!)![1]!, 16))
      expect(traces.map((t) => traceRow(t, block))).toEqual(exp.map(pick))
      expect(traces.map((t) => (t.ok ? '1' : '0'))).toEqual(exp.map((e) => e.status))
    })
  }

  it('internal value transfers: the suicide refund and the callcode are told apart', () => {
    const t = decodeParityTraces(
      readRpcResult(`${E}/test_export_traces_job/block_with_suicide/web3_response.trace_block_0xf7105.json`),
    )
    expect(internalTransfers(t).map((x) => [x.type, x.from, x.to, x.value])).toEqual([
      [
        'suicide',
        '0x474faa5018639791952fae334e2911700ac7fe9b',
        '0x83973747eec131bf9a08ac64fb1a518e891bdf4b',
        50000000000000000n,
      ],
    ])
    const c = decodeParityTraces(
      readRpcResult(`${E}/test_export_traces_job/block_with_subtraces/web3_response.trace_block_0xf4240.json`),
    )
    expect(internalTransfers(c)).toEqual([]) // callcode keeps value in the caller
    const err = decodeGethCallTraces(
      readRpcResult(
        `${E}/test_extract_geth_traces_job/block_with_error/web3_response.debug_traceBlockByNumber_0xf45bf_tracer_calltracer.json`,
      ),
    )
    expect(err.map((x) => x.ok)).toEqual([false, true])
  })

  it('stream trace_block (blocks 508,110 and 2,112,234) → expected traces', () => {
    for (const [dir, hex] of [
      ['blocks_508110_508110', '0x7c0ce'],
      ['blocks_2112234_2112234', '0x203aea'],
    ] as const) {
      const rel = `${E}/test_stream/${dir}`
      const got = decodeParityTraces(readRpcResult(`${rel}/web3_response.trace_block_${hex}.json`))
      const exp = readJsonLines(`${rel}/expected_traces.json`)
      expect(got.map((t) => [t.type, t.from, t.to, t.value, t.txIndex, t.ok ? 1 : 0])).toEqual(
        exp.map((e) => [
          e.trace_type,
          e.from_address,
          e.to_address,
          e.value === null ? null : BigInt(e.value as number),
          e.transaction_index,
          e.status,
        ]),
      )
    }
  })
})
