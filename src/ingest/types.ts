/**
 * What the ingest pipeline consumes: raw blocks from any source (blk files, raw files, Bitcoin Core RPC),
 * already in chain order, each knowing its height and where it came from (for error messages).
 * @module
 */

export type BlockOrigin =
  | { readonly kind: 'file'; readonly file: string; readonly offset: number }
  | { readonly kind: 'rpc'; readonly url: string }

export type RawBlock = {
  readonly height: number
  readonly hash: string
  readonly prevHash: string
  /** The serialised block (header + txs). */
  readonly bytes: Uint8Array
  readonly origin: BlockOrigin
}

export type BlockSourceStats = {
  /** Blocks seen but not on the best chain followed from the start block (stale/orphan). */
  readonly staleBlocks: number
  /** Bytes of zero padding skipped at file ends. */
  readonly paddingBytes: number
}

/** A source of blocks in height order. */
export interface BtcBlockSource {
  /** Human-readable description for logs and errors ("blk dir /x (2 files)", "rpc http://host:8332"). */
  describe(): string
  /** Best known height, when the source can tell (RPC: getblockcount; files: after indexing). */
  tipHeight(): Promise<number>
  /** Blocks from `fromHeight` to `toHeight` inclusive (or the tip), in order. */
  blocks(opts: { fromHeight: number; toHeight?: number | undefined; signal?: AbortSignal }): AsyncIterable<RawBlock>
  stats(): BlockSourceStats
  close?(): Promise<void>
}
