/**
 * Bitcoin networks: message-start magic (blk files, P2P) and address encodings.
 * Values from Bitcoin Core `src/kernel/chainparams.cpp`.
 * @module
 */
import { UsageError } from '../core/errors.js'
import type { ChainInfo } from '../core/model.js'
import type { BtcNetworkName } from './types.js'

export type BtcNetwork = {
  readonly name: BtcNetworkName
  /** The 4 magic bytes that start every record in blk*.dat. */
  readonly magic: Uint8Array
  readonly pubKeyHashPrefix: number
  readonly scriptHashPrefix: number
  /** bech32/bech32m human-readable part. */
  readonly bech32Hrp: string
  readonly genesisHash: string
  readonly chain: ChainInfo
}

const chain = (id: string, genesis: string): ChainInfo => ({
  id,
  model: 'utxo',
  caip2: `bip122:${genesis.slice(0, 32)}`,
  nativeAsset: 'BTC',
  decimals: 8,
})

export const networks: Readonly<Record<BtcNetworkName, BtcNetwork>> = {
  mainnet: {
    name: 'mainnet',
    magic: Uint8Array.of(0xf9, 0xbe, 0xb4, 0xd9),
    pubKeyHashPrefix: 0x00,
    scriptHashPrefix: 0x05,
    bech32Hrp: 'bc',
    genesisHash: '000000000019d6689c085ae165831e934ff763ae46a2a6c172b3f1b60a8ce26f',
    chain: chain('btc', '000000000019d6689c085ae165831e934ff763ae46a2a6c172b3f1b60a8ce26f'),
  },
  testnet: {
    name: 'testnet',
    magic: Uint8Array.of(0x0b, 0x11, 0x09, 0x07),
    pubKeyHashPrefix: 0x6f,
    scriptHashPrefix: 0xc4,
    bech32Hrp: 'tb',
    genesisHash: '000000000933ea01ad0ee984209779baaec3ced90fa3f408719526f8d77f4943',
    chain: chain('btc-testnet', '000000000933ea01ad0ee984209779baaec3ced90fa3f408719526f8d77f4943'),
  },
  signet: {
    name: 'signet',
    magic: Uint8Array.of(0x0a, 0x03, 0xcf, 0x40),
    pubKeyHashPrefix: 0x6f,
    scriptHashPrefix: 0xc4,
    bech32Hrp: 'tb',
    genesisHash: '00000008819873e925422c1ff0f99f7cc9bbb232af63a077a480a3633bee1ef6',
    chain: chain('btc-signet', '00000008819873e925422c1ff0f99f7cc9bbb232af63a077a480a3633bee1ef6'),
  },
  regtest: {
    name: 'regtest',
    magic: Uint8Array.of(0xfa, 0xbf, 0xb5, 0xda),
    pubKeyHashPrefix: 0x6f,
    scriptHashPrefix: 0xc4,
    bech32Hrp: 'bcrt',
    genesisHash: '0f9188f13cb7b2c71f2a335e3a4fc328bf5beb436012afca590b1a11466e2206',
    chain: chain('btc-regtest', '0f9188f13cb7b2c71f2a335e3a4fc328bf5beb436012afca590b1a11466e2206'),
  },
}

export function getNetwork(name: string): BtcNetwork {
  const n = (networks as Record<string, BtcNetwork>)[name]
  if (!n) throw new UsageError(`unknown network '${name}' (expected mainnet, testnet, signet or regtest)`)
  return n
}

/** The network whose magic starts `bytes` at `offset`, or null. */
export function networkByMagic(bytes: Uint8Array, offset = 0): BtcNetwork | null {
  for (const n of Object.values(networks)) {
    const m = n.magic
    if (
      bytes[offset] === m[0] &&
      bytes[offset + 1] === m[1] &&
      bytes[offset + 2] === m[2] &&
      bytes[offset + 3] === m[3]
    )
      return n
  }
  return null
}
