// Simulator generation speed: txs/s, MB/s of blk files, peak RSS, and RSS sampled along the run (memory must not
// grow with the chain). Peer: bitcoinjs-lib decoding + re-serialising + hashing the same blocks (what an
// independent library needs just to read and write back what the simulator generated, economy and truth aside).
// Run after `npm run build`: node bench/sim.bench.js [txs=100000 ...]   e.g. node bench/sim.bench.js 100000 5000000
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { simulate } from '../dist/sim/simulate.js'

const require = createRequire(import.meta.url)
const { Block } = require('bitcoinjs-lib')
const sizes = process.argv.slice(2).map(Number)
if (sizes.length === 0) sizes.push(100_000)
const rows = []

for (const txs of sizes) {
  const dir = mkdtempSync(join(tmpdir(), 'simbench-'))
  const rss = []
  let last = 0
  const cpu0 = process.cpuUsage()
  const s = simulate({
    seed: 'bench',
    txs,
    network: 'regtest',
    outDir: dir,
    onBlock: (b) => {
      if (b.txs - last >= txs / 10) {
        last = b.txs
        rss.push(Math.round(process.memoryUsage().rss / 1e6))
      }
    },
  })
  const cpu = process.cpuUsage(cpu0)
  const cpuSec = (cpu.user + cpu.system) / 1e6
  rows.push({
    what: `ledgerhound sim ${txs.toLocaleString('en-US')} txs`,
    blocks: s.blocks,
    seconds: s.seconds.toFixed(1),
    cpuSeconds: cpuSec.toFixed(1),
    txPerSec: Math.round(s.txs / s.seconds),
    txPerCpuSec: Math.round(s.txs / cpuSec),
    MB: (s.bytes / 1e6).toFixed(0),
    MBps: (s.bytes / 1e6 / s.seconds).toFixed(1),
    peakRssMB: Math.round(process.resourceUsage().maxRSS / 1024),
    rssAlongRunMB: rss.join(' '),
    liveCoins: s.liveCoins,
  })
  if (txs <= 1_000_000) {
    // peer: bitcoinjs-lib decode + toBuffer + getId over the same blk file(s)
    const t0 = performance.now()
    let n = 0
    for (const f of s.files) {
      const buf = readFileSync(join(dir, f))
      for (let p = 0; p < buf.length; ) {
        const len = buf.readUInt32LE(p + 4)
        const b = Block.fromBuffer(buf.subarray(p + 8, p + 8 + len))
        for (const t of b.transactions) {
          t.toBuffer()
          t.getId()
          n++
        }
        p += 8 + len
      }
    }
    const sec = (performance.now() - t0) / 1000
    rows.push({
      what: '  peer: bitcoinjs-lib decode+encode+txid of that chain',
      seconds: sec.toFixed(1),
      txPerSec: Math.round(n / sec),
    })
  }
  rmSync(dir, { recursive: true, force: true })
}
console.table(rows)
