/**
 * JSON-RPC access to any EVM node through viem's HTTP transport: JSON-RPC batching (many calls per HTTP
 * request), retries with exponential back-off on rate limits (HTTP 429, JSON-RPC -32005/429) and transient
 * server errors, timeouts. We keep the raw responses (hex) and decode them ourselves (src/evm/decode*).
 * A semaphore bounds the requests in flight so a public endpoint is not flooded.
 * @module
 */
import { createClient, http } from 'viem'
import { RpcAuthError, RpcError, SourceError } from '../core/errors.js'

export type EvmRpcOptions = {
  /** JSON-RPC calls per HTTP request. Default 100. */
  batchSize?: number
  /** Retries after the first attempt. Default 5. */
  retries?: number
  /** Base delay of the exponential back-off, ms. Default 150. */
  retryDelayMs?: number
  timeoutMs?: number
  /** HTTP requests (batches) in flight. Default 8. */
  concurrency?: number
  /**
   * Largest HTTP response accepted, bytes. Default 1 GiB: a batch of struct-log traces easily exceeds viem's
   * 10 MB default, and the node is one we chose to query.
   */
  maxResponseBytes?: number
}

/** JSON-RPC codes meaning "this node does not offer the method". */
const UNSUPPORTED = new Set([-32601, -32004, -32000])

export class EvmRpc {
  private readonly client
  private inFlight = 0
  private readonly waiters: (() => void)[] = []
  private readonly limit: number
  /** Calls made (for stats). */
  calls = 0

  constructor(
    readonly url: string,
    opts: EvmRpcOptions = {},
  ) {
    this.limit = (opts.concurrency ?? 8) * (opts.batchSize ?? 100)
    this.client = createClient({
      transport: http(url, {
        batch: { batchSize: opts.batchSize ?? 100, wait: 0 },
        retryCount: opts.retries ?? 5,
        retryDelay: opts.retryDelayMs ?? 150,
        timeout: opts.timeoutMs ?? 60_000,
        maxResponseBodySize: opts.maxResponseBytes ?? 2 ** 30,
      }),
    })
  }

  describe(): string {
    return `rpc ${this.url.replace(/\/\/[^@/]*@/, '//***@')}`
  }

  /** One call; calls issued in the same tick are sent as one JSON-RPC batch. */
  async request<T>(method: string, params: unknown[] = []): Promise<T> {
    while (this.inFlight >= this.limit) await new Promise<void>((r) => this.waiters.push(r))
    this.inFlight++
    this.calls++
    try {
      return (await this.client.request({ method, params } as never)) as T
    } catch (e) {
      throw mapError(e, method, this.url)
    } finally {
      this.inFlight--
      this.waiters.shift()?.()
    }
  }

  /** True when the node refuses the method as unsupported (other errors propagate). */
  static isUnsupported(e: unknown): boolean {
    return e instanceof RpcError && e.rpcCode !== null && UNSUPPORTED.has(e.rpcCode)
  }
}

function mapError(e: unknown, method: string, url: string): Error {
  const err = e as {
    name?: string
    status?: number
    code?: number
    details?: string
    shortMessage?: string
    cause?: unknown
  }
  const status = err.status ?? (err.cause as { status?: number } | undefined)?.status
  const details = { method, url: url.replace(/\/\/[^@/]*@/, '//***@') }
  if (status === 401 || status === 403)
    return new RpcAuthError(`${method}: the node refused the credentials (HTTP ${status})`, { cause: e, details })
  let code = typeof err.code === 'number' ? err.code : null
  const inner = err.cause as { code?: number; details?: string } | undefined
  if (code === null && typeof inner?.code === 'number') code = inner.code
  if (code !== null && code !== -1)
    return new RpcError(`${method}: ${err.details ?? inner?.details ?? err.shortMessage ?? String(e)}`, code, {
      cause: e,
      details,
    })
  return new SourceError(`${method}: ${err.shortMessage ?? (e instanceof Error ? e.message : String(e))}`, {
    cause: e,
    details,
    retryable: true,
  })
}
