/**
 * Test-only: a small Bitcoin Core JSON-RPC server (node:http on 127.0.0.1, port 0) serving REAL blocks, with
 * Bitcoin Core's response shapes and status codes, plus fault injection.
 *
 * Shapes (Bitcoin Core `src/httprpc.cpp`, `src/rpc/request.cpp`):
 * - success: HTTP 200, `{"result":…,"error":null,"id":…}` + "\n"; JSON-RPC 2.0 requests get
 *   `{"jsonrpc":"2.0","result":…,"id":…}` (and errors with HTTP 200, as Core 28+ does);
 * - error in a single 1.0 request: HTTP 500 with `{"result":null,"error":{"code":-8,"message":"…"},"id":…}`;
 *   method not found: HTTP 404 (code -32601); unparseable body: HTTP 500 (code -32700);
 * - batch: HTTP 200 and an array, each item with its own result or error;
 * - bad or missing credentials: HTTP 401, empty body, `WWW-Authenticate: Basic realm="jsonrpc"`;
 * - overload: HTTP 503 with body `Work queue depth exceeded`.
 *
 * Methods: getblockcount, getbestblockhash, getblockhash, getblock (verbosity 0; 1/2 only through replay),
 * getblockheader (verbose=false), getblockchaininfo. Recorded responses (bitcoin-etl's
 * `rpc_response_<method>_<params>.json`, each the bare `result`) can be replayed from directories.
 * @internal
 */
import { randomBytes } from 'node:crypto'
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { dataPath } from '../core/_testData.js'
import { decodeBlockHeader } from './decodeBlockHeader.js'
import { toHex } from './hash.js'

export type TestRpcFault =
  /** HTTP 503 "Work queue depth exceeded". */
  | 'http503'
  /** HTTP 502 with an HTML body (a proxy in front of the node). */
  | 'http502'
  /** Close the connection without answering (client sees ECONNRESET / socket hang up). */
  | 'reset'
  /** JSON-RPC error -28 "Loading block index…" (HTTP 500, as during node start-up). */
  | 'warmup'
  /** HTTP 200 with a truncated JSON body. */
  | 'malformed'

export type TestRpcFaults = {
  /** How many HTTP requests fail (counted from now; Infinity for all). */
  readonly failFirst?: number
  readonly failWith?: TestRpcFault
  /** Delay before every answer, ms. */
  readonly delayMs?: number
}

export type TestRpcServerOptions = {
  readonly user?: string
  readonly password?: string
  /** Also write a `.cookie` file (`__cookie__:<hex>`) in a temp dir and accept its credentials. */
  readonly cookie?: boolean
  /** The chain, by height from 0 (default: the 600 nbitcoin mainnet blocks). */
  readonly blocks?: readonly Uint8Array[]
  /** Blocks served by `getblock <hash>` only (not on the chain), e.g. single raw blocks. */
  readonly extraBlocks?: readonly Uint8Array[]
  /** Directories of recorded responses, consulted before the blocks (bitcoin-etl naming). */
  readonly replayDirs?: readonly string[]
  readonly faults?: TestRpcFaults
  /** `getblockchaininfo.chain` (default "main"). */
  readonly chain?: string
}

export type TestRpcRequestLog = {
  /** Methods of the request, in order (one for a single call, N for a batch). */
  readonly methods: readonly string[]
  readonly batch: boolean
  readonly status: number
}

export type TestRpcServer = {
  /** `http://user:password@127.0.0.1:port` */
  readonly url: string
  /** `http://127.0.0.1:port` (no credentials). */
  readonly baseUrl: string
  readonly port: number
  readonly user: string
  readonly password: string
  /** Path of the `.cookie` file when `cookie: true`, else null. */
  readonly cookieFile: string | null
  /** Every HTTP request answered (or failed on purpose), in arrival order. */
  readonly log: TestRpcRequestLog[]
  /** Most HTTP requests being handled at the same time. */
  readonly maxConcurrent: () => number
  /**
   * Switch to another chain (a reorg): heights now resolve to `blocks`; blocks of the old chain stay retrievable
   * by hash, as stale blocks are on a real node.
   */
  setBlocks(blocks: readonly Uint8Array[]): void
  /** Replace the fault plan (counts restart from now). */
  setFaults(f: TestRpcFaults): void
  close(): Promise<void>
}

/** The nbitcoin mainnet blocks 0-599, split from blk00000.dat + blk00001.dat (independent of readBlkDir). */
export function nbitcoinBlocks(): Uint8Array[] {
  const out: Uint8Array[] = []
  for (const f of ['btc/nbitcoin/blk00000.dat', 'btc/nbitcoin/blk00001.dat']) {
    const b = new Uint8Array(readFileSync(dataPath(f)))
    for (let p = 0; p < b.length; ) {
      const len = b[p + 4]! | (b[p + 5]! << 8) | (b[p + 6]! << 16) | (b[p + 7]! * 0x1000000)
      out.push(b.subarray(p + 8, p + 8 + len))
      p += 8 + len
    }
  }
  return out
}

type RpcReq = { id?: unknown; method?: unknown; params?: unknown; jsonrpc?: unknown }
type Outcome = { result: unknown } | { error: { code: number; message: string } }

const rpcErr = (code: number, message: string): Outcome => ({ error: { code, message } })

/** Start the server on 127.0.0.1 with an OS-chosen port. */
export async function startTestRpcServer(opts: TestRpcServerOptions = {}): Promise<TestRpcServer> {
  const user = opts.user ?? 'hound'
  const password = opts.password ?? 'correct horse battery staple'
  const chain = opts.blocks ?? nbitcoinBlocks()
  let hashes = chain.map((b) => decodeBlockHeader(b).hash)
  const byHash = new Map<string, Uint8Array>()
  chain.forEach((b, i) => {
    byHash.set(hashes[i]!, b)
  })
  for (const b of opts.extraBlocks ?? []) byHash.set(decodeBlockHeader(b).hash, b)
  let tip = chain.length - 1

  let cookieDir: string | null = null
  let cookieFile: string | null = null
  let cookiePassword: string | null = null
  if (opts.cookie) {
    cookieDir = mkdtempSync(join(tmpdir(), 'hound-rpc-cookie-'))
    cookieFile = join(cookieDir, '.cookie')
    cookiePassword = randomBytes(32).toString('hex')
    writeFileSync(cookieFile, `__cookie__:${cookiePassword}`)
  }
  const allowed = new Set([`${user}:${password}`])
  if (cookiePassword) allowed.add(`__cookie__:${cookiePassword}`)

  let faults: TestRpcFaults = opts.faults ?? {}
  let faultsLeft = faults.failFirst ?? 0
  const log: TestRpcRequestLog[] = []
  let active = 0
  let maxActive = 0

  const replay = (method: string, params: unknown[]): Outcome | null => {
    if (!opts.replayDirs) return null
    const name = `rpc_response_${[method, ...params.map((p) => String(p))].join('_')}.json`
    for (const d of opts.replayDirs) {
      const f = join(d, name)
      if (existsSync(f)) return { result: JSON.parse(readFileSync(f, 'utf8')) }
    }
    return null
  }

  const dispatch = (method: string, params: unknown[]): Outcome => {
    const recorded = replay(method, params)
    if (recorded) return recorded
    switch (method) {
      case 'getblockcount':
        return { result: tip }
      case 'getbestblockhash':
        return { result: hashes[tip] }
      case 'getblockchaininfo':
        return {
          result: { chain: opts.chain ?? 'main', blocks: tip, headers: tip, bestblockhash: hashes[tip], pruned: false },
        }
      case 'getblockhash': {
        const h = params[0]
        if (typeof h !== 'number' || !Number.isInteger(h)) {
          return rpcErr(-3, `JSON value of type ${h === null ? 'null' : typeof h} is not of expected type number`)
        }
        if (h < 0 || h > tip) return rpcErr(-8, 'Block height out of range')
        return { result: hashes[h] }
      }
      case 'getblock':
      case 'getblockheader': {
        const hash = params[0]
        if (typeof hash !== 'string') return rpcErr(-3, 'JSON value is not a string as expected')
        if (hash.length !== 64) return rpcErr(-8, `blockhash must be of length 64 (not ${hash.length}, for '${hash}')`)
        if (!/^[0-9a-fA-F]{64}$/.test(hash)) return rpcErr(-8, `blockhash must be hexadecimal string (not '${hash}')`)
        const block = byHash.get(hash.toLowerCase())
        if (!block) return rpcErr(-5, 'Block not found')
        if (method === 'getblockheader') {
          if (params[1] !== false) return rpcErr(-1, 'test server: only getblockheader <hash> false')
          return { result: toHex(block.subarray(0, 80)) }
        }
        const verbosity = params[1] ?? 1
        if (verbosity !== 0 && verbosity !== false) return rpcErr(-1, 'test server: only getblock <hash> 0 (or replay)')
        return { result: toHex(block) }
      }
      default:
        return rpcErr(-32601, 'Method not found')
    }
  }

  const answer = (req: RpcReq): { body: Record<string, unknown>; outcome: Outcome } => {
    const id = req.id ?? null
    const v2 = req.jsonrpc === '2.0'
    let outcome: Outcome
    if (typeof req.method !== 'string') outcome = rpcErr(-32600, 'Method must be a string')
    else if (req.params !== undefined && !Array.isArray(req.params)) outcome = rpcErr(-32600, 'Params must be an array')
    else outcome = dispatch(req.method, (req.params as unknown[] | undefined) ?? [])
    if (v2) return { body: { jsonrpc: '2.0', ...outcome, id }, outcome }
    return 'result' in outcome
      ? { body: { result: outcome.result, error: null, id }, outcome }
      : { body: { result: null, error: outcome.error, id }, outcome }
  }

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      active++
      maxActive = Math.max(maxActive, active)
      /** Send the answer; returns null so handlers can `return done(…)`. */
      const done = (status: number, body: string, methods: string[], batch: boolean, headers = {}): null => {
        log.push({ methods, batch, status })
        res.writeHead(status, { 'content-type': 'application/json', ...headers })
        res.end(body)
        active--
        return null
      }
      const respond = (): null => {
        const text = Buffer.concat(chunks).toString('utf8')
        let parsed: unknown
        try {
          parsed = JSON.parse(text)
        } catch {
          parsed = undefined
        }
        const methods = Array.isArray(parsed)
          ? parsed.map((r) => String((r as RpcReq)?.method))
          : [String((parsed as RpcReq | undefined)?.method)]
        const batch = Array.isArray(parsed)
        const auth = req.headers.authorization ?? ''
        const creds = auth.startsWith('Basic ') ? Buffer.from(auth.slice(6), 'base64').toString('utf8') : ''
        if (req.method !== 'POST') return done(405, '', methods, batch)
        if (!allowed.has(creds)) return done(401, '', methods, batch, { 'www-authenticate': 'Basic realm="jsonrpc"' })
        if (faultsLeft > 0) {
          faultsLeft--
          switch (faults.failWith ?? 'http503') {
            case 'http503':
              return done(503, 'Work queue depth exceeded', methods, batch, { 'content-type': 'text/html' })
            case 'http502':
              return done(502, '<html><body>502 Bad Gateway</body></html>', methods, batch, {
                'content-type': 'text/html',
              })
            case 'reset':
              log.push({ methods, batch, status: 0 })
              active--
              req.socket.destroy()
              return null
            case 'warmup': {
              const e = { code: -28, message: 'Loading block index…' }
              const body = batch
                ? (parsed as RpcReq[]).map((r) => ({ result: null, error: e, id: r?.id ?? null }))
                : { result: null, error: e, id: (parsed as RpcReq | undefined)?.id ?? null }
              return done(batch ? 200 : 500, `${JSON.stringify(body)}\n`, methods, batch)
            }
            case 'malformed':
              return done(200, '{"result":"0100000000000000000000', methods, batch)
          }
        }
        if (parsed === undefined || parsed === null || typeof parsed !== 'object') {
          const body = { result: null, error: { code: -32700, message: 'Parse error' }, id: null }
          return done(500, `${JSON.stringify(body)}\n`, methods, batch)
        }
        if (Array.isArray(parsed)) {
          const out = parsed.map((r) => answer((r ?? {}) as RpcReq).body)
          return done(200, `${JSON.stringify(out)}\n`, methods, batch)
        }
        const { body, outcome } = answer(parsed as RpcReq)
        let status = 200
        if ('error' in outcome && (parsed as RpcReq).jsonrpc !== '2.0') {
          status = outcome.error.code === -32601 ? 404 : outcome.error.code === -32600 ? 400 : 500
        }
        return done(status, `${JSON.stringify(body)}\n`, methods, batch)
      }
      if (faults.delayMs) setTimeout(respond, faults.delayMs)
      else respond()
    })
  })
  server.keepAliveTimeout = 5000
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const port = (server.address() as AddressInfo).port
  const baseUrl = `http://127.0.0.1:${port}`
  return {
    url: `http://${encodeURIComponent(user)}:${encodeURIComponent(password)}@127.0.0.1:${port}`,
    baseUrl,
    port,
    user,
    password,
    cookieFile,
    log,
    maxConcurrent: () => maxActive,
    setBlocks(blocks: readonly Uint8Array[]) {
      hashes = blocks.map((b) => decodeBlockHeader(b).hash)
      blocks.forEach((b, i) => {
        byHash.set(hashes[i]!, b)
      })
      tip = blocks.length - 1
    },
    setFaults(f: TestRpcFaults) {
      faults = f
      faultsLeft = f.failFirst ?? 0
    },
    async close() {
      server.closeAllConnections()
      await new Promise<void>((resolve) => server.close(() => resolve()))
      if (cookieDir) rmSync(cookieDir, { recursive: true, force: true })
    },
  }
}
