/**
 * End to end on a small simulated chain: simulate → ingest → import labels → scan memos → detect → score against
 * the simulator's truth. The thresholds are what the detectors achieve on this seed (docs/accuracy.md has the
 * demo-scale figures); a regression in any detector or in the pipeline fails them.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { networks } from '../btc/networks.js'
import { openBlockSource } from '../btc/openBlockSource.js'
import { loadUtxoGraph } from '../graph/loadUtxoGraph.js'
import type { UtxoGraph } from '../graph/UtxoGraph.js'
import { ingestBtc } from '../ingest/ingestBtc.js'
import { importLabelsFile } from '../intel/importLabelsFile.js'
import { loadServiceLabels } from '../intel/loadServiceLabels.js'
import { simulate } from '../sim/simulate.js'
import { listAlerts, saveAlerts } from '../store/alertStore.js'
import { loadMemos, scanMemos } from '../store/detectMemos.js'
import { HoundStore } from '../store/HoundStore.js'
import type { Alert, AlertKind } from './Alert.js'
import { evaluateDetectors, type KindScore } from './evaluateDetectors.js'
import { readDetectorTruth } from './readDetectorTruth.js'
import { runDetectors } from './runDetectors.js'

let root: string
let store: HoundStore
let g: UtxoGraph
let alerts: Alert[]
let scores: Map<AlertKind, KindScore>
let high: Map<AlertKind, KindScore>
let labels: Awaited<ReturnType<typeof loadServiceLabels>>
let memos: Awaited<ReturnType<typeof loadMemos>>

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'hound-detect-'))
  const sim = join(root, 'sim')
  simulate({ seed: 'detect-e2e', txs: 20_000, network: 'regtest', outDir: sim })
  store = await HoundStore.open(join(root, 'h.duckdb'))
  await ingestBtc(store, openBlockSource({ blocks: [sim], network: 'regtest' }), { network: networks.regtest })
  await importLabelsFile(store, join(sim, 'truth', 'labels.jsonl'))
  await scanMemos(store, openBlockSource({ blocks: [sim], network: 'regtest' }))
  g = await loadUtxoGraph(store)
  labels = await loadServiceLabels(store)
  memos = await loadMemos(store, g)
  alerts = runDetectors(g, { labels, memos })
  const truth = readDetectorTruth(sim, g)
  scores = new Map(evaluateDetectors(g, alerts, truth).map((s) => [s.kind, s]))
  high = new Map(
    evaluateDetectors(
      g,
      alerts.filter((a) => a.confidence >= 0.9),
      truth,
    ).map((s) => [s.kind, s]),
  )
  for (const s of scores.values()) console.log(JSON.stringify(s))
}, 180_000)

afterAll(() => {
  store?.close()
  rmSync(root, { recursive: true, force: true })
})

describe('detectors on a simulated chain', () => {
  it('finds every incident peel step, structuring deposit, chain hop and CoinJoin', () => {
    for (const k of ['peel_chain', 'structuring', 'chain_hop', 'coinjoin', 'mixer'] as const) {
      expect(scores.get(k)!.truth, k).toBeGreaterThan(0)
      expect(scores.get(k)!.recall, k).toBe(1)
    }
  })

  it('precision where the rule is specific', () => {
    expect(scores.get('mixer')!.precision).toBe(1)
    expect(scores.get('coinjoin')!.precision!).toBeGreaterThanOrEqual(0.85)
    expect(high.get('structuring')!.precision).toBe(1)
    expect(high.get('structuring')!.recall).toBe(1)
    expect(high.get('peel_chain')!.precision!).toBeGreaterThanOrEqual(0.95)
    expect(high.get('peel_chain')!.recall!).toBeGreaterThanOrEqual(0.9)
    expect(high.get('rapid_movement')!.precision!).toBe(1)
    expect(high.get('rapid_movement')!.recall!).toBeGreaterThanOrEqual(0.5)
  })

  it('chain hops name the destination from the memo', () => {
    const hop = scores.get('chain_hop')!
    expect(hop.notes.destinationNamed).toBe(hop.truth)
    expect(hop.notes.realBridgeDeposits).toBe(hop.alerts)
  })

  it('alerts are stored idempotently per (kind, key)', async () => {
    const first = await saveAlerts(store, alerts)
    expect(first.added).toBe(alerts.length)
    const again = await saveAlerts(store, alerts)
    expect(again).toEqual({ added: 0, updated: alerts.length })
    const peel = await listAlerts(store, { kinds: ['peel_chain'], minConfidence: 0.9 })
    expect(peel.length).toBe(alerts.filter((a) => a.kind === 'peel_chain' && a.confidence >= 0.9).length)
    expect(peel[0]!.evidence).toEqual(alerts.find((a) => a.key === peel[0]!.key && a.kind === 'peel_chain')!.evidence)
  })
  it('a kind asked for alone gives exactly its alerts of the full run (the detectors it depends on run too)', () => {
    const key = (a: Alert) => `${a.kind} ${a.key} ${a.confidence}`
    for (const kind of new Set(alerts.map((a) => a.kind))) {
      const alone = runDetectors(g, { labels, memos, kinds: [kind] }).map(key)
      expect(alone, kind).toEqual(alerts.filter((a) => a.kind === kind).map(key))
    }
  })
})
