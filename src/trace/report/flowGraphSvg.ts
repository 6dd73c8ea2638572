/**
 * A layered flow graph of the paths as inline SVG: transactions in columns by their position on the path from the
 * seed, edges between consecutive transactions, endpoints in the last column. Shows the largest endpoints' paths.
 * Long paths (peel chains run to 100+ hops) keep their first and last hops and fold the middle into one "+N txs"
 * node, so the picture stays readable; the full paths are in the endpoint evidence tables and trace.json.
 * @module
 */
import type { PolicyResult } from '../buildPolicyResult.js'
import { escapeHtml } from './escapeHtml.js'

/** Paths longer than this are folded: first FOLD_KEEP and last FOLD_KEEP hops kept, the middle as one node. */
const FOLD_OVER = 8
const FOLD_KEEP = 3

/** Node ids along a path: `t:<txid>` per transaction, `m:<first>|<last>|<n>` for a folded middle. */
export function foldPath(path: readonly string[]): string[] {
  if (path.length <= FOLD_OVER) return path.map((t) => `t:${t}`)
  const n = path.length - 2 * FOLD_KEEP
  const head = path.slice(0, FOLD_KEEP).map((t) => `t:${t}`)
  const tail = path.slice(-FOLD_KEEP).map((t) => `t:${t}`)
  return [...head, `m:${path[FOLD_KEEP]}|${path[path.length - FOLD_KEEP - 1]}|${n}`, ...tail]
}

export function flowGraphSvg(r: PolicyResult, o: { maxEndpoints?: number; width?: number } = {}): string {
  const chosen = [...r.endpoints].sort((a, b) => b.amount - a.amount).slice(0, o.maxEndpoints ?? 15)
  const folded = chosen.map((e) => foldPath(e.path))
  const depth = Math.max(1, ...folded.map((p) => p.length))
  const col = new Map<string, number>()
  const row = new Map<string, number>()
  const perCol: number[] = new Array(depth + 1).fill(0)
  const edges = new Map<string, number>()
  const place = (id: string, c: number) => {
    if (col.has(id)) return
    col.set(id, c)
    row.set(id, perCol[c]!++)
  }
  chosen.forEach((e, k) => {
    const nodes = folded[k]!
    nodes.forEach((id, i) => {
      place(id, i)
      if (i > 0) {
        const key = `${nodes[i - 1]}>${id}`
        edges.set(key, (edges.get(key) ?? 0) + e.amount)
      }
    })
    const end = `e:${k}`
    place(end, depth)
    const last = nodes[nodes.length - 1]
    if (last !== undefined) edges.set(`${last}>${end}`, e.amount)
  })
  const rows = Math.max(1, ...perCol)
  const width = o.width ?? Math.max(640, (depth + 1) * 150 + 200)
  const colW = (width - 220) / Math.max(1, depth)
  const rowH = 34
  const height = rows * rowH + 30
  const xy = (id: string): [number, number] => [20 + (col.get(id) ?? 0) * colW, 20 + (row.get(id) ?? 0) * rowH]
  const maxAmt = Math.max(1, ...chosen.map((e) => e.amount))
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" class="flow" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img" aria-label="Flow graph of traced paths (${escapeHtml(r.policy)})">`,
  ]
  for (const [key, amount] of edges) {
    const [a, b] = key.split('>') as [string, string]
    const [x0, y0] = xy(a)
    const [x1, y1] = xy(b)
    const w = 1 + (5 * amount) / maxAmt
    parts.push(
      `<line x1="${x0 + 60}" y1="${y0 + 8}" x2="${x1}" y2="${y1 + 8}" stroke="#7b8794" stroke-width="${w.toFixed(1)}"><title>${escapeHtml(`${amount} sat`)}</title></line>`,
    )
  }
  for (const id of col.keys()) {
    const [x, y] = xy(id)
    if (id.startsWith('t:')) {
      const txid = id.slice(2)
      parts.push(
        `<rect x="${x}" y="${y}" width="60" height="16" rx="3" fill="#e4e7eb" stroke="#52606d"><title>${escapeHtml(txid)}</title></rect><text x="${x + 4}" y="${y + 12}" font-size="10" font-family="monospace">${escapeHtml(txid.slice(0, 8))}</text>`,
      )
    } else if (id.startsWith('m:')) {
      const [first, last, n] = id.slice(2).split('|') as [string, string, string]
      parts.push(
        `<rect x="${x}" y="${y}" width="60" height="16" rx="3" fill="#fff" stroke="#52606d" stroke-dasharray="3 2"><title>${escapeHtml(`${n} transactions folded: ${first} … ${last}`)}</title></rect><text x="${x + 4}" y="${y + 12}" font-size="10">+${escapeHtml(n)} txs</text>`,
      )
    } else {
      const e = chosen[Number(id.slice(2))]!
      const name = e.label ? `${e.label} (${e.category})` : (e.address ?? e.outputs[0] ?? '?')
      const fill = e.reason === 'service' ? '#f8d7da' : e.reason === 'unspent' ? '#d4edda' : '#fff3cd'
      parts.push(
        `<rect x="${x}" y="${y}" width="190" height="16" rx="3" fill="${fill}" stroke="#52606d"><title>${escapeHtml(`${name}: ${e.amount} sat, ${e.reason}`)}</title></rect><text x="${x + 4}" y="${y + 12}" font-size="10">${escapeHtml(name.length > 18 ? `${name.slice(0, 17)}…` : name)} ${escapeHtml((e.amount / 1e8).toFixed(4))}</text>`,
      )
    }
  }
  parts.push('</svg>')
  return parts.join('\n')
}
