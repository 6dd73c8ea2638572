/**
 * Worker thread: decode (with merkle check) and classify raw blocks, post them back in columnar form.
 * Runs beside the main thread, which resolves prevouts and appends to the store (ingest uses both cores).
 * @module
 */
import { parentPort, workerData } from 'node:worker_threads'
import { getNetwork } from '../btc/networks.js'
import { isHoundError } from '../core/errors.js'
import { decodeColumnar, transferables } from './columnarBlock.js'
import { currentThreadId } from './threadCpu.js'

export type DecodeRequest = {
  seq: number
  height: number
  bytes: Uint8Array
  where: string
  baseOffset: number
  /** Hash the source claims, checked against the decoded header ('' to skip). */
  hash: string
  network: string
}

export type DecodeReply =
  | { seq: number; block: import('./columnarBlock.js').ColumnarBlock }
  /** Sent once at start (seq -1): the worker's thread id, for the CPU split. */
  | { seq: -1; tid: number | null }
  | { seq: number; error: { name: string; code: string; message: string; details: Record<string, unknown> } }

/** Set by DecodePool: the AddressMap seeds of the ingestor the blocks are for. */
export type DecodeWorkerData = { addrSeeds: number[] }

const port = parentPort
if (port) {
  const addrSeeds = Uint32Array.from((workerData as DecodeWorkerData).addrSeeds)
  port.postMessage({ seq: -1, tid: currentThreadId() } satisfies DecodeReply)
  port.on('message', (r: DecodeRequest) => {
    try {
      const net = getNetwork(r.network)
      const where = { where: r.where, baseOffset: r.baseOffset }
      const c = decodeColumnar(r.bytes, where, r.height, r.hash, net, addrSeeds)
      port.postMessage({ seq: r.seq, block: c } satisfies DecodeReply, transferables(c))
    } catch (e) {
      const err = e as { name?: string; code?: string; message?: string; details?: Record<string, unknown> }
      port.postMessage({
        seq: r.seq,
        error: {
          name: err.name ?? 'Error',
          code: isHoundError(e) || err.code ? String(err.code) : 'HOUND_ERR_INTERNAL',
          message: err.message ?? String(e),
          details: err.details ?? {},
        },
      } satisfies DecodeReply)
    }
  })
}
