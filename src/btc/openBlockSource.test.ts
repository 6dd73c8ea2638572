import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { dataPath } from '../core/_testData.js'
import { HoundError } from '../core/errors.js'
import type { RawBlock } from '../ingest/types.js'
import { startTestRpcServer, type TestRpcServer } from './_testRpcServer.js'
import { toHex } from './hash.js'
import { openBlockSource } from './openBlockSource.js'
import { BlkDirSource } from './readBlkDir.js'
import { RpcBlockSource } from './rpcBlockSource.js'

async function collect(it: AsyncIterable<RawBlock>): Promise<RawBlock[]> {
  const out: RawBlock[] = []
  for await (const b of it) out.push(b)
  return out
}

function usage(f: () => unknown): HoundError {
  try {
    f()
  } catch (e) {
    expect(e).toBeInstanceOf(HoundError)
    return e as HoundError
  }
  throw new Error('expected a UsageError')
}

let server: TestRpcServer
let dir: string
beforeAll(async () => {
  server = await startTestRpcServer({ cookie: true })
  dir = mkdtempSync(join(tmpdir(), 'hound-open-'))
})
afterAll(async () => {
  await server.close()
  rmSync(dir, { recursive: true, force: true })
})

describe('openBlockSource', () => {
  test('files and RPC give the same blocks', async () => {
    const files = openBlockSource({ blocks: [dataPath('btc/nbitcoin')], network: 'mainnet' })
    expect(files).toBeInstanceOf(BlkDirSource)
    const rpc = openBlockSource({ rpc: server.baseUrl, rpcCookie: server.cookieFile!, network: 'mainnet' })
    expect(rpc).toBeInstanceOf(RpcBlockSource)
    expect(rpc.describe()).toBe(`rpc ${server.baseUrl}`)
    const a = await collect(files.blocks({ fromHeight: 250, toHeight: 350 }))
    const b = await collect(rpc.blocks({ fromHeight: 250, toHeight: 350 }))
    expect(a.length).toBe(101)
    expect(b.map((x) => [x.height, x.hash, toHex(x.bytes)])).toEqual(a.map((x) => [x.height, x.hash, toHex(x.bytes)]))
    expect(await files.network()).toBe('mainnet')
    expect(await rpc.network()).toBe('mainnet')
    await rpc.close?.()
  })

  test('content decides the file kind: framed, hex, raw', async () => {
    const raw = readFileSync(dataPath('btc/bcoin/block300025.raw'))
    writeFileSync(join(dir, 'b.txt'), toHex(raw))
    writeFileSync(join(dir, 'b.dat'), raw)
    for (const f of [join(dir, 'b.txt'), join(dir, 'b.dat')]) {
      const [blk] = await collect(openBlockSource({ blocks: [f] }).blocks({ fromHeight: 0 }))
      expect(blk!.height).toBe(300025)
      expect(Buffer.compare(blk!.bytes, raw)).toBe(0)
    }
    const [framed] = await collect(
      openBlockSource({ blocks: [dataPath('btc/btcd/277647.dat')] }).blocks({ fromHeight: 0 }),
    )
    expect(framed!.height).toBe(277647)
  })

  test('network mismatch: files with mainnet magic as testnet; a mainnet node as regtest', async () => {
    const e = await collect(
      openBlockSource({ blocks: [dataPath('btc/nbitcoin')], network: 'testnet' }).blocks({ fromHeight: 0 }),
    ).then(
      () => null,
      (x: HoundError) => x,
    )
    expect(e?.name).toBe('DecodeError')
    const rpc = openBlockSource({ rpc: server.url, network: 'regtest' })
    const e2 = await collect(rpc.blocks({ fromHeight: 0, toHeight: 1 })).then(
      () => null,
      (x: HoundError) => x,
    )
    expect(e2?.name).toBe('SourceError')
    expect(e2?.message).toContain('mainnet node')
    await rpc.close?.()
  })

  test("RPC URL without a port: the network's default Core port", () => {
    expect(openBlockSource({ rpc: 'http://u:p@10.1.2.3' }).describe()).toBe('rpc http://10.1.2.3:8332')
    expect(openBlockSource({ rpc: '10.1.2.3', network: 'regtest' }).describe()).toBe('rpc http://10.1.2.3:18443')
    expect(openBlockSource({ rpc: '10.1.2.3', network: 'signet' }).describe()).toBe('rpc http://10.1.2.3:38332')
  })

  test('bad combinations are UsageErrors', () => {
    expect(usage(() => openBlockSource({})).code).toBe('HOUND_ERR_USAGE')
    expect(usage(() => openBlockSource({ blocks: ['x'], rpc: server.url })).name).toBe('UsageError')
    expect(usage(() => openBlockSource({ rpcCookie: '/x/.cookie', blocks: ['x'] })).name).toBe('UsageError')
    expect(usage(() => openBlockSource({ rpc: server.url, startHeight: 5 })).name).toBe('UsageError')
    expect(usage(() => openBlockSource({ blocks: ['x'], network: 'moonnet' as 'mainnet' })).name).toBe('UsageError')
    expect(usage(() => openBlockSource({ blocks: ['x'], startHeight: -1 })).name).toBe('UsageError')
  })
})
