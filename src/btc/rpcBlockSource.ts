/**
 * A BtcBlockSource over Bitcoin Core JSON-RPC: `getblockhash` then `getblock <hash> 0` (raw hex), both batched
 * (one HTTP request of N calls each), with a few batches in flight so the node works while we decode.
 * Blocks are checked as they arrive: the header must hash to the requested hash and each block must link to the
 * previous one (a reorg between two batches is reported, not papered over).
 * @module
 */
import { SourceError } from '../core/errors.js'
import type { BlockSourceStats, BtcBlockSource, RawBlock } from '../ingest/types.js'
import { decodeBlockHeader } from './decodeBlockHeader.js'
import { RpcClient, type RpcClientOptions } from './rpcClient.js'
import type { BtcNetworkName } from './types.js'

export type RpcBlockSourceOptions = RpcClientOptions & {
  /** Most blocks per batch request (default 8). */
  readonly batchSize?: number | undefined
  /**
   * Target raw bytes per batch (default 8 MiB, i.e. ~16 MB of JSON): once blocks are seen to be large, batches
   * shrink (down to 1 block) so that `inFlight` batches of full blocks do not hold hundreds of MB at once.
   */
  readonly maxBatchBytes?: number | undefined
  /** Batches in flight at once (default 3). */
  readonly inFlight?: number | undefined
  /** Expected network: `blocks()` first checks `getblockchaininfo.chain` and fails with a SourceError on mismatch. */
  readonly network?: BtcNetworkName | undefined
}

const chainNames: Readonly<Record<string, BtcNetworkName>> = {
  main: 'mainnet',
  test: 'testnet',
  testnet4: 'testnet',
  signet: 'signet',
  regtest: 'regtest',
}

/** Open a JSON-RPC block source (no request is made until the first call). */
export function rpcBlockSource(opts: RpcBlockSourceOptions): RpcBlockSource {
  return new RpcBlockSource(opts)
}

export class RpcBlockSource implements BtcBlockSource {
  readonly client: RpcClient
  private readonly batchSize: number
  private readonly inFlight: number
  private readonly maxBatchBytes: number
  /** Mean size of the blocks of the last batch received (0 before any). */
  private recentBlockSize = 0
  private readonly expectNetwork: BtcNetworkName | undefined
  private networkChecked = false

  constructor(opts: RpcBlockSourceOptions) {
    this.expectNetwork = opts.network
    this.client = new RpcClient({ ...opts, maxSockets: opts.maxSockets ?? (opts.inFlight ?? 3) + 1 })
    this.batchSize = Math.max(1, opts.batchSize ?? 8)
    this.inFlight = Math.max(1, opts.inFlight ?? 3)
    this.maxBatchBytes = Math.max(1, opts.maxBatchBytes ?? 8 * 1024 * 1024)
  }

  describe(): string {
    return `rpc ${this.client.displayUrl}`
  }

  async tipHeight(): Promise<number> {
    const n = await this.client.call<unknown>('getblockcount')
    if (!Number.isSafeInteger(n) || (n as number) < 0) {
      throw new SourceError(`${this.describe()}: getblockcount returned ${JSON.stringify(n)}`)
    }
    return n as number
  }

  /** The node's network, from `getblockchaininfo.chain`. */
  async network(): Promise<BtcNetworkName> {
    const info = await this.client.call<{ chain?: unknown }>('getblockchaininfo')
    const name = typeof info?.chain === 'string' ? chainNames[info.chain] : undefined
    if (!name) throw new SourceError(`${this.describe()}: unknown chain ${JSON.stringify(info?.chain)}`)
    return name
  }

  stats(): BlockSourceStats {
    return { staleBlocks: 0, paddingBytes: 0 }
  }

  async close(): Promise<void> {
    this.client.close()
  }

  /**
   * Blocks `fromHeight`..`toHeight` (default: the tip at the time of the call). A `toHeight` above the node's tip
   * fails with the node's RpcError (-8 "Block height out of range") when that batch is fetched.
   */
  async *blocks(opts: {
    fromHeight: number
    toHeight?: number | undefined
    signal?: AbortSignal
  }): AsyncIterable<RawBlock> {
    if (this.expectNetwork && !this.networkChecked) {
      const actual = await this.network()
      if (actual !== this.expectNetwork) {
        throw new SourceError(`${this.describe()} is a ${actual} node, but ${this.expectNetwork} was asked for`)
      }
      this.networkChecked = true
    }
    const to = opts.toHeight ?? (await this.tipHeight())
    const signal = opts.signal
    const pending: Promise<RawBlock[]>[] = []
    let next = Math.max(0, opts.fromHeight)
    const fill = (): void => {
      while (pending.length < this.inFlight && next <= to) {
        const size = this.recentBlockSize
        const n =
          size > 0 ? Math.max(1, Math.min(this.batchSize, Math.floor(this.maxBatchBytes / size))) : this.batchSize
        const end = Math.min(to, next + n - 1)
        const p = this.fetchBatch(next, end, signal)
        p.catch(() => {}) // surfaced in order when awaited
        pending.push(p)
        next = end + 1
      }
    }
    let prev: RawBlock | null = null
    try {
      fill()
      while (pending.length > 0) {
        signal?.throwIfAborted()
        const batch = await pending.shift()!
        fill()
        for (const b of batch) {
          signal?.throwIfAborted()
          if (prev && b.prevHash !== prev.hash) {
            throw new SourceError(
              `${this.describe()}: block ${b.height} (${b.hash}) does not link to block ${prev.height} ` +
                `(${prev.hash}): the chain changed while fetching (reorg?)`,
              { retryable: true, details: { height: b.height } },
            )
          }
          prev = b
          yield b
        }
      }
    } finally {
      await Promise.allSettled(pending)
    }
  }

  private async fetchBatch(from: number, to: number, signal?: AbortSignal): Promise<RawBlock[]> {
    const heights = Array.from({ length: to - from + 1 }, (_, i) => from + i)
    const hashes = await this.client.batch<unknown>(
      heights.map((h) => ({ method: 'getblockhash', params: [h] })),
      signal,
    )
    hashes.forEach((h, i) => {
      if (typeof h !== 'string' || !/^[0-9a-f]{64}$/.test(h)) {
        throw new SourceError(`${this.describe()}: getblockhash ${heights[i]} returned ${JSON.stringify(h)}`)
      }
    })
    const hexes = await this.client.batch<unknown>(
      (hashes as string[]).map((h) => ({ method: 'getblock', params: [h, 0] })),
      signal,
    )
    const origin = { kind: 'rpc', url: this.client.displayUrl } as const
    let total = 0
    for (const hex of hexes) total += typeof hex === 'string' ? hex.length / 2 : 0
    this.recentBlockSize = total / hexes.length
    return hexes.map((hex, i) => {
      const height = heights[i]!
      const hash = (hashes as string[])[i]!
      if (typeof hex !== 'string' || hex.length < 162 || hex.length % 2 !== 0) {
        throw new SourceError(`${this.describe()}: getblock ${hash} 0 did not return block hex`, {
          details: { height },
        })
      }
      const bytes = new Uint8Array(Buffer.from(hex, 'hex'))
      if (bytes.length * 2 !== hex.length) {
        throw new SourceError(`${this.describe()}: getblock ${hash} 0 returned invalid hex`, { details: { height } })
      }
      const header = decodeBlockHeader(bytes, 0, `rpc block ${height}`)
      if (header.hash !== hash) {
        throw new SourceError(`${this.describe()}: getblock ${hash} returned block ${header.hash}`, {
          details: { height },
        })
      }
      return { height, hash, prevHash: header.prevHash, bytes, origin }
    })
  }
}
