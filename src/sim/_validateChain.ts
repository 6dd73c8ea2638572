/**
 * Test-only: validate a simulated chain with independent decoders (bitcoinjs-lib, and the project's decodeBlock) and
 * check the ground truth against it. Returns what it saw so tests can assert on counts.
 * @internal
 */
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { bech32m } from '@scure/base'
import { Block, networks as bjsNetworks, address as btcAddress, type Transaction } from 'bitcoinjs-lib'
import { decodeBlock } from '../btc/decodeBlock.js'
import { networks } from '../btc/networks.js'

export type Out = { value: number; address: string | null; script: Buffer; spent: boolean; cbHeight: number }
export type ChainView = {
  blocks: number
  txs: number
  /** txid → outputs (address null for OP_RETURN/unknown). */
  outs: Map<string, Out[]>
  /** txid → [prev txid, vout] of every input (empty for coinbase). */
  ins: Map<string, [string, number][]>
  /** txid → the transaction. */
  tx: Map<string, Transaction>
  fee: Map<string, number>
  errors: string[]
}

export function readJsonl<T = Record<string, unknown>>(dir: string, name: string): T[] {
  const text = readFileSync(join(dir, 'truth', `${name}.jsonl`), 'utf8')
  return text
    .split('\n')
    .filter((l) => l.length > 0)
    .map((l) => JSON.parse(l) as T)
}

const subsidy = (h: number, halving: number) => Math.floor(5_000_000_000 / 2 ** Math.floor(h / halving))

/** Decode every blk file in `dir` and check chain structure, UTXO spends and value conservation. */
export function validateChain(dir: string, network: 'regtest' | 'mainnet'): ChainView {
  const net = networks[network]
  const bnet = network === 'regtest' ? bjsNetworks.regtest : bjsNetworks.bitcoin
  const halving = network === 'regtest' ? 150 : 210_000
  const errors: string[] = []
  const outs = new Map<string, Out[]>()
  const ins = new Map<string, [string, number][]>()
  const txMap = new Map<string, Transaction>()
  const feeMap = new Map<string, number>()
  const files = readdirSync(dir)
    .filter((f) => /^blk\d{5}\.dat$/.test(f))
    .sort()
  let height = -1
  let prev = ''
  let prevTime = 0
  let txCount = 0
  for (const f of files) {
    const buf = readFileSync(join(dir, f))
    let off = 0
    while (off < buf.length) {
      if (!buf.subarray(off, off + 4).equals(Buffer.from(net.magic))) {
        errors.push(`${f}@${off}: bad magic`)
        return { blocks: height + 1, txs: txCount, outs, ins, tx: txMap, fee: feeMap, errors }
      }
      const len = buf.readUInt32LE(off + 4)
      const bytes = buf.subarray(off + 8, off + 8 + len)
      off += 8 + len
      height++
      const b = Block.fromBuffer(bytes)
      const ours = decodeBlock(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.length), { where: f })
      if (ours.header.hash !== b.getId()) errors.push(`h${height}: decodeBlock hash differs from bitcoinjs`)
      if (ours.txs.length !== b.transactions!.length) errors.push(`h${height}: decodeBlock tx count differs`)
      if (height === 0) {
        if (b.getId() !== net.genesisHash) errors.push('genesis hash mismatch')
      } else {
        if (Buffer.from(b.prevHash!).reverse().toString('hex') !== prev)
          errors.push(`h${height}: prev-hash link broken`)
        if (b.timestamp <= prevTime) errors.push(`h${height}: time not increasing`)
      }
      if (!b.checkTxRoots()) errors.push(`h${height}: merkle root or witness commitment mismatch`)
      if (network === 'regtest' && !b.checkProofOfWork()) errors.push(`h${height}: proof of work`)
      prev = b.getId()
      prevTime = b.timestamp
      let fees = 0
      const txs = b.transactions!
      for (let i = 0; i < txs.length; i++) {
        const t = txs[i]!
        const id = t.getId()
        if (ours.txs[i]!.txid !== id) errors.push(`h${height}: decodeBlock txid differs at ${i}`)
        if (outs.has(id)) errors.push(`duplicate txid ${id}`)
        txCount++
        txMap.set(id, t)
        outs.set(
          id,
          t.outs.map((o) => {
            let a: string | null = null
            if (o.script.length === 34 && o.script[0] === 0x51 && o.script[1] === 0x20) {
              // bitcoinjs-lib needs an ECC library for taproot; placeholder keys need not be curve points
              a = bech32m.encode(bnet.bech32, [1, ...bech32m.toWords(o.script.subarray(2))])
            } else {
              try {
                a = btcAddress.fromOutputScript(o.script, bnet)
              } catch {
                a = null
              }
            }
            return {
              value: Number(o.value),
              address: a,
              script: Buffer.from(o.script),
              spent: false,
              cbHeight: i === 0 ? height : -1,
            }
          }),
        )
        if (i === 0) {
          if (!t.isCoinbase()) errors.push(`h${height}: first tx is not a coinbase`)
          ins.set(id, [])
          continue
        }
        let inSum = 0
        const list: [string, number][] = []
        for (const inp of t.ins) {
          const pid = Buffer.from(inp.hash).reverse().toString('hex')
          const po = outs.get(pid)?.[inp.index]
          list.push([pid, inp.index])
          if (!po) {
            errors.push(`${id}: spends missing output ${pid}:${inp.index}`)
            continue
          }
          if (po.spent) errors.push(`${id}: double spend of ${pid}:${inp.index}`)
          if (po.cbHeight >= 0 && height - po.cbHeight < 100) errors.push(`${id}: spends an immature coinbase`)
          po.spent = true
          inSum += po.value
        }
        ins.set(id, list)
        const outSum = t.outs.reduce((a, o) => a + Number(o.value), 0)
        const fee = inSum - outSum
        if (fee < 0) errors.push(`${id}: creates value (fee ${fee})`)
        feeMap.set(id, fee)
        fees += fee
      }
      if (height > 0) {
        const cb = txs[0]!
        const cbOut = cb.outs.reduce((a, o) => a + Number(o.value), 0)
        if (cbOut > subsidy(height, halving) + fees) errors.push(`h${height}: coinbase pays more than subsidy + fees`)
        const s = cb.ins[0]!.script
        const n = s[0]!
        const bip34 = n >= 0x51 && n <= 0x60 ? n - 0x50 : s.subarray(1, 1 + n).reduce((a, x, k) => a + x * 256 ** k, 0)
        if (bip34 !== height) errors.push(`h${height}: BIP34 height ${bip34}`)
      }
    }
  }
  return { blocks: height + 1, txs: txCount, outs, ins, tx: txMap, fee: feeMap, errors }
}
