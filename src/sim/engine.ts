/**
 * The chain under construction: turns transaction plans (coins in, owners and amounts out) into serialised
 * transactions inside the current block, credits the created coins to their owners' wallets, streams the truth
 * lines every transaction implies (new addresses, labels, change), and closes blocks with a coinbase (BIP34 height,
 * witness commitment, subsidy + fees), a correct merkle root and, on regtest, a valid proof of work.
 * @module
 */
import { bip34HeightPush, encodeHeader, mineHeader, witnessCommitmentScript } from '../btc/encodeBlock.js'
import { ByteWriter, type TxInputDraft, type TxOutputDraft, writeTx } from '../btc/encodeTx.js'
import { sha256d, toHexReversed } from '../btc/hash.js'
import { merkleRoot } from '../btc/merkle.js'
import type { BtcNetwork } from '../btc/networks.js'
import { InvariantError } from '../core/errors.js'
import type { BlockFileWriter } from './blockFileWriter.js'
import { type KeyDeriver, P2PKH, type ScriptKind, scriptFromProgram } from './keys.js'
import type { Rng } from './prng.js'
import type { TruthWriter } from './truthWriter.js'
import type { Coin, Fingerprint, Wallet } from './wallet.js'

export type OutPlan = {
  value: number
  /** Owner (receives the coin); null for OP_RETURN outputs. */
  wallet: Wallet | null
  kind: ScriptKind
  idx: number
  /** First appearance of this address: write it (and its label) to the truth. */
  fresh: boolean
  /** Explicit script (OP_RETURN); otherwise derived from (wallet, kind, idx). */
  script?: Uint8Array
  /** Output returns value to the sender's entity in a payment: written to change.jsonl. */
  change?: boolean
  /** Label category override for this address (e.g. only some deposit addresses are known); undefined = wallet's. */
  label?: string | null
  /** Do not credit the wallet (the caller keeps the coin, e.g. Whirlpool premix/postmix registries). */
  hold?: boolean
  /** Run once the transaction is sent (e.g. remember a receive address as used). */
  commit?: () => void
  /** Set by `send`: the output index after ordering. */
  vout?: number
  /** Set by `send`: the address string when it was computed (fresh outputs). */
  address?: string
}

export type TxPlan = {
  inputs: readonly Coin[]
  outputs: OutPlan[]
  fp: Fingerprint
  /** Output/input ordering: BIP69, random shuffle (most wallets), value-descending (WabiSabi) or as given. */
  order?: 'bip69' | 'shuffle' | 'desc' | 'none'
  /** Override nLockTime (e.g. 0 for CoinJoins). */
  locktime?: number
  /** Override nSequence. */
  sequence?: number
}

export type SentTx = {
  readonly txid: Uint8Array
  /** Display-order txid hex (computed once, on demand). */
  hex(): string
  /** Created coins per output plan (same order as the plan), null for OP_RETURN. */
  readonly coins: (Coin | null)[]
  readonly fee: number
  readonly vsize: number
}

export type EngineOptions = {
  network: BtcNetwork
  keys: KeyDeriver
  rng: Rng
  truth: TruthWriter
  blocks: BlockFileWriter
  chainId: string
  /** Blocks per subsidy halving (150 regtest, 210000 mainnet). */
  halving: number
  bits: number
  mine: boolean
}

const COINBASE_MATURITY = 100
const MAX_BLOCK_VSIZE = 990_000

export class Engine {
  readonly o: EngineOptions
  height = 0
  time = 0
  /** Sat/vB for the current block. */
  feeRate = 5
  prevHash: Uint8Array = new Uint8Array(32)
  totalTxs = 0
  totalBlocks = 0
  blockTxs = 0
  blockVsize = 0
  private body = new ByteWriter(1 << 22)
  private txids: Uint8Array[] = []
  private wtxids: Uint8Array[] = []
  private blockFees = 0
  private blockSegwit = false

  constructor(o: EngineOptions) {
    this.o = o
  }

  get rng(): Rng {
    return this.o.rng
  }

  /** True when the block has room for about `vsize` more vbytes. */
  room(vsize = 1000): boolean {
    return this.blockVsize + vsize <= MAX_BLOCK_VSIZE
  }

  /** A fresh receive address of the wallet. */
  fresh(w: Wallet, kind: ScriptKind, value = 0): OutPlan {
    return { value, wallet: w, kind, idx: w.next++, fresh: true }
  }

  /** Fee for a vsize at the current rate scaled by `mult`. */
  fee(vsize: number, mult = 1): number {
    return Math.max(Math.ceil(vsize * this.feeRate * mult), vsize)
  }

  beginBlock(height: number, time: number): void {
    this.height = height
    this.time = time
    this.body.reset()
    this.txids = []
    this.wtxids = []
    this.blockFees = 0
    this.blockVsize = 0
    this.blockTxs = 0
    this.blockSegwit = false
  }

  /** The output script of a planned output; writes the address (and its label) to the truth on first appearance. */
  outScript(o: OutPlan): Uint8Array {
    const { keys, truth, chainId } = this.o
    const w = o.wallet!
    const program = keys.program(o.kind, w.keyId, o.idx)
    const script = scriptFromProgram(o.kind, program)
    if (o.fresh) {
      const address = keys.address(o.kind, program)
      o.address = address
      const e = w.entity
      truth.writeLine('addresses', `{"address":"${address}","entity":"${e.id}","type":"${e.type}"}`)
      const label = o.label === undefined ? w.label : o.label
      if (label)
        truth.writeLine(
          'labels',
          `{"address":"${address}","chain":"${chainId}","category":"${label}","entity":"${e.id}","source":"simulator","confidence":"ownership","tlp":"clear"}`,
        )
    }
    return script
  }

  /** Serialise a planned transaction into the current block and credit its outputs. */
  send(plan: TxPlan): SentTx {
    const { keys, rng, truth } = this.o
    const outs = plan.outputs
    const scripts: Uint8Array[] = new Array(outs.length)
    for (let j = 0; j < outs.length; j++) {
      const o = outs[j]!
      if (o.script) {
        scripts[j] = o.script
        continue
      }
      scripts[j] = this.outScript(o)
    }
    const inputs = plan.inputs.slice()
    const outOrder = outs.map((_, j) => j)
    const order = plan.order ?? 'shuffle'
    if (order === 'bip69') {
      inputs.sort(compareOutpoints)
      outOrder.sort((a, b) => outs[a]!.value - outs[b]!.value || compareBytes(scripts[a]!, scripts[b]!))
    } else if (order === 'shuffle') {
      rng.shuffle(inputs)
      rng.shuffle(outOrder)
    } else if (order === 'desc') {
      inputs.sort((a, b) => b.value - a.value)
      outOrder.sort((a, b) => outs[b]!.value - outs[a]!.value)
    }
    const fp = plan.fp
    const sequence = plan.sequence ?? (fp.rbf ? 0xfffffffd : fp.antiSnipe ? 0xfffffffe : 0xffffffff)
    const locktime = plan.locktime ?? (fp.antiSnipe ? this.height : 0)
    let inSum = 0
    const inDrafts: TxInputDraft[] = new Array(inputs.length)
    for (let i = 0; i < inputs.length; i++) {
      const c = inputs[i]!
      if (c.mature > this.height) throw new InvariantError(`spending an immature coin at height ${this.height}`)
      inSum += c.value
      const s = keys.spend(c.kind, c.keyId, c.idx, rng)
      if (c.kind !== P2PKH) this.blockSegwit = true
      inDrafts[i] = { prevTxid: c.txid, prevVout: c.vout, scriptSig: s.scriptSig, sequence, witness: s.witness }
    }
    let outSum = 0
    const outDrafts: TxOutputDraft[] = new Array(outs.length)
    for (let v = 0; v < outOrder.length; v++) {
      const j = outOrder[v]!
      const o = outs[j]!
      if (!Number.isSafeInteger(o.value) || o.value < 0) throw new InvariantError(`bad output value ${o.value}`)
      o.vout = v
      outSum += o.value
      outDrafts[v] = { value: o.value, script: scripts[j]! }
    }
    const fee = inSum - outSum
    if (fee < 0 || inputs.length === 0 || outs.length === 0)
      throw new InvariantError(`invalid transaction plan: in ${inSum}, out ${outSum}, ${inputs.length} inputs`)
    const l = writeTx(this.body, { version: fp.version, locktime, inputs: inDrafts, outputs: outDrafts })
    const txid = l.txid
    this.txids.push(txid)
    this.wtxids.push(l.wtxid)
    this.blockFees += fee
    const vsize = Math.ceil((l.baseSize * 3 + l.size) / 4)
    this.blockVsize += vsize
    this.blockTxs++
    this.totalTxs++
    let hexCache: string | null = null
    const hex = () => (hexCache ??= toHexReversed(txid))
    let maxHops = -1
    for (const c of inputs) if (c.hops > maxHops) maxHops = c.hops
    const coins: (Coin | null)[] = new Array(outs.length)
    for (let j = 0; j < outs.length; j++) {
      const o = outs[j]!
      o.commit?.()
      if (!o.wallet) {
        coins[j] = null
        continue
      }
      const coin: Coin = {
        txid,
        vout: o.vout!,
        value: o.value,
        keyId: o.wallet.keyId,
        idx: o.idx,
        kind: o.kind,
        mature: 0,
        hops: maxHops + 1,
      }
      coins[j] = coin
      if (!o.hold) o.wallet.add(coin)
      if (o.change) truth.writeLine('change', `{"txid":"${hex()}","vout":${o.vout},"entity":"${o.wallet.entity.id}"}`)
    }
    return { txid, hex, coins, fee, vsize }
  }

  /** Block subsidy at `height`. */
  subsidy(height: number): number {
    const h = Math.floor(height / this.o.halving)
    return h >= 64 ? 0 : Math.floor(5_000_000_000 / 2 ** h)
  }

  /** Close the block: coinbase paying `miner`, header, proof of work (regtest), write to blk files. */
  endBlock(out: OutPlan, fp: Fingerprint, tag: string): Coin {
    const { blocks } = this.o
    const miner = out.wallet!
    const value = this.subsidy(this.height) + this.blockFees
    const tagBytes = new TextEncoder().encode(tag)
    const hp = bip34HeightPush(this.height)
    const extra = this.rng.fill(new Uint8Array(8))
    const scriptSig = new Uint8Array(hp.length + 1 + extra.length + 1 + tagBytes.length)
    scriptSig.set(hp, 0)
    scriptSig[hp.length] = extra.length
    scriptSig.set(extra, hp.length + 1)
    scriptSig[hp.length + 1 + extra.length] = tagBytes.length
    scriptSig.set(tagBytes, hp.length + 2 + extra.length)
    const outputs: TxOutputDraft[] = [{ value, script: this.outScript(out) }]
    if (this.blockSegwit) outputs.push({ value: 0, script: witnessCommitmentScript(this.wtxids) })
    const cbw = new ByteWriter(256)
    const cl = writeTx(cbw, {
      version: fp.version,
      locktime: 0,
      inputs: [
        {
          prevTxid: new Uint8Array(32),
          prevVout: 0xffffffff,
          scriptSig,
          sequence: 0xffffffff,
          witness: this.blockSegwit ? [new Uint8Array(32)] : [],
        },
      ],
      outputs,
    })
    const root = merkleRoot([cl.txid, ...this.txids])
    const draft = {
      version: 0x20000000,
      prevHash: this.prevHash,
      merkleRoot: root,
      time: this.time,
      bits: this.o.bits,
      nonce: this.rng.u32(),
    }
    const { header, hash } = this.o.mine ? mineHeader(draft) : { header: encodeHeader(draft), hash: null }
    this.prevHash = hash ?? sha256d(header)
    const count = new ByteWriter(9)
    count.varint(this.txids.length + 1)
    blocks.writeBlock([header, count.bytes(), cbw.bytes(), this.body.bytes()])
    this.totalTxs++
    this.totalBlocks++
    const coin: Coin = {
      txid: cl.txid,
      vout: 0,
      value,
      keyId: miner.keyId,
      idx: out.idx,
      kind: out.kind,
      mature: this.height + COINBASE_MATURITY,
      hops: 0,
    }
    miner.add(coin)
    return coin
  }

  /** Write a pre-built block (the genesis block). */
  writeRawBlock(bytes: Uint8Array, hash: Uint8Array): void {
    this.o.blocks.writeBlock([bytes])
    this.prevHash = hash
    this.totalTxs++
    this.totalBlocks++
  }
}

function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length)
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return a[i]! - b[i]!
  return a.length - b.length
}

/** BIP69 input order: previous txid as displayed (reversed bytes), then output index. */
function compareOutpoints(a: Coin, b: Coin): number {
  for (let i = 31; i >= 0; i--) if (a.txid[i] !== b.txid[i]) return a.txid[i]! - b.txid[i]!
  return a.vout - b.vout
}
