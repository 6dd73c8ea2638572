/**
 * Classify every output of a decoded block (classifyScript's types and addresses, in block order), with the
 * Base58Check checksums of the P2PKH/P2SH outputs computed four at a time.
 *
 * Why: classifyScript handles one output, so each legacy address costs one scalar WebAssembly checksum (two SHA-256
 * compressions), the largest single cost of decoding a block with addresses. Over a whole block the payloads can be
 * batched: checksum21x4Wasm.ts runs four checksums in one SIMD call. Results are identical to calling classifyScript
 * on each output (asserted on every real block in classifyOutputs.test.ts).
 * @module
 */
import { base58checkEncode21Checked } from './base58check.js'
import { checksum4Input, checksum4Output, checksum21x4 } from './checksum21x4Wasm.js'
import { classifyScript } from './classifyScript.js'
import type { BtcNetwork } from './networks.js'
import type { BtcBlock, ClassifiedScript } from './types.js'

const PENDING: ClassifiedScript = Object.freeze({ type: 'nonstandard', address: null })
const laneScript: Uint8Array[] = [new Uint8Array(0), new Uint8Array(0), new Uint8Array(0), new Uint8Array(0)]
const laneIndex = new Int32Array(4)
/** 0 = P2PKH (hash at script offset 3), 1 = P2SH (offset 2). */
const laneKind = new Uint8Array(4)

/** The classification of every output of `block` on `network`, flattened in block order (tx by tx, vout by vout). */
export function classifyOutputs(block: BtcBlock, network: BtcNetwork): ClassifiedScript[] {
  const result: ClassifiedScript[] = []
  const mem = checksum4Input
  let n = 0
  const flush = () => {
    checksum21x4()
    for (let l = 0; l < n; l++) {
      const s = laneScript[l]!
      result[laneIndex[l]!] =
        laneKind[l] === 0
          ? { type: 'p2pkh', address: base58checkEncode21Checked(network.pubKeyHashPrefix, s, 3, checksum4Output[l]!) }
          : { type: 'p2sh', address: base58checkEncode21Checked(network.scriptHashPrefix, s, 2, checksum4Output[l]!) }
    }
    n = 0
  }
  for (const tx of block.txs) {
    for (const o of tx.outputs) {
      const s = o.script
      const len = s.length
      let off: number
      let version: number
      // Same patterns as classifyScript: P2PKH 76 a9 14 <20> 88 ac, P2SH a9 14 <20> 87
      if (len === 25 && s[0] === 0x76 && s[1] === 0xa9 && s[2] === 20 && s[23] === 0x88 && s[24] === 0xac) {
        off = 3
        version = network.pubKeyHashPrefix
        laneKind[n] = 0
      } else if (len === 23 && s[0] === 0xa9 && s[1] === 20 && s[22] === 0x87) {
        off = 2
        version = network.scriptHashPrefix
        laneKind[n] = 1
      } else {
        result.push(classifyScript(s, network))
        continue
      }
      const base = n * 32
      mem[base] = version
      for (let i = 0; i < 20; i++) mem[base + 1 + i] = s[off + i]!
      laneScript[n] = s
      laneIndex[n] = result.length
      result.push(PENDING)
      if (++n === 4) flush()
    }
  }
  if (n > 0) flush()
  return result
}
