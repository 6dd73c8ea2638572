/**
 * A minimal Bitcoin Core JSON-RPC client over node:http(s): single and batched calls, basic or cookie auth,
 * retries with exponential backoff on transient failures, and errors that never show the password.
 *
 * Transient (retried): connection refused/reset/timeouts, HTTP 5xx without a JSON-RPC error body (503 "Work
 * queue depth exceeded" included), and JSON-RPC error -28 (node warming up: "Loading block index…").
 * Not retried: HTTP 401/403 (RpcAuthError), other JSON-RPC errors (RpcError with `rpcCode`), malformed JSON
 * (SourceError).
 * @module
 */
import { readFileSync } from 'node:fs'
import http from 'node:http'
import https from 'node:https'
import { RpcAuthError, RpcError, SourceError, UsageError } from '../core/errors.js'

export type RpcClientOptions = {
  /** `http://user:pass@host:port` (credentials optional when `cookieFile` is given; `http://` may be omitted). */
  readonly url: string
  /** Path of Bitcoin Core's `.cookie` file (`__cookie__:<hex>`); re-read when the node answers 401. */
  readonly cookieFile?: string | undefined
  /** Per-request timeout (default 120 s: a batch of full blocks can be slow). */
  readonly timeoutMs?: number | undefined
  /** Retries after the first attempt on transient errors (default 6). */
  readonly retries?: number | undefined
  /** First backoff delay; doubled per retry up to `maxBackoffMs` (defaults 250 ms and 10 s). */
  readonly backoffMs?: number | undefined
  readonly maxBackoffMs?: number | undefined
  /** Called before each retry (for progress output). */
  readonly onRetry?: ((info: { attempt: number; delayMs: number; error: Error }) => void) | undefined
  /** Port used when the URL has none (default 8332, Bitcoin Core's mainnet RPC port). */
  readonly defaultPort?: number | undefined
  /** Concurrent connections kept alive (default 4). */
  readonly maxSockets?: number | undefined
}

export type RpcCall = { readonly method: string; readonly params: readonly unknown[] }

type Credentials = { user: string; password: string } | null

/** `url` with any user/password removed (for messages and logs). */
export function redactUrl(url: string): string {
  try {
    const u = new URL(/^[a-z][a-z0-9+.-]*:\/\//i.test(url) ? url : `http://${url}`)
    u.username = ''
    u.password = ''
    return u.toString().replace(/\/$/, '')
  } catch {
    return url.replace(/\/\/[^@/]*@/, '//')
  }
}

/** Read a Bitcoin Core cookie file (`__cookie__:<password>`, one line). */
export function readCookieFile(path: string): { user: string; password: string } {
  let text: string
  try {
    text = readFileSync(path, 'utf8').trim()
  } catch (e) {
    throw new RpcAuthError(`cannot read RPC cookie file ${path}: ${(e as NodeJS.ErrnoException).code ?? e}`, {
      cause: e,
      details: { file: path },
    })
  }
  const colon = text.indexOf(':')
  if (colon <= 0)
    throw new RpcAuthError(`malformed RPC cookie file ${path}: expected user:password`, { details: { file: path } })
  return { user: text.slice(0, colon), password: text.slice(colon + 1) }
}

const transientCodes = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EAI_AGAIN',
  'ECONNABORTED',
])

type HttpReply = { status: number; body: string }

/** A Bitcoin Core JSON-RPC client. One instance per node; keeps connections alive. */
export class RpcClient {
  /** The URL without credentials. */
  readonly displayUrl: string
  private readonly target: URL
  private readonly agent: http.Agent
  private creds: Credentials
  private nextId = 1
  private readonly opts: RpcClientOptions

  constructor(opts: RpcClientOptions) {
    this.opts = opts
    let u: URL
    try {
      u = new URL(/^[a-z][a-z0-9+.-]*:\/\//i.test(opts.url) ? opts.url : `http://${opts.url}`)
    } catch (e) {
      throw new UsageError(`invalid RPC URL ${redactUrl(opts.url)}`, { cause: e })
    }
    if (u.protocol !== 'http:' && u.protocol !== 'https:') {
      throw new UsageError(`RPC URL must be http:// or https://, got ${u.protocol}`)
    }
    if (u.port === '' && u.protocol === 'http:') u.port = String(opts.defaultPort ?? 8332)
    this.displayUrl = redactUrl(u.toString())
    this.creds = u.username ? { user: decodeURIComponent(u.username), password: decodeURIComponent(u.password) } : null
    if (opts.cookieFile) this.creds = readCookieFile(opts.cookieFile)
    u.username = ''
    u.password = ''
    this.target = u
    const Agent = u.protocol === 'https:' ? https.Agent : http.Agent
    this.agent = new Agent({ keepAlive: true, maxSockets: opts.maxSockets ?? 4 })
  }

  /** Call one method; returns its `result`. */
  async call<T = unknown>(method: string, params: readonly unknown[] = [], signal?: AbortSignal): Promise<T> {
    return this.withRetry(async () => {
      const id = this.nextId++
      const reply = await this.post(JSON.stringify({ jsonrpc: '1.0', id, method, params }), signal)
      const body = this.parse(reply, method)
      if (Array.isArray(body) || typeof body !== 'object' || body === null) {
        throw new SourceError(`rpc ${this.displayUrl}: ${method}: response is not a JSON-RPC object`)
      }
      return this.resultOf(body as Record<string, unknown>, method) as T
    }, signal)
  }

  /**
   * Call several methods in one HTTP request (a JSON array body); results in call order. The first call that
   * failed throws its RpcError (a -28 warm-up error retries the whole batch).
   */
  async batch<T = unknown>(calls: readonly RpcCall[], signal?: AbortSignal): Promise<T[]> {
    if (calls.length === 0) return []
    return this.withRetry(async () => {
      const first = this.nextId
      this.nextId += calls.length
      const payload = calls.map((c, i) => ({ jsonrpc: '1.0', id: first + i, method: c.method, params: c.params }))
      const what = `batch of ${calls.length} (${calls[0]!.method}…)`
      const reply = await this.post(JSON.stringify(payload), signal)
      const body = this.parse(reply, what)
      if (!Array.isArray(body)) {
        // A whole-batch failure comes back as one error object.
        if (body && typeof body === 'object') this.resultOf(body as Record<string, unknown>, what)
        throw new SourceError(`rpc ${this.displayUrl}: ${what}: expected a JSON array response`)
      }
      const byId = new Map<number, Record<string, unknown>>()
      for (const item of body) {
        if (item && typeof item === 'object' && typeof (item as { id?: unknown }).id === 'number') {
          byId.set((item as { id: number }).id, item as Record<string, unknown>)
        }
      }
      return calls.map((c, i) => {
        const item = byId.get(first + i)
        if (!item) throw new SourceError(`rpc ${this.displayUrl}: ${what}: no response for call ${i} (${c.method})`)
        return this.resultOf(item, `${c.method}(${c.params.map((p) => JSON.stringify(p)).join(',')})`) as T
      })
    }, signal)
  }

  /** Release kept-alive connections. */
  close(): void {
    this.agent.destroy()
  }

  private resultOf(obj: Record<string, unknown>, what: string): unknown {
    const err = obj.error
    if (err !== null && err !== undefined) {
      const e = err as { code?: unknown; message?: unknown }
      const code = typeof e.code === 'number' ? e.code : null
      const msg = typeof e.message === 'string' ? e.message : JSON.stringify(err)
      throw new RpcError(`rpc ${this.displayUrl}: ${what}: ${msg} (code ${code})`, code, {
        retryable: code === -28,
        details: { url: this.displayUrl, method: what, rpcCode: code },
      })
    }
    if (!('result' in obj)) throw new SourceError(`rpc ${this.displayUrl}: ${what}: response has no result`)
    return obj.result
  }

  private parse(reply: HttpReply, what: string): unknown {
    const { status, body } = reply
    if (status === 401 || status === 403) {
      throw new RpcAuthError(
        `rpc ${this.displayUrl}: HTTP ${status}: the node refused the credentials ` +
          (this.opts.cookieFile ? `from cookie file ${this.opts.cookieFile}` : 'in the URL (user:password)'),
        { details: { url: this.displayUrl, status } },
      )
    }
    let parsed: unknown
    let ok = body.length > 0
    if (ok) {
      try {
        parsed = JSON.parse(body)
      } catch {
        ok = false
      }
    }
    const isRpcBody =
      ok && (Array.isArray(parsed) || (typeof parsed === 'object' && parsed !== null && 'error' in parsed))
    if (status === 200 || ((status === 500 || status === 404 || status === 400) && isRpcBody)) {
      if (!ok) {
        throw new SourceError(
          `rpc ${this.displayUrl}: ${what}: malformed JSON in response (${body.length} bytes: ${JSON.stringify(body.slice(0, 60))})`,
          { details: { url: this.displayUrl, status } },
        )
      }
      return parsed
    }
    const text = body.trim().slice(0, 100)
    throw new SourceError(`rpc ${this.displayUrl}: ${what}: HTTP ${status}${text ? ` ${JSON.stringify(text)}` : ''}`, {
      retryable: status >= 500,
      details: { url: this.displayUrl, status },
    })
  }

  private async withRetry<T>(attempt: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    const retries = this.opts.retries ?? 6
    let delay = this.opts.backoffMs ?? 250
    const max = this.opts.maxBackoffMs ?? 10_000
    let authRetried = false
    for (let n = 0; ; n++) {
      try {
        return await attempt()
      } catch (e) {
        signal?.throwIfAborted()
        // The node restarted and wrote a new cookie: read it once more.
        if (e instanceof RpcAuthError && this.opts.cookieFile && !authRetried) {
          authRetried = true
          const fresh = readCookieFile(this.opts.cookieFile)
          if (fresh.password !== this.creds?.password) {
            this.creds = fresh
            n--
            continue
          }
        }
        const retryable = (e instanceof SourceError || e instanceof RpcError) && e.retryable
        if (!retryable) throw e
        if (n >= retries) {
          throw new SourceError(`${(e as Error).message} (gave up after ${n + 1} attempts)`, {
            cause: e,
            retryable: true,
            details: (e as SourceError).details,
          })
        }
        const wait = Math.min(max, delay) * (0.8 + 0.4 * Math.random())
        this.opts.onRetry?.({ attempt: n + 1, delayMs: Math.round(wait), error: e as Error })
        await new Promise((r) => setTimeout(r, wait))
        delay *= 2
      }
    }
  }

  private post(body: string, signal?: AbortSignal): Promise<HttpReply> {
    const mod = this.target.protocol === 'https:' ? https : http
    const headers: Record<string, string | number> = {
      'content-type': 'application/json',
      'content-length': Buffer.byteLength(body),
    }
    if (this.creds) {
      headers.authorization = `Basic ${Buffer.from(`${this.creds.user}:${this.creds.password}`).toString('base64')}`
    }
    return new Promise<HttpReply>((resolve, reject) => {
      const req = mod.request(this.target, { method: 'POST', agent: this.agent, headers, signal }, (res) => {
        const chunks: Buffer[] = []
        res.on('data', (c: Buffer) => chunks.push(c))
        res.on('error', (err) => reject(this.networkError(err)))
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }))
        res.on('aborted', () =>
          reject(this.networkError(Object.assign(new Error('response aborted'), { code: 'ECONNRESET' }))),
        )
      })
      req.setTimeout(this.opts.timeoutMs ?? 120_000, () => {
        req.destroy(
          Object.assign(new Error(`no answer within ${this.opts.timeoutMs ?? 120_000} ms`), { code: 'ETIMEDOUT' }),
        )
      })
      req.on('error', (err) => reject(signal?.aborted ? signal.reason : this.networkError(err)))
      req.end(body)
    })
  }

  private networkError(err: Error): Error {
    const code = (err as NodeJS.ErrnoException).code ?? 'ERR'
    return new SourceError(`rpc ${this.displayUrl}: ${err.message} (${code})`, {
      cause: err,
      retryable: transientCodes.has(code) || code === 'ECONNRESET' || err.message === 'socket hang up',
      details: { url: this.displayUrl, errno: code },
    })
  }
}
