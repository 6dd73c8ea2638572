/**
 * `simulate`: generate a Bitcoin chain with known ground truth. Writes DIR/blk?????.dat (Bitcoin Core layout, from the
 * network's real genesis block) and DIR/truth/*.jsonl (docs/simulator.md). Same seed and options → same bytes.
 * Blocks stream to disk as they are built; wallets and registries are bounded, so memory stays flat.
 * @module
 */
import { networks } from '../btc/networks.js'
import { InvariantError, UsageError } from '../core/errors.js'
import { BlockFileWriter } from './blockFileWriter.js'
import { CoinJoins, whirlpoolPools } from './coinjoin.js'
import { Economy } from './economy.js'
import { Engine } from './engine.js'
import { genesisBlock } from './genesis.js'
import { Incident, type IncidentParams, type Route } from './incidents.js'
import { KeyDeriver } from './keys.js'
import { Rng } from './prng.js'
import { MIN_TXS, plan } from './scales.js'
import { TruthWriter } from './truthWriter.js'
import type { Wallet } from './wallet.js'
import { fingerprints, World } from './world.js'

export type SimOptions = {
  seed: string
  txs: number
  network: 'regtest' | 'mainnet'
  outDir: string
  /** Scale name for the record (meta.json); null when --txs was given. */
  scale?: string | null
  /** Unix seconds of block 1 (default 2024-01-01T00:00:00Z). */
  startTime?: number
  /** Called after every block. */
  onBlock?: (s: { height: number; txs: number; bytes: number }) => void
}

export type SimSummary = {
  seed: string
  scale: string | null
  network: string
  chain: string
  blocks: number
  txs: number
  bytes: number
  files: string[]
  tipHash: string
  startTime: number
  endTime: number
  incidents: number
  coinjoins: number
  truth: Record<string, number>
  /** Coins the simulator holds in memory at the end (bounded by the population, not the chain). */
  liveCoins: number
  maxWalletCoins: number
  seconds: number
}

/** Coinbase-only blocks before the economy starts: blocks 1–101 are mature from height 201 (5,050 BTC on regtest). */
const BOOT = 201
const RAMP = 15

export function simulate(o: SimOptions): SimSummary {
  const t0 = Date.now()
  if (!Number.isSafeInteger(o.txs) || o.txs < MIN_TXS) throw new UsageError(`--txs must be an integer ≥ ${MIN_TXS}`)
  const network = networks[o.network]
  const chainId = network.chain.id
  const rng = new Rng(`ledgerhound-sim/${o.seed}`)
  const keys = new KeyDeriver(o.seed, network)
  const truth = new TruthWriter(o.outDir)
  const blocks = new BlockFileWriter(o.outDir, network.magic)
  const eng = new Engine({
    network,
    keys,
    rng,
    truth,
    blocks,
    chainId,
    halving: o.network === 'regtest' ? 150 : 210_000,
    bits: o.network === 'regtest' ? 0x207fffff : 0x1d00ffff,
    mine: o.network === 'regtest',
  })
  const p = plan(o.txs)
  const world = new World(rng, truth, p.pop)
  const decoy = (kind: string, txid: string, note: string) => truth.write('decoys', { kind, txid, note })
  const eco = new Economy(eng, world, decoy)
  const cj = new CoinJoins(eng, world, eco, truth)
  const econBlocks = Math.ceil((o.txs - BOOT) / p.perBlock) + RAMP
  const endEst = BOOT + econBlocks
  const incidents = planIncidents(p.incidents, world.exchanges.length, endEst, rng).map(
    (ip) => new Incident(ip, eng, world, eco, cj, truth),
  )

  const g = genesisBlock(o.network)
  eng.writeRawBlock(g.bytes, g.hashBytes)
  const startTime = o.startTime ?? 1_704_067_200
  let time = startTime
  const minerWeights = world.miners.map((_, i) => [30, 25, 20, 15, 10][i % 5]!)
  const minerSeen = world.miners.map(() => new Set<number>())
  let height = 0
  let decoyPeel = false
  let idle = 0
  let decoyRound = false
  while (eng.totalTxs < o.txs) {
    height++
    time += Math.max(1, Math.round(rng.expo(600)))
    eng.beginBlock(height, time)
    world.progress = Math.min(1, Math.max(0, (height - BOOT) / econBlocks))
    const date = new Date(time * 1000)
    const hour = date.getUTCHours()
    const weekend = date.getUTCDay() === 0 || date.getUTCDay() === 6
    const rhythm = (1 + 0.35 * Math.sin((2 * Math.PI * (hour - 9)) / 24)) * (weekend ? 0.8 : 1.05)
    eng.feeRate = Math.max(1, Math.round(rng.logNormal(8, 0.35) * rhythm * 10) / 10)
    if (height >= BOOT) {
      const ramp = Math.min(1, (height - BOOT + 1) / RAMP)
      const remaining = o.txs - eng.totalTxs - 1
      const target = Math.min(remaining, Math.round(p.perBlock * ramp * rhythm * (0.8 + 0.4 * rng.float())))
      blockBody(eng, world, eco, cj, incidents, target, height < BOOT + RAMP)
      idle = eng.blockTxs === 0 ? idle + 1 : 0
      if (idle >= 20)
        throw new InvariantError(`simulated economy stalled at height ${height} (no transactions for 20 blocks)`)
      if (!decoyRound && world.progress > 0.3) decoyRound = eco.roundDepositsDecoy() > 0
      if (!decoyPeel && world.progress > 0.5) decoyPeel = eco.peelLikeDecoy() > 0
    }
    const mi = rng.weighted(minerWeights)
    const m = world.miners[mi]!
    const idx = rng.int(3)
    const fresh = !minerSeen[mi]!.has(idx)
    minerSeen[mi]!.add(idx)
    eng.endBlock(
      { value: 0, wallet: m.wallet, kind: m.kind, idx, fresh },
      fingerprints[5]!,
      `/ledgerhound-sim ${m.entity.id}/`,
    )
    o.onBlock?.({ height, txs: eng.totalTxs, bytes: blocks.bytes })
  }
  for (const inc of incidents) inc.finalize()
  const wallets = [
    ...world.miners.map((m) => m.wallet),
    ...world.exchanges.flatMap((e) => [e.hot, e.cold, e.dep]),
    ...world.merchants.map((m) => m.wallet),
    ...world.individuals.map((i) => i.wallet),
    ...serviceWallets(world),
  ]
  let liveCoins = cj.registryCoins()
  let maxWalletCoins = 0
  for (const w of wallets) {
    liveCoins += w.coins.length
    maxWalletCoins = Math.max(maxWalletCoins, w.coins.length)
  }
  blocks.close()
  const counts = truth.counts()
  const summary: SimSummary = {
    seed: o.seed,
    scale: o.scale ?? null,
    network: o.network,
    chain: chainId,
    blocks: eng.totalBlocks,
    txs: eng.totalTxs,
    bytes: blocks.bytes,
    files: blocks.files,
    tipHash: Buffer.from(eng.prevHash).reverse().toString('hex'),
    startTime,
    endTime: time,
    incidents: counts.incidents,
    coinjoins: counts.coinjoins,
    truth: counts,
    liveCoins,
    maxWalletCoins,
    seconds: (Date.now() - t0) / 1000,
  }
  truth.writeMeta({
    seed: o.seed,
    scale: o.scale ?? null,
    network: o.network,
    chain: chainId,
    blocks: summary.blocks,
    txs: summary.txs,
    startTime,
    endTime: time,
    tipHash: summary.tipHash,
    files: blocks.files,
    generator: 'ledgerhound-sim',
    version: 1,
  })
  truth.close()
  return summary
}

/** One block of economy: background actions until the target count, CoinJoin rounds, incident steps. */
function blockBody(
  eng: Engine,
  world: World,
  eco: Economy,
  cj: CoinJoins,
  incidents: Incident[],
  target: number,
  bootstrap: boolean,
): void {
  const rng = eng.rng
  for (let i = 0; i < world.miners.length; i++) if (rng.chance(bootstrap ? 1 : 0.3)) eco.minerPayout(i, bootstrap)
  for (const inc of incidents) inc.step()
  if (!bootstrap) {
    if (rng.chance(0.2)) cj.wasabi1()
    if (rng.chance(0.2)) cj.wabisabi()
    if (rng.chance(0.5)) cj.joinmarket()
    if (rng.chance(0.6)) cj.backgroundTx0()
    const maxSize = world.progress > 0.5 ? 8 : 5
    for (const pool of whirlpoolPools) for (let k = 0; k < 12 && cj.mix(pool, maxSize); k++);
  }
  // service wallets that mostly receive (mixer pool, bridge vault, OTC desks, coordinators…) consolidate as they grow
  for (const w of serviceWallets(world)) if (w.coins.length > 120) eco.consolidate(w, 2, 100)
  const weights = [62, 12, 2.5, 2.5, 4, 1.5, 2, 1, 1.5]
  let attempts = 0
  while (eng.blockTxs < target && attempts < target * 3 && eng.room(20_000)) {
    attempts++
    switch (rng.weighted(weights)) {
      case 0:
        eco.individualPay()
        break
      case 1:
        eco.individualDeposit()
        break
      case 2:
        eco.exchangeWithdraw(rng.pick(world.exchanges))
        break
      case 3:
        eco.exchangeSweep(rng.pick(world.exchanges))
        break
      case 4:
        eco.merchantSpend()
        break
      case 5:
        eco.processorSettle()
        break
      case 6:
        eco.mixerActivity()
        break
      case 7:
        eco.bridgeActivity()
        break
      default:
        eco.otcActivity()
    }
  }
}

function serviceWallets(world: World): Wallet[] {
  return [
    world.mixer.pool,
    world.mixer.dep,
    world.bridge.vault,
    ...world.otcs.map((o) => o.wallet),
    ...world.processors.flatMap((p) => [p.invoices, p.settle]),
    world.coord.wasabi1.wallet,
    world.coord.wabisabi.wallet,
    world.coord.whirlpool.wallet,
  ]
}

const routeMixes: Route[][] = [
  ['peel', 'structuring', 'bridge', 'otc'],
  ['whirlpool', 'peel', 'otc'],
  ['wasabi1', 'structuring', 'bridge'],
  ['peel', 'bridge'],
  ['structuring', 'otc', 'peel'],
  ['whirlpool', 'bridge', 'structuring'],
  ['peel', 'peel', 'otc'],
  ['wasabi1', 'peel'],
]

/** Incident parameters: the first is the traceable one (no CoinJoin, every exit to a labelled service). */
export function planIncidents(n: number, exchanges: number, endEst: number, rng: Rng): IncidentParams[] {
  const out: IncidentParams[] = []
  const first = BOOT + RAMP + 8
  const span = Math.max(10, endEst - first - 8)
  for (let i = 0; i < n; i++) {
    const mix = routeMixes[i % routeMixes.length]!
    const uniq = [...new Set(mix)]
    const weights = uniq.map(() => 0.5 + rng.float())
    const sum = weights.reduce((a, b) => a + b, 0)
    const start = first + Math.floor((span * 0.5 * i) / Math.max(1, n))
    const deadline = Math.min(endEst - 3, start + Math.max(6, Math.floor(span * 0.45)))
    out.push({
      id: `incident-${i + 1}`,
      name: ['Hot wallet theft', 'Exchange breach', 'Private key compromise', 'Withdrawal system hack'][i % 4]!,
      victim: i % exchanges,
      start,
      deadline,
      stolenFrac: 0.3 + 0.4 * rng.float(),
      theftOutputs: rng.range(1, 4),
      fanOut: i === 0 ? 0 : rng.chance(0.5) ? rng.range(3, 12) : 0,
      routes: uniq.map((route, k) => ({ route, share: weights[k]! / sum })),
      labelledOnly: i === 0,
      peelChains: mix.filter((r) => r === 'peel').length,
      peelSteps: rng.range(12, i === 0 ? 40 : 146),
      peelFrac: [0.005, 0.02 + 0.04 * rng.float()],
      bridgeHops: rng.range(1, 4),
      destChain: (['eth', 'eth', 'bsc', 'avax'] as const)[rng.int(4)]!,
    })
  }
  return out
}
