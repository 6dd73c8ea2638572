/**
 * The case report: one self-contained HTML page (inline CSS and SVG, no script, no external resource) with the
 * seeds and parameters, the data version, the cash-out table, a Sankey diagram and a flow graph of the paths, the
 * endpoints with their evidence (outputs and paths), and — for `--policy all` — the policy comparison.
 * @module
 */
import type { PolicyResult } from '../buildPolicyResult.js'
import { isMultiTrace, policyResults, type TraceResult } from '../runTrace.js'
import { cashOutByEntity, cashOutRows } from './cashOutRows.js'
import { escapeHtml as h } from './escapeHtml.js'
import { flowGraphSvg } from './flowGraphSvg.js'
import { sankeySvg } from './sankeySvg.js'

const btc = (sats: number) => {
  const neg = sats < 0
  const s = Math.abs(sats).toString().padStart(9, '0')
  return `${neg ? '-' : ''}${s.slice(0, -8)}.${s.slice(-8)}`
}
const iso = (t: number) => new Date(t * 1000).toISOString().replace('.000Z', 'Z')

const CSS = `body{font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:24px auto;max-width:1200px;color:#1f2933;padding:0 16px}
h1{font-size:22px}h2{font-size:18px;border-bottom:1px solid #cbd2d9;padding-bottom:4px;margin-top:32px}h3{font-size:15px}
table{border-collapse:collapse;font-size:13px;margin:8px 0}th,td{border:1px solid #cbd2d9;padding:3px 7px;text-align:left;vertical-align:top}
th{background:#f5f7fa}td.n{text-align:right;font-variant-numeric:tabular-nums}code{font-size:11px;word-break:break-all}
.note{color:#52606d;font-size:13px}.prob{color:#b44d12}svg{max-width:100%;height:auto;border:1px solid #e4e7eb;background:#fff}.scroll{overflow-x:auto}.scroll svg.flow{max-width:none}
details{margin:4px 0}summary{cursor:pointer}`

/** The primary policy shown in diagrams: haircut if traced, else the first. */
export function primaryPolicy(r: TraceResult): PolicyResult {
  const all = policyResults(r)
  return all.find((p) => p.policy === 'haircut') ?? all[0]!
}

function kv(rows: [string, string | number | boolean | null][]): string {
  return `<table>${rows.map(([k, v]) => `<tr><th>${h(k)}</th><td>${h(v === null ? '—' : String(v))}</td></tr>`).join('')}</table>`
}

function cashOutSection(p: PolicyResult): string {
  const rows = cashOutRows(p)
  if (rows.length === 0) {
    return `<p class="note">No labelled service received funds under ${h(p.policy)} (with the labels loaded). See the endpoints below.</p>`
  }
  const byEntity = cashOutByEntity(p)
  return `<table><tr><th>Service</th><th>Category</th><th>Addresses</th><th>Amount (BTC)</th></tr>${byEntity
    .map(
      (e) =>
        `<tr><td>${h(e.entity)}</td><td>${h(e.category)}</td><td class="n">${e.addresses}</td><td class="n">${btc(e.amount)}</td></tr>`,
    )
    .join('')}</table>
<table><tr><th>Service</th><th>Deposit address</th><th>Amount (BTC)</th><th>Incident</th><th>First received</th><th>Last received</th><th>Hops</th><th>Outputs (evidence)</th></tr>${rows
    .map(
      (r) =>
        `<tr><td>${h(r.entity)} <span class="note">(${h(r.category)})</span></td><td><code>${h(r.address ?? '—')}</code></td><td class="n">${btc(r.amount)}${r.probabilistic ? ' <span class="prob">probabilistic</span>' : ''}</td><td>${h(
          Object.entries(r.byLabel)
            .map(([l, v]) => `${l}: ${btc(v)}`)
            .join('; '),
        )}</td><td>${iso(r.firstTime)}</td><td>${iso(r.lastTime)}</td><td class="n">${r.hops}</td><td>${r.outputs.map((x) => `<code>${h(x)}</code>`).join('<br>')}</td></tr>`,
    )
    .join('')}</table>`
}

function endpointsSection(p: PolicyResult, limit: number): string {
  const rows = p.endpoints.slice(0, limit)
  return `<table><tr><th>#</th><th>Endpoint</th><th>Label</th><th>Cluster</th><th>Amount (BTC)</th><th>Hops</th><th>Reason</th><th>First</th><th>Last</th><th>Evidence</th></tr>${rows
    .map(
      (e, k) =>
        `<tr><td class="n">${k + 1}</td><td><code>${h(e.address ?? '(no address)')}</code></td><td>${h(e.label ? `${e.label} (${e.category})` : '')}</td><td><code>${h(e.cluster ?? '')}</code></td><td class="n">${btc(e.amount)}${e.probabilistic ? ' <span class="prob">probabilistic</span>' : ''}</td><td class="n">${e.hops}</td><td>${h(e.reason)}</td><td>${iso(e.firstTime)}</td><td>${iso(e.lastTime)}</td><td><details><summary>${e.outputs.length} output(s), path of ${e.path.length} tx</summary>Outputs:<br>${e.outputs
          .map((x) => `<code>${h(x)}</code>`)
          .join(
            '<br>',
          )}<br>Path (seed first):<br>${e.path.map((t) => `<code>${h(t)}</code>`).join(' →<br>')}</details></td></tr>`,
    )
    .join(
      '',
    )}</table>${p.endpoints.length > limit ? `<p class="note">${p.endpoints.length - limit} more endpoints in endpoints.csv and trace.json.</p>` : ''}`
}

export function renderReport(
  r: TraceResult,
  o: { title?: string; generatedAt?: Date; endpointLimit?: number } = {},
): string {
  const all = policyResults(r)
  const main = primaryPolicy(r)
  const incidents = [...new Set(r.seeds.map((s) => s.label))]
  const title = o.title ?? `Trace report: ${incidents.join(', ')}`
  const params = r.params
  const body: string[] = []
  body.push(`<h1>${h(title)}</h1>`)
  body.push(
    `<p class="note">Generated ${h((o.generatedAt ?? new Date()).toISOString())} by Ledgerhound. Amounts in BTC (stored and computed as integer satoshi). ${all.length > 1 ? `Diagrams show the ${h(main.policy)} policy.` : ''}</p>`,
  )
  body.push('<h2>Seeds and parameters</h2>')
  body.push(
    `<table><tr><th>Seed</th><th>Kind</th><th>Incident label</th><th>Outputs</th></tr>${r.seeds
      .map(
        (s) =>
          `<tr><td><code>${h(s.seed)}</code></td><td>${h(s.kind)}</td><td>${h(s.label)}</td><td class="n">${s.outputs}</td></tr>`,
      )
      .join('')}</table>`,
  )
  body.push(
    kv([
      ['Policy', params.policy],
      ['Direction', params.direction],
      ['Fee convention', params.feeConvention],
      ['Max hops', params.maxHops],
      ['Min amount (sat)', params.minAmount],
      ['Stop at services', params.stopAtServices],
      ['CoinJoin', params.coinjoin],
      ['From time', params.fromTime === null ? null : iso(params.fromTime)],
      ['To time', params.toTime === null ? null : iso(params.toTime)],
      ['Seeded value (BTC)', btc(main.taintedIn)],
    ]),
  )
  body.push('<h3>Data version</h3>')
  body.push(kv(Object.entries(r.dataVersion).map(([k, v]) => [k, v] as [string, string | number | null])))
  body.push('<h2>Cash-out points</h2>')
  body.push(
    '<p class="note">Labelled services (exchanges, mixers, bridges, OTC desks…) that received traced funds: the deposit addresses, amounts and times to send with a freeze request. The outputs are the on-chain evidence.</p>',
  )
  for (const p of all) {
    if (all.length > 1) body.push(`<h3>${h(p.policy)}</h3>`)
    body.push(cashOutSection(p))
  }
  body.push(`<h2>Where the value went (${h(main.policy)})</h2>`)
  body.push(sankeySvg(main))
  body.push(`<h2>Flow graph of the largest paths (${h(main.policy)})</h2>`)
  body.push(`<div class="scroll">${flowGraphSvg(main)}</div>`)
  body.push('<h2>Summary per policy</h2>')
  body.push(
    `<table><tr><th>Policy</th><th>Endpoints</th><th>At endpoints (BTC)</th><th>Fees (BTC)</th><th>Txs evaluated</th><th>Outputs tainted</th><th>Time (ms)</th></tr>${all
      .map(
        (p) =>
          `<tr><td>${h(p.policy)}</td><td class="n">${p.endpoints.length}</td><td class="n">${btc(p.stats.endpointAmount)}</td><td class="n">${btc(p.fees.total)}</td><td class="n">${p.stats.txsEvaluated}</td><td class="n">${p.stats.outputsTainted}</td><td class="n">${p.stats.ms.toFixed(1)}</td></tr>`,
      )
      .join('')}</table>`,
  )
  if (all.some((p) => p.policy === 'poison')) {
    body.push('<p class="note">Poison does not conserve value: its amounts are upper bounds (whole outputs).</p>')
  }
  if (isMultiTrace(r)) {
    const c = r.comparison
    body.push('<h2>Policy comparison</h2>')
    body.push(
      `<p>Endpoints reached by every policy: <b>${c.everyPolicy.length}</b>; by any policy: <b>${c.anyPolicy.length}</b>. The intersection gives the most reliable leads.</p>`,
    )
    const pols = r.policies.map((p) => p.policy)
    const rows = [...c.amounts]
      .sort((a, b) => Math.max(...Object.values(b.byPolicy)) - Math.max(...Object.values(a.byPolicy)))
      .slice(0, o.endpointLimit ?? 100)
    body.push(
      `<table><tr><th>Endpoint</th><th>Label</th>${pols.map((p) => `<th>${h(p)}</th>`).join('')}<th>All policies</th></tr>${rows
        .map(
          (a) =>
            `<tr><td><code>${h(a.endpoint)}</code></td><td>${h(a.label ?? '')}</td>${pols.map((p) => `<td class="n">${btc(a.byPolicy[p] ?? 0)}</td>`).join('')}<td>${c.everyPolicy.includes(a.endpoint) ? 'yes' : ''}</td></tr>`,
        )
        .join('')}</table>`,
    )
  }
  for (const p of all) {
    body.push(`<h2>Endpoints and evidence (${h(p.policy)})</h2>`)
    body.push(endpointsSection(p, o.endpointLimit ?? 200))
  }
  body.push(
    '<h2>Method</h2><p class="note">Taint policies as defined in the project reference (heuristics.md §4): poison (upper bound), haircut (proportional, floor per output, remainder to the fee), FIFO/LIFO/TIHO (order of value kept inside every output, fee last). Endpoints are where the trace stopped, with the reason. CoinJoin results marked probabilistic carry 1/anonymity-set of the value per equal output and are not evidence of ownership.</p>',
  )
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${h(title)}</title><style>${CSS}</style></head>
<body>
${body.join('\n')}
</body></html>
`
}
