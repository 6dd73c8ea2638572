import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { dataPath } from '../core/_testData.js'
import { HoundError, RpcError } from '../core/errors.js'
import type { RawBlock } from '../ingest/types.js'
import { startTestRpcServer, type TestRpcServer } from './_testRpcServer.js'
import { decodeBlockHeader } from './decodeBlockHeader.js'
import { fromHex, sha256d } from './hash.js'
import { networks } from './networks.js'
import { readBlkDir } from './readBlkDir.js'
import { rpcBlockSource } from './rpcBlockSource.js'
import { RpcClient, redactUrl } from './rpcClient.js'

async function collect(it: AsyncIterable<RawBlock>): Promise<RawBlock[]> {
  const out: RawBlock[] = []
  for await (const b of it) out.push(b)
  return out
}

async function caught(p: Promise<unknown>): Promise<HoundError> {
  const e = await p.then(
    () => null,
    (err: unknown) => err,
  )
  expect(e).toBeInstanceOf(HoundError)
  return e as HoundError
}

const fast = { backoffMs: 5, maxBackoffMs: 20 }
let server: TestRpcServer
let fileBlocks: RawBlock[]

beforeAll(async () => {
  server = await startTestRpcServer()
  const src = readBlkDir([dataPath('btc/nbitcoin')])
  fileBlocks = await collect(src.blocks({ fromHeight: 0 }))
})
afterAll(async () => {
  await server.close()
})

describe('rpcBlockSource against the test node (nbitcoin blocks 0-599)', () => {
  test('heights 0-599 in batches, byte-identical to the blk files', async () => {
    const src = rpcBlockSource({ url: server.url, batchSize: 16, inFlight: 3, ...fast })
    server.log.length = 0
    expect(await src.tipHeight()).toBe(599)
    expect(await src.network()).toBe('mainnet')
    const blocks = await collect(src.blocks({ fromHeight: 0 }))
    expect(blocks.length).toBe(600)
    expect(fileBlocks.length).toBe(600)
    blocks.forEach((b, i) => {
      expect(b.height).toBe(i)
      expect(b.hash).toBe(fileBlocks[i]!.hash)
      expect(b.prevHash).toBe(fileBlocks[i]!.prevHash)
      expect(Buffer.compare(b.bytes, fileBlocks[i]!.bytes)).toBe(0)
    })
    expect(blocks[0]!.hash).toBe(networks.mainnet.genesisHash)
    expect(blocks[0]!.origin).toEqual({ kind: 'rpc', url: server.baseUrl })
    // getblockcount + getblockchaininfo + getblockcount, then 38 batches of (getblockhash×N, getblock×N).
    const batches = server.log.filter((r) => r.batch)
    expect(batches.length).toBe(2 * Math.ceil(600 / 16))
    const sizes = (m: string) => batches.filter((r) => r.methods.every((x) => x === m)).map((r) => r.methods.length)
    const expected = [...Array(37).fill(16), 8]
    expect(sizes('getblockhash').sort((a, b) => b - a)).toEqual(expected)
    expect(sizes('getblock').sort((a, b) => b - a)).toEqual(expected)
    expect(server.log.filter((r) => !r.batch).map((r) => r.methods[0])).toEqual([
      'getblockcount',
      'getblockchaininfo',
      'getblockcount',
    ])
    await src.close()
  })

  test('several batches are in flight at once (pipeline)', async () => {
    const slow = await startTestRpcServer({ faults: { delayMs: 30 } })
    try {
      const src = rpcBlockSource({ url: slow.url, batchSize: 5, inFlight: 4, ...fast })
      const blocks = await collect(src.blocks({ fromHeight: 100, toHeight: 159 }))
      expect(blocks.map((b) => b.height)).toEqual(Array.from({ length: 60 }, (_, i) => 100 + i))
      expect(slow.maxConcurrent()).toBeGreaterThanOrEqual(3)
      await src.close()
    } finally {
      await slow.close()
    }
  })

  test('batches shrink to maxBatchBytes once blocks are seen to be large', async () => {
    const src = rpcBlockSource({ url: server.url, batchSize: 4, inFlight: 1, maxBatchBytes: 600, ...fast })
    server.log.length = 0
    const blocks = await collect(src.blocks({ fromHeight: 0, toHeight: 9 }))
    expect(blocks.map((b) => b.height)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9])
    // Blocks 0-3 average 232 bytes, so 600 bytes hold 2 blocks per batch from then on.
    const sizes = server.log.filter((r) => r.methods[0] === 'getblockhash').map((r) => r.methods.length)
    expect(sizes).toEqual([4, 2, 2, 2])
    await src.close()
  })

  test('wrong password → RpcAuthError, without the password in message or details', async () => {
    const url = server.url.replace(encodeURIComponent(server.password), 'hunter2wrong')
    const src = rpcBlockSource({ url, ...fast })
    const e = await caught(src.tipHeight())
    expect(e.name).toBe('RpcAuthError')
    expect(e.code).toBe('HOUND_ERR_RPC_AUTH')
    expect(JSON.stringify(e.toJSON())).not.toContain('hunter2wrong')
    expect(e.message).toContain(server.baseUrl)
    expect(src.describe()).toBe(`rpc ${server.baseUrl}`)
    // No credentials at all.
    expect((await caught(rpcBlockSource({ url: server.baseUrl, ...fast }).tipHeight())).name).toBe('RpcAuthError')
    await src.close()
  })

  for (const failWith of ['http503', 'reset', 'warmup', 'http502'] as const) {
    test(`transient ${failWith} on the first 2 requests → retried, then succeeds`, async () => {
      const s = await startTestRpcServer({ faults: { failFirst: 2, failWith } })
      try {
        const retries: number[] = []
        const src = rpcBlockSource({ url: s.url, batchSize: 10, ...fast, onRetry: (r) => retries.push(r.attempt) })
        const blocks = await collect(src.blocks({ fromHeight: 0, toHeight: 29 }))
        expect(blocks.map((b) => b.hash)).toEqual(fileBlocks.slice(0, 30).map((b) => b.hash))
        expect(retries.length).toBe(2)
        expect(s.log.slice(0, 2).every((r) => r.status !== 200 || failWith === 'warmup')).toBe(true)
        await src.close()
      } finally {
        await s.close()
      }
    })
  }

  test('retries give up after the limit with a retryable SourceError', async () => {
    const s = await startTestRpcServer({ faults: { failFirst: Number.POSITIVE_INFINITY, failWith: 'http503' } })
    try {
      const src = rpcBlockSource({ url: s.url, retries: 2, ...fast })
      const e = await caught(src.tipHeight())
      expect(e.name).toBe('SourceError')
      expect(e.retryable).toBe(true)
      expect(e.message).toMatch(/HTTP 503 "Work queue depth exceeded".*gave up after 3 attempts/)
      expect(s.log.length).toBe(3)
      await src.close()
    } finally {
      await s.close()
    }
  })

  test('connection refused → retried, then SourceError', async () => {
    const s = await startTestRpcServer()
    const url = s.url
    await s.close()
    const src = rpcBlockSource({ url, retries: 1, ...fast })
    const e = await caught(src.tipHeight())
    expect(e.name).toBe('SourceError')
    expect(e.message).toContain('ECONNREFUSED')
    expect(e.message).not.toContain(s.password)
    await src.close()
  })

  test('a node that does not answer in time: timeout, retried, then SourceError (ETIMEDOUT)', async () => {
    const s = await startTestRpcServer({ faults: { delayMs: 300 } })
    try {
      const src = rpcBlockSource({ url: s.url, timeoutMs: 40, retries: 1, ...fast })
      const e = await caught(src.tipHeight())
      expect(e.name).toBe('SourceError')
      expect(e.message).toMatch(/ETIMEDOUT.*gave up after 2 attempts/)
      await src.close()
    } finally {
      await s.close()
    }
  })

  test('malformed JSON → SourceError (not retried)', async () => {
    const s = await startTestRpcServer({ faults: { failFirst: 1, failWith: 'malformed' } })
    try {
      const src = rpcBlockSource({ url: s.url, ...fast })
      const e = await caught(collect(src.blocks({ fromHeight: 0, toHeight: 3 })))
      expect(e.name).toBe('SourceError')
      expect(e.message).toMatch(/malformed JSON/)
      expect(s.log.length).toBe(1)
      await src.close()
    } finally {
      await s.close()
    }
  })

  test('height beyond the tip → RpcError -8 "Block height out of range"', async () => {
    const src = rpcBlockSource({ url: server.url, batchSize: 8, ...fast })
    const seen: number[] = []
    const e = await caught(
      (async () => {
        for await (const b of src.blocks({ fromHeight: 590, toHeight: 605 })) seen.push(b.height)
      })(),
    )
    expect(e).toBeInstanceOf(RpcError)
    expect((e as RpcError).rpcCode).toBe(-8)
    expect(e.message).toContain('Block height out of range')
    expect(seen).toEqual([590, 591, 592, 593, 594, 595, 596, 597])
    await src.close()
  })

  test('cookie auth: the .cookie file, re-read when the node rotates it', async () => {
    const s = await startTestRpcServer({ cookie: true })
    const dir = mkdtempSync(join(tmpdir(), 'hound-cookie-'))
    try {
      expect(readFileSync(s.cookieFile!, 'utf8')).toMatch(/^__cookie__:[0-9a-f]{64}$/)
      const src = rpcBlockSource({ url: s.baseUrl, cookieFile: s.cookieFile!, ...fast })
      const [b] = await collect(src.blocks({ fromHeight: 170, toHeight: 170 }))
      expect(b!.hash).toBe(fileBlocks[170]!.hash)
      await src.close()
      // A stale cookie (node restarted): the client re-reads the file after the 401.
      const mine = join(dir, '.cookie')
      writeFileSync(mine, '__cookie__:0000')
      const src2 = rpcBlockSource({ url: s.baseUrl, cookieFile: mine, ...fast })
      writeFileSync(mine, readFileSync(s.cookieFile!))
      expect(await src2.tipHeight()).toBe(599)
      await src2.close()
      writeFileSync(mine, '__cookie__:0000')
      const e = await caught(rpcBlockSource({ url: s.baseUrl, cookieFile: mine, ...fast }).tipHeight())
      expect(e.name).toBe('RpcAuthError')
      expect(e.message).not.toContain('0000')
      expect(
        (await caught(Promise.resolve().then(() => new RpcClient({ url: s.baseUrl, cookieFile: join(dir, 'none') }))))
          .name,
      ).toBe('RpcAuthError')
    } finally {
      await s.close()
      rmSync(dir, { recursive: true, force: true })
    }
  })

  test('a reorg while fetching (heights now name other blocks) → retryable SourceError, not a spliced chain', async () => {
    const s = await startTestRpcServer()
    try {
      // Fork from block 5: 5' (nonce changed), then 6'..599' relinked onto it.
      const fork = fileBlocks.map((b) => Uint8Array.from(b.bytes))
      fork[5]![76] = fork[5]![76]! ^ 1
      for (let h = 6; h < fork.length; h++) fork[h]!.set(sha256d(fork[h - 1]!.subarray(0, 80)), 4)
      const src = rpcBlockSource({ url: s.url, batchSize: 8, inFlight: 1, ...fast })
      const seen: number[] = []
      const e = await caught(
        (async () => {
          for await (const b of src.blocks({ fromHeight: 0, toHeight: 40 })) {
            seen.push(b.height)
            if (b.height === 2) s.setBlocks(fork)
          }
        })(),
      )
      expect(e.name).toBe('SourceError')
      expect(e.retryable).toBe(true)
      expect(e.message).toMatch(/does not link to block \d+ .*reorg/)
      // Everything yielded is one consistent chain: the old one up to the point of detection.
      expect(seen[0]).toBe(0)
      expect(seen.length).toBeGreaterThanOrEqual(8)
      expect(seen.length).toBeLessThanOrEqual(16)
      await src.close()
    } finally {
      await s.close()
    }
  })

  test('abort signal stops the fetch', async () => {
    const src = rpcBlockSource({ url: server.url, batchSize: 4, ...fast })
    const ac = new AbortController()
    const seen: number[] = []
    await expect(async () => {
      for await (const b of src.blocks({ fromHeight: 0, toHeight: 599, signal: ac.signal })) {
        seen.push(b.height)
        if (b.height === 5) ac.abort()
      }
    }).rejects.toThrow()
    expect(seen).toEqual([0, 1, 2, 3, 4, 5])
    await src.close()
  })
})

describe('RpcClient', () => {
  test('single-call errors: HTTP 500 with -5 Block not found, HTTP 404 with -32601, -8 bad hash', async () => {
    const c = new RpcClient({ url: server.url, ...fast })
    const e1 = await caught(c.call('getblock', ['00'.repeat(32), 0]))
    expect([e1.name, (e1 as RpcError).rpcCode]).toEqual(['RpcError', -5])
    const e2 = await caught(c.call('getnothing'))
    expect([(e2 as RpcError).rpcCode, e2.message]).toEqual([-32601, expect.stringContaining('Method not found')])
    const e3 = await caught(c.call('getblock', ['abc', 0]))
    expect((e3 as RpcError).rpcCode).toBe(-8)
    const e4 = await caught(
      c.batch([
        { method: 'getblockhash', params: [1] },
        { method: 'getblockhash', params: [9999] },
      ]),
    )
    expect((e4 as RpcError).rpcCode).toBe(-8)
    expect(await c.batch([{ method: 'getblockhash', params: [0] }])).toEqual([networks.mainnet.genesisHash])
    c.close()
  })

  test('replays the recorded bitcoin-etl responses (getblockcount, getblockhash, getblock verbosity 2)', async () => {
    const etl = dataPath('btc/bitcoin-etl')
    const s = await startTestRpcServer({
      replayDirs: [join(etl, 'stream_50001_50002'), join(etl, 'block_0'), join(etl, 'block_1')],
    })
    try {
      const c = new RpcClient({ url: s.url, ...fast })
      expect(await c.call('getblockcount')).toBe(500000)
      const h50001 = JSON.parse(
        readFileSync(join(etl, 'stream_50001_50002/rpc_response_getblockhash_50001.json'), 'utf8'),
      )
      expect(await c.call('getblockhash', [50001])).toBe(h50001)
      expect(h50001).toBe('000000001c920d495e1eeef2452b6d1c6c229a919b28196c103ecffebabee141')
      // Source tip from the recorded getblockcount.
      expect(await rpcBlockSource({ url: s.url, ...fast }).tipHeight()).toBe(500000)
      // Recorded verbose genesis vs the raw genesis we serve: same header fields.
      const verbose = await c.call<{ hash: string; merkleroot: string; nonce: number; height: number }>('getblock', [
        networks.mainnet.genesisHash,
        2,
      ])
      const raw = await c.call<string>('getblock', [networks.mainnet.genesisHash, 0])
      const header = decodeBlockHeader(fromHex(raw))
      expect(verbose.height).toBe(0)
      expect([verbose.hash, verbose.merkleroot, verbose.nonce]).toEqual([header.hash, header.merkleRoot, header.nonce])
      const v1 = await c.call<{ hash: string; previousblockhash: string }>('getblock', [fileBlocks[1]!.hash, 2])
      expect(v1.previousblockhash).toBe(networks.mainnet.genesisHash)
      c.close()
    } finally {
      await s.close()
    }
  })

  test('redactUrl drops credentials; bad URLs are UsageErrors', async () => {
    expect(redactUrl('http://alice:s3cret@10.0.0.2:8332/')).toBe('http://10.0.0.2:8332')
    expect(redactUrl('bob:pw@node:8332')).toBe('http://node:8332')
    expect(new RpcClient({ url: 'u:p@127.0.0.1:8332' }).displayUrl).toBe('http://127.0.0.1:8332')
    expect(new RpcClient({ url: 'http://u:p@node' }).displayUrl).toBe('http://node:8332')
    expect(new RpcClient({ url: 'node', defaultPort: 18443 }).displayUrl).toBe('http://node:18443')
    expect((await caught(Promise.resolve().then(() => new RpcClient({ url: 'ftp://x' })))).name).toBe('UsageError')
  })
})
