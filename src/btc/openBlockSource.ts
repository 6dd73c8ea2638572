/**
 * The one entry point the ingest CLI uses to get Bitcoin blocks: block files (Bitcoin Core blocks dirs, blk
 * files, single raw or hex blocks; kind decided by content) or a Bitcoin Core node over JSON-RPC.
 * @module
 */
import { UsageError } from '../core/errors.js'
import type { BtcBlockSource } from '../ingest/types.js'
import { getNetwork } from './networks.js'
import { readBlkDir } from './readBlkDir.js'
import { type RpcBlockSourceOptions, rpcBlockSource } from './rpcBlockSource.js'
import type { BtcNetworkName } from './types.js'

export type OpenBlockSourceOptions = {
  /** Block dirs and/or files (`--blocks`). Exclusive with `rpc`. */
  readonly blocks?: readonly string[] | undefined
  /** Bitcoin Core RPC URL, `http://user:pass@host:port` (`--rpc`). */
  readonly rpc?: string | undefined
  /** Path of the node's `.cookie` file, instead of credentials in the URL (`--rpc-cookie`). */
  readonly rpcCookie?: string | undefined
  /** Expected network (`--network`): files must carry its magic; an RPC node must be on it. */
  readonly network?: BtcNetworkName | undefined
  /** Height of the first block when files do not start at genesis and BIP34 cannot tell (`--start-height`). */
  readonly startHeight?: number | undefined
  /** RPC tuning (tests, slow nodes). */
  readonly rpcOptions?: Omit<RpcBlockSourceOptions, 'url' | 'cookieFile' | 'network'> | undefined
}

/** Bitcoin Core's default RPC ports, used when the URL has none. */
const rpcPorts: Readonly<Record<BtcNetworkName, number>> = {
  mainnet: 8332,
  testnet: 18332,
  signet: 38332,
  regtest: 18443,
}

/** A block source that can also tell which network it serves. */
export interface OpenedBlockSource extends BtcBlockSource {
  /** Files: from the magic (or `network`); RPC: from `getblockchaininfo`. */
  network(): Promise<BtcNetworkName>
}

/**
 * Open the block source described by `opts`. Nothing is read or requested yet: files are indexed on the first
 * `tipHeight()`/`blocks()` call, the node is contacted then too. Bad combinations are UsageErrors.
 */
export function openBlockSource(opts: OpenBlockSourceOptions): OpenedBlockSource {
  const hasBlocks = (opts.blocks?.length ?? 0) > 0
  if (hasBlocks && opts.rpc) throw new UsageError('give either block files or an RPC URL, not both')
  if (opts.network) getNetwork(opts.network) // validates the name
  if (opts.rpc) {
    if (opts.startHeight !== undefined) throw new UsageError('--start-height applies to block files, not to RPC')
    const defaultPort = rpcPorts[opts.network ?? 'mainnet']
    return rpcBlockSource({
      defaultPort,
      ...opts.rpcOptions,
      url: opts.rpc,
      cookieFile: opts.rpcCookie,
      network: opts.network,
    })
  }
  if (opts.rpcCookie) throw new UsageError('--rpc-cookie needs --rpc <url>')
  if (!hasBlocks) throw new UsageError('no block source: give block files/dirs or --rpc <url>')
  return readBlkDir(opts.blocks!, { network: opts.network, startHeight: opts.startHeight })
}
