/**
 * Incidents: a named theft and its seed outputs. Adding one traces the seeds forward with the tracing engine
 * (haircut by default, stopping at labelled services) and turns every address that received taint into a
 * `stolen_funds` label carrying the incident id, the policy and the traced amount — so screening sees it at once.
 * Services reached (cash-out points) are reported but not labelled stolen: they are the victims' counterparties.
 * @module
 */
import { InvalidInputError, NotFoundError } from '../core/errors.js'
import type { Tlp } from '../core/model.js'
import type { UtxoGraph } from '../graph/UtxoGraph.js'
import { bestLabel } from '../risk/Screener.js'
import type { HoundStore } from '../store/HoundStore.js'
import { bumpIntelVersion, ensureIntelSchema, nextId } from '../store/intelSchema.js'
import type { PolicyName } from '../trace/kernel.js'
import { policyNames } from '../trace/kernel.js'
import { traceForward } from '../trace/traceForward.js'
import type { LabelIndex } from './LabelIndex.js'
import { insertLabels, type LabelInput } from './labels.js'

export type IncidentInput = {
  readonly name: string
  /** `txid:vout` outpoints of the stolen funds. */
  readonly seeds: readonly string[]
  readonly chain?: string
  readonly occurredAt?: string | null
  readonly actor?: string | null
  readonly description?: string | null
  readonly tlp?: Tlp
  readonly policy?: PolicyName
  readonly maxHops?: number
}

export type IncidentResult = {
  readonly incidentId: number
  readonly name: string
  readonly policy: PolicyName
  readonly seeds: readonly { seed: string; amount: number }[]
  /** Addresses labelled stolen_funds, with the tainted satoshi they received. */
  readonly labelled: readonly { address: string; amount: number; minHop: number }[]
  readonly services: readonly { address: string; category: string; entity: string; amount: number }[]
  readonly labelsAdded: number
  /** False when the store holds no chain data: the incident is recorded, tracing waits. */
  readonly traced: boolean
}

const OUTPOINT = /^([0-9a-fA-F]{64}):(\d{1,6})$/

export async function addIncident(
  store: HoundStore,
  input: IncidentInput,
  env: { graph: UtxoGraph | null; index: LabelIndex },
): Promise<IncidentResult> {
  const name = input.name.trim()
  if (!name) throw new InvalidInputError('incident name is empty')
  if (input.seeds.length === 0) throw new InvalidInputError('an incident needs at least one seed (txid:vout)')
  const policy = input.policy ?? 'haircut'
  if (!policyNames.includes(policy)) throw new InvalidInputError(`unknown policy ${policy}`)
  const maxHops = input.maxHops ?? 10
  const g = env.graph
  const seedOutputs: { seed: string; output: number; amount: number }[] = []
  for (const s of input.seeds) {
    const m = OUTPOINT.exec(s.trim())
    if (!m) throw new InvalidInputError(`seed '${s}' is not txid:vout`)
    if (!g) {
      seedOutputs.push({ seed: s.trim().toLowerCase(), output: -1, amount: 0 })
      continue
    }
    const t = g.names.txIndex(m[1]!.toLowerCase())
    const vout = Number(m[2])
    if (t < 0 || vout >= g.txOutStart[t + 1]! - g.txOutStart[t]!) {
      throw new NotFoundError(`seed ${s} is not in the store`, { details: { seed: s } })
    }
    const o = g.txOutStart[t]! + vout
    seedOutputs.push({ seed: s.trim().toLowerCase(), output: o, amount: g.outValue[o]! })
  }
  await ensureIntelSchema(store)
  return store.transaction(async () => {
    const incidentId = await nextId(store, 'intel_incidents', 'incident_id')
    await store.run('INSERT INTO intel_incidents VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, now())', [
      incidentId,
      name,
      input.chain ?? 'btc',
      input.occurredAt ?? null,
      input.actor ?? null,
      input.description ?? null,
      input.tlp ?? 'amber',
      policy,
      maxHops,
      g ? new Date().toISOString() : null,
    ])
    for (const s of seedOutputs) {
      await store.run('INSERT INTO intel_incident_seeds VALUES (?, ?, ?)', [incidentId, s.seed, s.amount])
    }
    if (!g) {
      await bumpIntelVersion(store)
      return {
        incidentId,
        name,
        policy,
        seeds: seedOutputs.map(({ seed, amount }) => ({ seed, amount })),
        labelled: [],
        services: [],
        labelsAdded: 0,
        traced: false,
      }
    }
    const serviceOf = (a: number) => {
      const s = g.names.address(a)
      const l = s ? bestLabel(env.index.lookup(s).filter((x) => x.category !== 'stolen_funds')) : null
      return l ? { category: l.category, entity: l.entity } : null
    }
    const run = traceForward(
      g,
      seedOutputs.map((s) => ({ output: s.output, label: 0 })),
      { policies: [policy], maxHops, stopAtServices: true, serviceOf, minAmount: 1 },
    )[0]!
    const perAddr = new Map<number, { amount: number; minHop: number }>()
    const services = new Map<number, number>()
    for (const [o, c] of run.taint) {
      const a = g.outAddr[o]!
      if (a < 0) continue
      let amount = 0
      for (let k = 0; k < c.length; k += 2) if (c[k + 1]! >= 0) amount += policy === 'poison' ? g.outValue[o]! : c[k]!
      if (amount <= 0) continue
      if (run.stop.get(o) === 'service') {
        services.set(a, (services.get(a) ?? 0) + amount)
        continue
      }
      const hop = run.hop.get(o) ?? 0
      const p = perAddr.get(a)
      if (p) {
        p.amount += amount
        p.minHop = Math.min(p.minHop, hop)
      } else perAddr.set(a, { amount, minHop: hop })
    }
    const labelled = [...perAddr]
      .map(([a, v]) => ({ address: g.names.address(a) ?? '', amount: v.amount, minHop: v.minHop }))
      .sort((x, y) => y.amount - x.amount || x.address.localeCompare(y.address))
    const labels: LabelInput[] = labelled.map((l) => ({
      chain: input.chain ?? 'btc',
      address: l.address,
      category: 'stolen_funds',
      entity: name,
      actor: input.actor ?? null,
      source: `incident:${incidentId}`,
      confidence: 'forensic_investigation',
      tlp: input.tlp ?? 'amber',
      validFrom: input.occurredAt ?? null,
      reference: `incident:${incidentId}`,
      note: `traced ${policy}, hop ${l.minHop}`,
      incidentId,
      amount: String(l.amount),
      policy,
    }))
    const { added } = await insertLabels(store, labels)
    if (added === 0) await bumpIntelVersion(store)
    return {
      incidentId,
      name,
      policy,
      seeds: seedOutputs.map(({ seed, amount }) => ({ seed, amount })),
      labelled,
      services: [...services].map(([a, amount]) => {
        const l = serviceOf(a)!
        return { address: g.names.address(a) ?? '', category: l.category, entity: l.entity, amount }
      }),
      labelsAdded: added,
      traced: true,
    }
  })
}

export type IncidentRow = {
  incidentId: number
  name: string
  chain: string
  occurredAt: string | null
  actor: string | null
  policy: string
  tlp: string
  seeds: number
  labels: number
}

export async function listIncidents(store: HoundStore): Promise<IncidentRow[]> {
  await ensureIntelSchema(store)
  const rows = await store.all<Record<string, unknown>>(
    `SELECT i.incident_id, i.name, i.chain, i.occurred_at, i.actor, i.policy, i.tlp,
            (SELECT count(*) FROM intel_incident_seeds s WHERE s.incident_id = i.incident_id) AS seeds,
            (SELECT count(*) FROM intel_labels l WHERE l.incident_id = i.incident_id) AS labels
     FROM intel_incidents i ORDER BY i.incident_id`,
  )
  return rows.map((r) => ({
    incidentId: Number(r.incident_id),
    name: String(r.name),
    chain: String(r.chain),
    occurredAt: (r.occurred_at as string | null) ?? null,
    actor: (r.actor as string | null) ?? null,
    policy: String(r.policy),
    tlp: String(r.tlp),
    seeds: Number(r.seeds),
    labels: Number(r.labels),
  }))
}
