/**
 * Test-only: play a laundering scenario on a live local node (Hardhat Network) with the solc-compiled
 * contracts, and remember every amount sent so tests can check what the ingest and the trace report.
 *
 * Hot wallet → thief (theft: 50 ETH + 10,000 TOKA) → fan-out of 8 ETH to five mules, 2,000 TOKA to two →
 * mule 1 swaps 2,000 TOKA for TOKB on a Uniswap-v2-style pair → mules 2 and 3 deposit 1 ETH each in a
 * 1-ETH pool; mule 2 withdraws to itself, mule 3's note is withdrawn to a fresh address by a relayer (fee
 * 0.01 ETH) → mule 4 bridges 5 ETH with a THORChain memo naming a BTC address → mule 5 pays a deposit
 * address that forwards to an exchange hot wallet.
 * @internal
 */
import {
  type Abi,
  type Address,
  createPublicClient,
  createWalletClient,
  encodePacked,
  type Hex,
  http,
  keccak256,
} from 'viem'
import { compileContracts } from './_testContracts.js'

export const ETH = 10n ** 18n

export type Scenario = {
  chainId: number
  accounts: Record<string, Address>
  contracts: {
    toka: Address
    tokb: Address
    fake: Address
    pair: Address
    router: Address
    mixer: Address
    bridge: Address
  }
  /** Every transaction sent, in order, with its label. */
  txs: { label: string; hash: Hex }[]
  swap: { amountIn: bigint; amountOut: bigint }
  memo: string
  mixerFee: bigint
  avaxMemo: string
  /** Block time of the Avalanche bridge deposit. */
  avaxBridgeTime: number
}

export async function playScenario(url: string): Promise<Scenario> {
  const c = compileContracts()
  const pub = createPublicClient({ transport: http(url) })
  const wallet = createWalletClient({ transport: http(url) })
  const accs = (await wallet.getAddresses()).map((a) => a.toLowerCase() as Address)
  const names = [
    'hot',
    'thief',
    'm1',
    'm2',
    'm3',
    'm4',
    'm5',
    'clean',
    'vault',
    'relayer',
    'fresh',
    'deposit',
    'exchange',
    'avaxdest',
    'spender',
  ]
  const accounts = Object.fromEntries(names.map((n, i) => [n, accs[i]!])) as Record<string, Address>
  const txs: Scenario['txs'] = []
  const wait = async (label: string, hash: Hex) => {
    const r = await pub.waitForTransactionReceipt({ hash })
    if (r.status !== 'success') throw new Error(`${label} failed`)
    txs.push({ label, hash })
    return r
  }
  const deploy = async (name: string, args: unknown[]) => {
    const hash = await wallet.deployContract({
      abi: c[name]!.abi as Abi,
      bytecode: c[name]!.bytecode,
      args,
      account: accounts.hot!,
      chain: null,
    })
    return (await wait(`deploy ${name}`, hash)).contractAddress!.toLowerCase() as Address
  }
  const call = async (
    label: string,
    from: string,
    to: Address,
    name: string,
    fn: string,
    args: unknown[],
    value = 0n,
  ) =>
    wait(
      label,
      await wallet.writeContract({
        address: to,
        abi: c[name]!.abi as Abi,
        functionName: fn,
        args,
        account: accounts[from]!,
        chain: null,
        value,
      }),
    )
  const send = async (label: string, from: string, to: Address, value: bigint) =>
    wait(label, await wallet.sendTransaction({ account: accounts[from]!, to, value, chain: null }))

  const toka = await deploy('Token', ['Token A', 'TOKA', 18, 1_000_000n * ETH])
  const tokb = await deploy('Token', ['Token B', 'TOKB', 6, 1_000_000n * 10n ** 6n])
  const fake = await deploy('Token', ['Ethereum', 'ЕТН', 18, 1_000n * ETH])
  const pair = await deploy('Pair', [toka, tokb])
  const router = await deploy('Router', [])
  const mixer = await deploy('Mixer', [ETH])
  const bridge = await deploy('Bridge', [])
  const contracts = { toka, tokb, fake, pair, router, mixer, bridge }

  // liquidity
  const rA = 100_000n * ETH
  const rB = 100_000n * 10n ** 6n
  await call('lp TOKA', 'hot', toka, 'Token', 'transfer', [pair, rA])
  await call('lp TOKB', 'hot', tokb, 'Token', 'transfer', [pair, rB])
  await call('sync', 'hot', pair, 'Pair', 'sync', [])

  // theft
  await send('theft ETH', 'hot', accounts.thief!, 50n * ETH)
  await call('theft TOKA', 'hot', toka, 'Token', 'transfer', [accounts.thief, 10_000n * ETH])
  // fan-out
  for (const m of ['m1', 'm2', 'm3', 'm4', 'm5']) await send(`fan-out ${m}`, 'thief', accounts[m]!, 8n * ETH)
  await call('TOKA to m1', 'thief', toka, 'Token', 'transfer', [accounts.m1, 2_000n * ETH])
  await call('TOKA to m2', 'thief', toka, 'Token', 'transfer', [accounts.m2, 2_000n * ETH])
  // address poisoning with a look-alike token
  await call('fake ETH token', 'hot', fake, 'Token', 'transfer', [accounts.m1, 1n * ETH])

  // DEX swap by m1 through the router
  const amountIn = 2_000n * ETH
  const [r0, r1] = toka.toLowerCase() < tokb.toLowerCase() ? [rA, rB] : [rB, rA]
  const [resIn, resOut] = toka.toLowerCase() < tokb.toLowerCase() ? [r0, r1] : [r1, r0]
  const amountOut = (amountIn * 997n * resOut) / (resIn * 1000n + amountIn * 997n)
  await call('approve router', 'm1', toka, 'Token', 'approve', [router, amountIn])
  await call('swap', 'm1', router, 'Router', 'swapExactIn', [pair, toka, amountIn, amountOut, accounts.m1])

  // self-authorization: m2 approves an EOA it controls, which pulls 100 TOKA with transferFrom
  await call('approve spender', 'm2', toka, 'Token', 'approve', [accounts.spender, 100n * ETH])
  await call('transferFrom by spender', 'spender', toka, 'Token', 'transferFrom', [
    accounts.m2,
    accounts.spender,
    100n * ETH,
  ])

  // mixer
  const s2 = keccak256(encodePacked(['string'], ['note m2']))
  const s3 = keccak256(encodePacked(['string'], ['note m3']))
  const commit = (s: Hex) => keccak256(encodePacked(['bytes32'], [s]))
  await call('mixer deposit m2', 'm2', mixer, 'Mixer', 'deposit', [commit(s2)], ETH)
  await call('mixer deposit m3', 'm3', mixer, 'Mixer', 'deposit', [commit(s3)], ETH)
  const mixerFee = ETH / 100n
  await call('mixer withdraw m2', 'm2', mixer, 'Mixer', 'withdraw', [s2, accounts.m2, accounts.m2, 0n])
  await call('mixer withdraw fresh', 'relayer', mixer, 'Mixer', 'withdraw', [
    s3,
    accounts.fresh,
    accounts.relayer,
    mixerFee,
  ])

  // m3 and the fresh address know each other: 3 direct payments (mixer heuristic H3)
  for (let i = 1n; i <= 3n; i++) await send(`m3 to fresh ${i}`, 'm3', accounts.fresh!, i * 10n ** 15n)

  // bridge (THORChain-style memo naming a BTC address)
  const memo = '=:BTC.BTC:bc1qxy2kgdygjrsqtzq2n0yrf2493p83kkfjhx0wlh:0/1/0:t:0'
  await call(
    'bridge',
    'm4',
    bridge,
    'Bridge',
    'depositWithExpiry',
    [accounts.vault, '0x0000000000000000000000000000000000000000', 5n * ETH, memo, 2n ** 40n],
    5n * ETH,
  )

  // second bridge deposit: 1 ETH to Avalanche, destination named in the memo
  const avaxMemo = `=:AVAX.AVAX:${accounts.avaxdest}`
  const avaxBridge = await call(
    'bridge avax',
    'm4',
    bridge,
    'Bridge',
    'depositWithExpiry',
    [accounts.vault, '0x0000000000000000000000000000000000000000', ETH, avaxMemo, 2n ** 40n],
    ETH,
  )
  const avaxBridgeTime = Number((await pub.getBlock({ blockNumber: avaxBridge.blockNumber })).timestamp)

  // clean money mixes in at m5, then m5 pays an exchange deposit address that forwards to the hot wallet
  await send('clean to m5', 'clean', accounts.m5!, 2n * ETH)
  await send('m5 to deposit', 'm5', accounts.deposit!, 10n * ETH)
  await send('deposit sweep', 'deposit', accounts.exchange!, 10n * ETH - ETH / 200n)

  return {
    chainId: await pub.getChainId(),
    accounts,
    contracts,
    txs,
    swap: { amountIn, amountOut },
    memo,
    mixerFee,
    avaxMemo,
    avaxBridgeTime,
  }
}
