/**
 * Build a UtxoGraph from a small hand-written description: the way tests (and the reference doc's worked
 * examples) describe chains. Transactions are referred to by a short name; txids are derived from it
 * (sha256 of the name) unless given.
 *
 * @example
 * import { buildUtxoGraph } from './buildUtxoGraph.js'
 * const g = buildUtxoGraph([
 *   { name: 'cb', coinbase: true, outputs: [{ address: 'A', value: 5_000_000_000 }] },
 *   { name: 'pay', inputs: ['cb:0'], outputs: [{ address: 'B', value: 1_000 }, { address: 'C', value: 4_999_998_000 }] },
 * ])
 * @module
 */
import { createHash } from 'node:crypto'
import { InvalidInputError } from '../core/errors.js'
import { type ScriptType, scriptTypeCode } from '../core/model.js'
import { fromColumns, type GraphNames, TX_COINBASE, TX_RBF, TX_SEGWIT, type UtxoGraph } from './UtxoGraph.js'

export type TxSpec = {
  name: string
  txid?: string
  height?: number
  time?: number
  version?: number
  locktime?: number
  vsize?: number
  coinbase?: boolean
  segwit?: boolean
  /** `name:vout` of a transaction earlier in the list, or `{ value, address }` for a prevout outside the graph. */
  inputs?: readonly (string | { value: number; address: string | null; sequence?: number })[]
  sequences?: readonly number[]
  outputs: readonly { address: string | null; value: number; type?: ScriptType }[]
}

export function txidOfName(name: string): string {
  return createHash('sha256').update(name).digest('hex')
}

export function buildUtxoGraph(specs: readonly TxSpec[]): UtxoGraph {
  const txCount = specs.length
  const txids: string[] = []
  const byName = new Map<string, number>()
  const addrIds = new Map<string, number>()
  const addrNames: string[] = []
  const addrId = (s: string | null): number => {
    if (s === null) return -1
    let id = addrIds.get(s)
    if (id === undefined) {
      id = addrNames.length
      addrIds.set(s, id)
      addrNames.push(s)
    }
    return id
  }
  const txHeight = new Uint32Array(txCount)
  const txTime = new Uint32Array(txCount)
  const txVersion = new Int32Array(txCount)
  const txLocktime = new Uint32Array(txCount)
  const txVsize = new Uint32Array(txCount)
  const txFlags = new Uint8Array(txCount)
  const txInStart = new Uint32Array(txCount + 1)
  const txOutStart = new Uint32Array(txCount + 1)
  let nIn = 0
  let nOut = 0
  specs.forEach((s, t) => {
    txInStart[t] = nIn
    txOutStart[t] = nOut
    nIn += s.coinbase ? 1 : (s.inputs?.length ?? 0)
    nOut += s.outputs.length
  })
  txInStart[txCount] = nIn
  txOutStart[txCount] = nOut
  const inPrevOut = new Int32Array(nIn).fill(-1)
  const inSequence = new Uint32Array(nIn)
  const inValue = new Float64Array(nIn).fill(Number.NaN)
  const inAddr = new Int32Array(nIn).fill(-1)
  const outValue = new Float64Array(nOut)
  const outAddr = new Int32Array(nOut)
  const outType = new Uint8Array(nOut)

  specs.forEach((s, t) => {
    if (byName.has(s.name)) throw new InvalidInputError(`duplicate transaction name ${s.name}`)
    byName.set(s.name, t)
    txids.push(s.txid ?? txidOfName(s.name))
    txHeight[t] = s.height ?? t
    txTime[t] = s.time ?? 1_500_000_000 + t * 600
    txVersion[t] = s.version ?? 2
    txLocktime[t] = s.locktime ?? 0
    txVsize[t] = s.vsize ?? 110 + 68 * (s.inputs?.length ?? 1) + 31 * s.outputs.length
    let flags = (s.coinbase ? TX_COINBASE : 0) | (s.segwit ? TX_SEGWIT : 0)
    const i0 = txInStart[t]!
    if (s.coinbase) {
      inSequence[i0] = 0xffffffff
      inValue[i0] = 0
    } else {
      ;(s.inputs ?? []).forEach((ref, k) => {
        const i = i0 + k
        const seq = s.sequences?.[k] ?? (typeof ref === 'object' ? ref.sequence : undefined) ?? 0xffffffff
        inSequence[i] = seq
        if (seq < 0xfffffffe) flags |= TX_RBF
        if (typeof ref === 'object') {
          inValue[i] = ref.value
          inAddr[i] = addrId(ref.address)
          return
        }
        const [name, vout] = ref.split(':')
        const pt = byName.get(name ?? '')
        if (pt === undefined || vout === undefined) throw new InvalidInputError(`input ${ref} of ${s.name}: unknown tx`)
        const o = txOutStart[pt]! + Number(vout)
        if (o >= txOutStart[pt + 1]!) throw new InvalidInputError(`input ${ref} of ${s.name}: no such output`)
        inPrevOut[i] = o
      })
    }
    txFlags[t] = flags
    s.outputs.forEach((out, k) => {
      const o = txOutStart[t]! + k
      outValue[o] = out.value
      outAddr[o] = addrId(out.address)
      outType[o] = scriptTypeCode(out.type ?? (out.address === null ? 'nulldata' : 'p2wpkh'))
    })
  })

  const txIndex = new Map(txids.map((id, t) => [id, t]))
  const names: GraphNames = {
    txid: (t) => txids[t] ?? '',
    txIndex: (id) => txIndex.get(id) ?? byName.get(id) ?? -1,
    address: (a) => addrNames[a] ?? null,
    addressIndex: (s) => addrIds.get(s) ?? -1,
  }
  return fromColumns({
    txHeight,
    txTime,
    txVersion,
    txLocktime,
    txVsize,
    txFlags,
    txInStart,
    txOutStart,
    inPrevOut,
    inSequence,
    inValue,
    inAddr,
    outValue,
    outAddr,
    outType,
    names,
  })
}
