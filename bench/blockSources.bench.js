// Block sources: blk-dir indexing and yielding vs a naive read-everything reader; RPC batching vs single calls.
// Run after `npm run build`: node --expose-gc bench/blockSources.bench.js [smallBlocks=200000] [bigBlocks=200]
// Synthetic chains are real blocks re-linked (prev hash rewritten, nonce varied); merkle/PoW are not valid,
// which does not matter to a source (it reads frames and headers only).
import { createHash } from 'node:crypto'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { Worker } from 'node:worker_threads'
import { readBlkDir } from '../dist/btc/readBlkDir.js'
import { rpcBlockSource } from '../dist/btc/rpcBlockSource.js'

const data = resolve(import.meta.dirname, '../../shared/data')
const smallN = Number(process.argv[2] ?? 200_000)
const bigN = Number(process.argv[3] ?? 200)
const sha256d = (b) => createHash('sha256').update(createHash('sha256').update(b).digest()).digest()
const gc = () => globalThis.gc?.()
const mb = (n) => (n / 1e6).toFixed(1)

function splitBlk(file) {
  const b = readFileSync(file)
  const out = []
  for (let p = 0; p < b.length; ) {
    const len = b.readUInt32LE(p + 4)
    out.push(b.subarray(p + 8, p + 8 + len))
    p += 8 + len
  }
  return out
}

/** Write a chain of `n` copies of `template` (relinked) into blk files of at most `fileSize` bytes. */
function writeChain(dir, template, n, fileSize) {
  const magic = Buffer.from('f9beb4d9', 'hex')
  let prev = sha256d(template.subarray(0, 80)) // the template itself is not written; block 0 links to it
  let file = 0
  let parts = []
  let size = 0
  const flush = () => {
    writeFileSync(join(dir, `blk${String(file++).padStart(5, '0')}.dat`), Buffer.concat(parts))
    parts = []
    size = 0
  }
  for (let i = 0; i < n; i++) {
    const b = Buffer.from(template)
    prev.copy(b, 4)
    b.writeUInt32LE(i, 76)
    prev = sha256d(b.subarray(0, 80))
    const h = Buffer.alloc(8)
    magic.copy(h)
    h.writeUInt32LE(b.length, 4)
    parts.push(h, b)
    size += 8 + b.length
    if (size >= fileSize) flush()
  }
  if (parts.length) flush()
  return file
}

/** Peer: read every file whole, split records, map hashes, order by prev links (all bytes in memory). */
function naive(dir, files) {
  const byPrev = new Map()
  const hashes = new Set()
  let bytes = 0
  for (let f = 0; f < files; f++) {
    for (const b of splitBlk(join(dir, `blk${String(f).padStart(5, '0')}.dat`))) {
      const h = sha256d(b.subarray(0, 80)).toString('hex')
      byPrev.set(Buffer.from(b.subarray(4, 36)).toString('hex'), { h, b })
      hashes.add(h)
      bytes += b.length
    }
  }
  let start = null
  for (const [prev, v] of byPrev) if (!hashes.has(prev)) start = v
  let n = 0
  for (let v = start; v; v = byPrev.get(v.h)) n++
  return { n, bytes }
}

async function time(fn) {
  gc()
  const heap0 = process.memoryUsage().heapUsed
  const rss0 = process.memoryUsage().rss
  const t = performance.now()
  const r = await fn()
  const ms = performance.now() - t
  const heap = process.memoryUsage().heapUsed - heap0
  const rss = process.memoryUsage().rss - rss0
  return { r, ms, heap, rss }
}

const rows = []
async function blkCase(name, template, n, fileSize) {
  const dir = mkdtempSync(join(tmpdir(), 'hound-bench-blk-'))
  try {
    const files = writeChain(dir, template, n, fileSize)
    const total = n * (template.length + 8)
    const src = readBlkDir([dir], { startHeight: 1 })
    const ix = await time(() => src.index())
    const len = ix.r.tipHeight - ix.r.firstHeight + 1
    if (len !== n) throw new Error(`indexed ${len}`)
    rows.push({
      case: `${name}: index (headers only)`,
      blocks: n,
      MB: mb(total),
      ms: Math.round(ix.ms),
      'blocks/s': Math.round(n / (ix.ms / 1000)),
      'heap MB': mb(ix.heap),
      'B/block': Math.round(ix.heap / n),
    })
    const it = await time(async () => {
      let c = 0
      let bytes = 0
      for await (const b of src.blocks({ fromHeight: 0 })) {
        c++
        bytes += b.bytes.length
      }
      return { c, bytes }
    })
    rows.push({
      case: `${name}: yield all (re-read)`,
      blocks: it.r.c,
      MB: mb(it.r.bytes),
      ms: Math.round(it.ms),
      'blocks/s': Math.round(it.r.c / (it.ms / 1000)),
      'MB/s': mb(it.r.bytes / (it.ms / 1000)),
    })
    const nv = await time(() => naive(dir, files))
    if (nv.r.n !== n) throw new Error(`naive found ${nv.r.n}`)
    rows.push({
      case: `${name}: peer naive (read all, map)`,
      blocks: n,
      MB: mb(nv.r.bytes),
      ms: Math.round(nv.ms),
      'blocks/s': Math.round(n / (nv.ms / 1000)),
      'heap MB': mb(nv.heap),
      'rss MB': mb(nv.rss),
    })
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

/** Minimal Core-shaped JSON-RPC server in a worker thread (the test node is not part of the build; a worker so
 * that node and client use separate cores, as a real bitcoind would). */
const nodeWorker = `
const { parentPort, workerData } = require('node:worker_threads')
const http = require('node:http')
const { createHash } = require('node:crypto')
const sha256d = (b) => createHash('sha256').update(createHash('sha256').update(b).digest()).digest()
const blocks = workerData.blocks.map((b) => Buffer.from(b))
const hashes = blocks.map((b) => Buffer.from(sha256d(b.subarray(0, 80))).reverse().toString('hex'))
const byHash = new Map(hashes.map((h, i) => [h, blocks[i]]))
const one = (r) => {
  if (r.method === 'getblockcount') return { result: blocks.length - 1, error: null, id: r.id }
  if (r.method === 'getblockhash') return { result: hashes[r.params[0]], error: null, id: r.id }
  if (r.method === 'getblock') return { result: byHash.get(r.params[0]).toString('hex'), error: null, id: r.id }
  return { result: null, error: { code: -32601, message: 'Method not found' }, id: r.id }
}
const server = http.createServer((req, res) => {
  const chunks = []
  req.on('data', (c) => chunks.push(c))
  req.on('end', () => {
    const body = JSON.parse(Buffer.concat(chunks).toString())
    res.writeHead(200, { 'content-type': 'application/json' })
    res.end(JSON.stringify(Array.isArray(body) ? body.map(one) : one(body)) + '\\n')
  })
})
server.listen(0, '127.0.0.1', () => parentPort.postMessage(server.address().port))
`
async function miniNode(blocks) {
  const w = new Worker(nodeWorker, { eval: true, workerData: { blocks: blocks.map((b) => new Uint8Array(b)) } })
  const port = await new Promise((r) => w.once('message', r))
  return { url: `http://u:p@127.0.0.1:${port}`, close: () => w.terminate() }
}

async function rpcCase(name, blocks, settings) {
  const node = await miniNode(blocks)
  try {
    for (const [batchSize, inFlight] of settings) {
      const src = rpcBlockSource({ url: node.url, batchSize, inFlight })
      const t = performance.now()
      let c = 0
      let bytes = 0
      for await (const b of src.blocks({ fromHeight: 0 })) {
        c++
        bytes += b.bytes.length
      }
      const ms = performance.now() - t
      await src.close()
      rows.push({
        case: `${name}: rpc batch ${batchSize} × ${inFlight} in flight${batchSize === 1 && inFlight === 1 ? ' (peer: one call at a time)' : ''}`,
        blocks: c,
        MB: mb(bytes),
        ms: Math.round(ms),
        'blocks/s': Math.round(c / (ms / 1000)),
        'MB/s': mb(bytes / (ms / 1000)),
      })
    }
  } finally {
    await node.close()
  }
}

const genesis = splitBlk(join(data, 'btc/nbitcoin/blk00000.dat'))[0]
const big = readFileSync(join(data, 'btc/bcoin/block426884.raw'))
await blkCase(`${smallN} small blocks (285 B)`, genesis, smallN, 128 * 1024 * 1024)
await blkCase(`${bigN} blocks of 996 kB`, big, bigN, 128 * 1024 * 1024)
const nb = [...splitBlk(join(data, 'btc/nbitcoin/blk00000.dat')), ...splitBlk(join(data, 'btc/nbitcoin/blk00001.dat'))]
await rpcCase('600 nbitcoin blocks', nb, [
  [1, 1],
  [8, 1],
  [8, 3],
  [32, 4],
])
const bigChain = []
{
  let prev = sha256d(big.subarray(0, 80))
  for (let i = 0; i < 60; i++) {
    const b = Buffer.from(big)
    prev.copy(b, 4)
    b.writeUInt32LE(i, 76)
    prev = sha256d(b.subarray(0, 80))
    bigChain.push(b)
  }
}
// The chain must link from height 0: prepend nothing; rpc source checks links only between yielded blocks.
await rpcCase('60 blocks of 996 kB', bigChain, [
  [1, 1],
  [1, 3],
  [2, 3],
  [8, 3],
])
console.table(rows)
