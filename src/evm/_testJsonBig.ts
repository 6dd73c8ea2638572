/**
 * Test-only: read ethereum-etl fixtures. JSON Lines whose integers exceed 2^53 are parsed losslessly
 * (every integer literal of 16+ digits becomes a bigint; smaller ones stay numbers), and CSVs become objects.
 * @internal
 */
import { readFileSync } from 'node:fs'
import { dataPath } from '../core/_testData.js'
import { parseCsv } from './parseCsv.js'

const MARK = '~bigint~:'

/** Parse JSON with big integers as bigint (values outside strings only). */
export function parseJsonBig(text: string): unknown {
  let out = ''
  let i = 0
  let inStr = false
  while (i < text.length) {
    const c = text[i]!
    if (inStr) {
      out += c
      if (c === '\\') {
        out += text[i + 1] ?? ''
        i += 2
        continue
      }
      if (c === '"') inStr = false
      i++
      continue
    }
    if (c === '"') {
      inStr = true
      out += c
      i++
      continue
    }
    if ((c >= '0' && c <= '9') || c === '-') {
      let j = i + 1
      while (j < text.length && /[0-9.eE+-]/.test(text[j]!)) j++
      const lit = text.slice(i, j)
      out += /^-?\d{16,}$/.test(lit) ? `"${MARK}${lit}"` : lit
      i = j
      continue
    }
    out += c
    i++
  }
  return JSON.parse(out, (_k, v) => {
    if (typeof v !== 'string' || !v.startsWith(MARK)) return v
    const b = BigInt(v.slice(MARK.length))
    return b > BigInt(Number.MAX_SAFE_INTEGER) || b < -BigInt(Number.MAX_SAFE_INTEGER) ? b : Number(b)
  })
}

export function readJsonLines(rel: string): Record<string, unknown>[] {
  return readFileSync(dataPath(rel), 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => parseJsonBig(l) as Record<string, unknown>)
}

/** A recorded web3 response file → its `result`. */
export function readRpcResult(rel: string): unknown {
  return (JSON.parse(readFileSync(dataPath(rel), 'utf8')) as { result: unknown }).result
}

export function readCsvObjects(rel: string): Record<string, string>[] {
  const t = parseCsv(readFileSync(dataPath(rel), 'utf8'))
  const h = t[0] ?? []
  return t
    .slice(1)
    .filter((r) => r.length === h.length)
    .map((r) => Object.fromEntries(h.map((k, i) => [k, r[i]!])))
}
