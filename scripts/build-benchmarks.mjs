#!/usr/bin/env node
// Assemble BENCHMARKS.md from bench/results/_summary.md and the per-area result pages in bench/results/.
import { readdirSync, readFileSync, writeFileSync } from 'node:fs'

const dir = new URL('../bench/results/', import.meta.url)
const order = ['decode', 'blockSources', 'ingest', 'sim', 'cluster', 'trace', 'screen', 'evm', 'share']
const pages = readdirSync(dir)
  .filter((f) => f.endsWith('.md') && !f.startsWith('_'))
  .map((f) => f.slice(0, -3))
  .sort((a, b) => (order.indexOf(a) + 1 || 99) - (order.indexOf(b) + 1 || 99) || a.localeCompare(b))
const parts = [readFileSync(new URL('_summary.md', dir), 'utf8').trim()]
for (const p of pages) parts.push(readFileSync(new URL(`${p}.md`, dir), 'utf8').trim())
writeFileSync(new URL('../BENCHMARKS.md', import.meta.url), `${parts.join('\n\n')}\n`)
console.log(`BENCHMARKS.md: summary + ${pages.length} sections`)
