/**
 * A three-column Sankey diagram as inline SVG: incident labels → destinations (top services/addresses, the rest
 * grouped) → stop reason, plus the fees. Link widths are proportional to satoshi; no script, no external resource.
 * @module
 */
import type { PolicyResult } from '../buildPolicyResult.js'
import { escapeHtml } from './escapeHtml.js'

type Node = { id: string; col: number; name: string; value: number; y: number; h: number; inY: number; outY: number }
type Link = { from: string; to: string; value: number }

const PALETTE = ['#4e79a7', '#f28e2b', '#e15759', '#76b7b2', '#59a14f', '#edc948', '#b07aa1', '#ff9da7', '#9c755f']

export function sankeySvg(r: PolicyResult, o: { width?: number; height?: number; top?: number } = {}): string {
  const width = o.width ?? 960
  const height = o.height ?? 420
  const top = o.top ?? 12
  const links = new Map<string, Link>()
  const addLink = (from: string, to: string, value: number) => {
    if (value <= 0) return
    const k = `${from}→${to}`
    const l = links.get(k) ?? { from, to, value: 0 }
    l.value += value
    links.set(k, l)
  }
  const sorted = [...r.endpoints].sort((a, b) => b.amount - a.amount)
  const topKeys = new Set(sorted.slice(0, top).map((e) => e))
  for (const e of sorted) {
    const dest = topKeys.has(e)
      ? `d:${e.label ? `${e.label} (${e.category})` : (e.address ?? e.outputs[0] ?? '?')}`
      : 'd:other endpoints'
    const labels = Object.entries(e.byLabel)
    const totalL = labels.reduce((s, [, v]) => s + v, 0)
    for (const [l, v] of labels) {
      // poison counts the whole value once per label; scale so the link sums to the endpoint amount
      addLink(`s:${l}`, dest, totalL > e.amount ? Math.round((v * e.amount) / totalL) : v)
    }
    addLink(dest, `r:${e.reason}${e.probabilistic ? ' (probabilistic)' : ''}`, e.amount)
  }
  for (const [l, v] of Object.entries(r.fees.byLabel)) {
    addLink(`s:${l}`, 'd:miner fees', v)
    addLink('d:miner fees', 'r:fee', v)
  }
  const nodes = new Map<string, Node>()
  const node = (id: string): Node => {
    let n = nodes.get(id)
    if (!n) {
      const col = id.startsWith('s:') ? 0 : id.startsWith('d:') ? 1 : 2
      n = { id, col, name: id.slice(2), value: 0, y: 0, h: 0, inY: 0, outY: 0 }
      nodes.set(id, n)
    }
    return n
  }
  for (const l of links.values()) {
    node(l.from)
    node(l.to)
  }
  for (const n of nodes.values()) {
    let i = 0
    let out = 0
    for (const l of links.values()) {
      if (l.to === n.id) i += l.value
      if (l.from === n.id) out += l.value
    }
    n.value = Math.max(i, out)
  }
  const cols = [0, 1, 2].map((c) => [...nodes.values()].filter((n) => n.col === c).sort((a, b) => b.value - a.value))
  const pad = 8
  const nodeW = 14
  const usable = height - 40
  const maxTotal = Math.max(1, ...cols.map((c) => c.reduce((s, n) => s + n.value, 0)))
  const maxCount = Math.max(1, ...cols.map((c) => c.length))
  const scale = (usable - pad * (maxCount - 1)) / maxTotal
  const xs = [170, width / 2 - nodeW / 2, width - 190]
  for (const c of cols) {
    let y = 20
    for (const n of c) {
      n.h = Math.max(1, n.value * scale)
      n.y = y
      n.inY = y
      n.outY = y
      y += n.h + pad
    }
  }
  const colorOf = new Map<string, string>()
  cols[0]!.forEach((n, k) => {
    colorOf.set(n.id, PALETTE[k % PALETTE.length]!)
  })
  const parts: string[] = []
  parts.push(
    `<svg xmlns="http://www.w3.org/2000/svg" class="sankey" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img" aria-label="Sankey diagram of tainted value (${escapeHtml(r.policy)})">`,
  )
  const linkList = [...links.values()].sort((a, b) => b.value - a.value)
  for (const l of linkList) {
    const a = nodes.get(l.from)!
    const b = nodes.get(l.to)!
    const w = Math.max(1, l.value * scale)
    const x0 = xs[a.col]! + nodeW
    const x1 = xs[b.col]!
    const y0 = a.outY + w / 2
    const y1 = b.inY + w / 2
    a.outY += w
    b.inY += w
    const mx = (x0 + x1) / 2
    const color = colorOf.get(l.from) ?? '#9aa5b1'
    parts.push(
      `<path d="M${x0.toFixed(1)},${y0.toFixed(1)} C${mx.toFixed(1)},${y0.toFixed(1)} ${mx.toFixed(1)},${y1.toFixed(1)} ${x1.toFixed(1)},${y1.toFixed(1)}" fill="none" stroke="${color}" stroke-opacity="0.45" stroke-width="${w.toFixed(1)}"><title>${escapeHtml(`${a.name} → ${b.name}: ${l.value} sat`)}</title></path>`,
    )
  }
  for (const n of nodes.values()) {
    const x = xs[n.col]!
    parts.push(
      `<rect x="${x}" y="${n.y.toFixed(1)}" width="${nodeW}" height="${n.h.toFixed(1)}" fill="${colorOf.get(n.id) ?? '#52606d'}"><title>${escapeHtml(`${n.name}: ${n.value} sat`)}</title></rect>`,
    )
    const anchor = n.col === 0 ? 'end' : 'start'
    const tx = n.col === 0 ? x - 6 : x + nodeW + 6
    const max = n.col === 1 ? 24 : 30
    const label = n.name.length > max ? `${n.name.slice(0, max - 7)}…${n.name.slice(-6)}` : n.name
    parts.push(
      `<text x="${tx}" y="${(n.y + n.h / 2 + 4).toFixed(1)}" text-anchor="${anchor}" font-size="11">${escapeHtml(label)} · ${escapeHtml((n.value / 1e8).toFixed(8))}</text>`,
    )
  }
  parts.push('</svg>')
  return parts.join('\n')
}
