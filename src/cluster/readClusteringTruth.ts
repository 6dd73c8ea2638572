/**
 * Read the simulator's ground truth (docs/simulator.md) for clustering evaluation: DIR/truth/addresses.jsonl
 * (`{"address","entity","type"}`), change.jsonl (`{"txid","vout","entity"}`) and coinjoins.jsonl
 * (`{"txid","kind",…}`), mapped onto a graph's dense ids. Addresses or txs that are not in the graph are counted
 * and skipped (the store may hold fewer blocks than the simulator wrote).
 * @module
 */
import { createReadStream, existsSync } from 'node:fs'
import { join } from 'node:path'
import { createInterface } from 'node:readline'
import { InvalidInputError } from '../core/errors.js'
import type { UtxoGraph } from '../graph/UtxoGraph.js'

export type ClusteringTruth = {
  /** Entity index per address id, -1 unknown. */
  entityOf: Int32Array
  entities: string[]
  /** Entity type by entity index (the `type` field). */
  entityType: string[]
  /** True change vouts by tx index. */
  change: Map<number, number[]>
  /** CoinJoin kind by tx index. */
  coinjoins: Map<number, string>
  skipped: { addresses: number; change: number; coinjoins: number }
}

async function* jsonl(file: string): AsyncGenerator<Record<string, unknown>> {
  if (!existsSync(file)) return
  const rl = createInterface({ input: createReadStream(file), crlfDelay: Number.POSITIVE_INFINITY })
  let n = 0
  for await (const line of rl) {
    n++
    if (line.trim() === '') continue
    try {
      yield JSON.parse(line) as Record<string, unknown>
    } catch (e) {
      throw new InvalidInputError(`${file}:${n}: not JSON`, { cause: e, details: { file, line: n } })
    }
  }
}

export async function readClusteringTruth(dir: string, g: UtxoGraph): Promise<ClusteringTruth> {
  const base = existsSync(join(dir, 'truth', 'addresses.jsonl')) ? join(dir, 'truth') : dir
  const addrFile = join(base, 'addresses.jsonl')
  if (!existsSync(addrFile)) {
    throw new InvalidInputError(`no truth/addresses.jsonl under ${dir}`, { details: { file: addrFile } })
  }
  const entityOf = new Int32Array(g.addressCount).fill(-1)
  const ids = new Map<string, number>()
  const entities: string[] = []
  const entityType: string[] = []
  const skipped = { addresses: 0, change: 0, coinjoins: 0 }
  for await (const r of jsonl(addrFile)) {
    const a = g.names.addressIndex(String(r.address))
    if (a < 0 || a >= entityOf.length) {
      skipped.addresses++
      continue
    }
    const name = String(r.entity)
    let e = ids.get(name)
    if (e === undefined) {
      e = entities.length
      ids.set(name, e)
      entities.push(name)
      entityType.push(String(r.type ?? ''))
    }
    entityOf[a] = e
  }
  const change = new Map<number, number[]>()
  for await (const r of jsonl(join(base, 'change.jsonl'))) {
    const t = g.names.txIndex(String(r.txid))
    if (t < 0) {
      skipped.change++
      continue
    }
    const l = change.get(t)
    if (l) l.push(Number(r.vout))
    else change.set(t, [Number(r.vout)])
  }
  const coinjoins = new Map<number, string>()
  for await (const r of jsonl(join(base, 'coinjoins.jsonl'))) {
    const t = g.names.txIndex(String(r.txid))
    if (t < 0) skipped.coinjoins++
    else coinjoins.set(t, String(r.kind))
  }
  return { entityOf, entities, entityType, change, coinjoins, skipped }
}
