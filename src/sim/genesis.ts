/**
 * The real genesis blocks (public consensus data), rebuilt from their fields so a simulated chain starts at the
 * network's true height-0 block and every tool that checks the genesis hash accepts it.
 * @module
 */

import { type EncodedBlock, encodeBlock } from '../btc/encodeBlock.js'
import { fromHex } from '../btc/hash.js'
import type { BtcNetworkName } from '../btc/types.js'

const GENESIS_SCRIPTSIG =
  '04ffff001d0104455468652054696d65732030332f4a616e2f32303039204368616e63656c6c6f72206f6e206272696e6b206f66207365636f6e64206261696c6f757420666f722062616e6b73'
const GENESIS_PUBKEY_SCRIPT =
  '4104678afdb0fe5548271967f1a67130b7105cd6a828e03909a67962e0ea1f61deb649f6bc3f4cef38c4f35504e51ec112de5c384df7ba0b8d578a4c702b6bf11d5fac'

const params: Record<'mainnet' | 'regtest', { time: number; bits: number; nonce: number }> = {
  mainnet: { time: 1231006505, bits: 0x1d00ffff, nonce: 2083236893 },
  regtest: { time: 1296688602, bits: 0x207fffff, nonce: 2 },
}

/** The genesis block of mainnet or regtest (285 bytes); its hash equals `networks[name].genesisHash`. */
export function genesisBlock(network: Extract<BtcNetworkName, 'mainnet' | 'regtest'>): EncodedBlock {
  const p = params[network]
  return encodeBlock({ version: 1, prevHash: new Uint8Array(32), time: p.time, bits: p.bits, nonce: p.nonce }, [
    {
      version: 1,
      locktime: 0,
      inputs: [
        {
          prevTxid: new Uint8Array(32),
          prevVout: 0xffffffff,
          scriptSig: fromHex(GENESIS_SCRIPTSIG),
          sequence: 0xffffffff,
          witness: [],
        },
      ],
      outputs: [{ value: 5_000_000_000, script: fromHex(GENESIS_PUBKEY_SCRIPT) }],
    },
  ])
}
