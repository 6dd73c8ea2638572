/**
 * Decode raw blocks on worker threads, results in submission order. Falls back to decoding in the calling thread
 * when there are no workers (one core, or running from TypeScript sources where the compiled worker is absent).
 * @module
 */
import { existsSync } from 'node:fs'
import { availableParallelism } from 'node:os'
import { fileURLToPath } from 'node:url'
import { Worker } from 'node:worker_threads'
import type { BtcNetwork } from '../btc/networks.js'
import { errorClasses, HoundError, SourceError } from '../core/errors.js'
import { type ColumnarBlock, decodeColumnar } from './columnarBlock.js'
import type { DecodeReply, DecodeRequest, DecodeWorkerData } from './decodeWorker.js'
import { threadCpuSeconds } from './threadCpu.js'
import type { RawBlock } from './types.js'

type Pending = { resolve: (b: ColumnarBlock) => void; reject: (e: Error) => void }

const workerFile = fileURLToPath(new URL('./decodeWorker.js', import.meta.url))

/** Workers to use by default: one beside the main thread when there are at least two cores. */
export function defaultDecodeWorkers(): number {
  const env = process.env.HOUND_DECODE_WORKERS
  if (env !== undefined && /^\d+$/.test(env)) return Number(env)
  return availableParallelism() >= 2 ? 1 : 0
}

function whereOf(raw: RawBlock): { where: string; baseOffset: number } {
  const o = raw.origin
  return o.kind === 'file'
    ? { where: o.file, baseOffset: o.offset }
    : { where: `${o.url} block ${raw.height}`, baseOffset: 0 }
}

function rebuildError(e: { name: string; code: string; message: string; details: Record<string, unknown> }): Error {
  const details = e.details as Record<string, string | number | boolean | null>
  const cls = errorClasses.find((c) => c.code === e.code)
  if (cls && cls !== (errorClasses.find((c) => c.name === 'RpcError') as unknown)) {
    return new (cls as unknown as new (m: string, o: object) => Error)(e.message, { details })
  }
  return new HoundError(e.code, e.message, { details })
}

export class DecodePool {
  private readonly workers: Worker[] = []
  private readonly pending = new Map<number, Pending>()
  private seq = 0
  private failed: Error | null = null
  private readonly tids: number[] = []

  /** `addrSeeds`: the AddressMap seeds of the ingestor the blocks are for (addresses are hashed while decoding). */
  constructor(
    private readonly network: BtcNetwork,
    private readonly addrSeeds: Uint32Array,
    workers = defaultDecodeWorkers(),
  ) {
    if (workers > 0 && existsSync(workerFile)) {
      for (let k = 0; k < workers; k++) {
        const w = new Worker(workerFile, { workerData: { addrSeeds: [...addrSeeds] } satisfies DecodeWorkerData })
        w.on('message', (m: DecodeReply) => {
          if ('tid' in m) {
            if (m.tid !== null) this.tids.push(m.tid)
            return
          }
          const p = this.pending.get(m.seq)
          if (!p) return
          this.pending.delete(m.seq)
          if ('error' in m) p.reject(rebuildError(m.error))
          else p.resolve(m.block)
        })
        w.on('error', (e) => this.fail(e))
        w.on('exit', (code) => {
          if (code !== 0) this.fail(new SourceError(`decode worker exited with code ${code}`))
        })
        this.workers.push(w)
      }
    }
  }

  get threads(): number {
    return this.workers.length
  }

  /** CPU seconds used so far by the worker threads (Linux), or null when unknown. */
  workerCpuSeconds(): number | null {
    if (this.workers.length > 0 && this.tids.length < this.workers.length) return null
    let sum = 0
    for (const t of this.tids) {
      const s = threadCpuSeconds(t)
      if (s === null) return null
      sum += s
    }
    return sum
  }

  private fail(e: Error): void {
    this.failed = e
    for (const p of this.pending.values()) p.reject(e)
    this.pending.clear()
  }

  /** Decode and classify `raw`; throws DecodeError/MerkleMismatchError/SourceError like decodeBlock. */
  decode(raw: RawBlock): Promise<ColumnarBlock> {
    if (this.failed) return Promise.reject(this.failed)
    const { where, baseOffset } = whereOf(raw)
    if (this.workers.length === 0) {
      try {
        const c = decodeColumnar(raw.bytes, { where, baseOffset }, raw.height, raw.hash, this.network, this.addrSeeds)
        return Promise.resolve(c)
      } catch (e) {
        const p = Promise.reject(e)
        p.catch(() => {})
        return p
      }
    }
    const seq = this.seq++
    const bytes = raw.bytes.slice()
    const req: DecodeRequest = {
      seq,
      height: raw.height,
      bytes,
      where,
      baseOffset,
      hash: raw.hash,
      network: this.network.name,
    }
    const p = new Promise<ColumnarBlock>((resolve, reject) => this.pending.set(seq, { resolve, reject }))
    p.catch(() => {}) // rejections surface when the caller awaits this block, in order
    this.workers[seq % this.workers.length]!.postMessage(req, [bytes.buffer as ArrayBuffer])
    return p
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.terminate()))
    this.workers.length = 0
  }
}
