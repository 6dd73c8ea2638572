/**
 * `hound address <addr>`: outputs received and spent, balance, first/last seen.
 * @module
 */
import type { Command } from 'commander'
import { addressToScript } from '../btc/addressToScript.js'
import { getNetwork } from '../btc/networks.js'
import { btcAddress } from '../store/btcAddress.js'
import { btcNetworkOf } from '../store/btcStats.js'
import { formatBtc, formatTable, printJson } from './context.js'
import { intOption } from './ingest.js'
import { openReadStoreOrFail } from './openReadStore.js'

export function register(program: Command): void {
  program
    .command('address')
    .description('Show an address: outputs received and spent, balance, first and last seen')
    .argument('<address>', 'Bitcoin address (Base58Check or bech32/bech32m) of the store’s network')
    .option('--limit <n>', 'list at most n outputs (default 1000)')
    .option('--json', 'print JSON')
    .action(async (address: string, _o: unknown, cmd: Command) => {
      const o = cmd.optsWithGlobals() as { db?: string; json?: boolean; limit?: string }
      const limit = intOption(o.limit, '--limit') ?? 1000
      const store = await openReadStoreOrFail(o)
      try {
        const network = getNetwork((await btcNetworkOf(store)) ?? 'mainnet')
        addressToScript(address, network) // InvalidInputError (exit 2) for a malformed address
        const a = await btcAddress(store, address, limit) // NotFoundError (exit 1) when never seen
        if (o.json) return printJson(a)
        const lines = [
          `address ${a.address}`,
          `received ${formatBtc(a.received.value)} BTC in ${a.received.outputs} outputs; spent ${formatBtc(a.spent.value)} BTC in ${a.spent.outputs}`,
          `balance ${formatBtc(a.balance)} BTC`,
          `first seen ${a.firstSeen.height} (${new Date(a.firstSeen.time * 1000).toISOString()}), last seen ${a.lastSeen.height} (${new Date(a.lastSeen.time * 1000).toISOString()})`,
          '',
          formatTable(
            ['height', 'outpoint', 'value (BTC)', 'spent by'],
            a.outputs.map((x) => [
              x.height,
              `${x.txid}:${x.n}`,
              formatBtc(x.value),
              x.spentBy ? `${x.spentBy.txid}:${x.spentBy.vin}` : null,
            ]),
          ),
        ]
        if (a.outputsTruncated) lines.push(`(first ${limit} outputs shown; --limit to see more)`)
        process.stdout.write(`${lines.join('\n')}\n`)
      } finally {
        store.close()
      }
    })
}
