/**
 * `hound tx <txid>`: one transaction with resolved inputs and the spenders of its outputs.
 * @module
 */
import type { Command } from 'commander'
import { btcTx } from '../store/btcTx.js'
import { formatBtc, formatTable, printJson } from './context.js'
import { openReadStoreOrFail } from './openReadStore.js'

export function register(program: Command): void {
  program
    .command('tx')
    .description('Show a transaction: block, fee, inputs (with prevout values/addresses) and outputs (with spenders)')
    .argument('<txid>', 'transaction id (64 hex characters)')
    .option('--json', 'print JSON')
    .action(async (txid: string, _o: unknown, cmd: Command) => {
      const o = cmd.optsWithGlobals() as { db?: string; json?: boolean }
      const store = await openReadStoreOrFail(o)
      try {
        const t = await btcTx(store, txid)
        if (o.json) return printJson(t)
        const lines = [
          `tx ${t.txid}`,
          `block ${t.height} ${t.blockHash} (${new Date(t.time * 1000).toISOString()})`,
          `coinbase ${t.coinbase}  fee ${t.fee === null ? 'unknown' : `${t.fee} sat`}`,
          '',
          formatTable(
            ['vin', 'prevout', 'value (BTC)', 'address'],
            t.inputs.map((i, k) => [
              k,
              t.coinbase ? 'coinbase' : `${i.prevTxid}:${i.prevVout}`,
              i.value === null ? null : formatBtc(i.value),
              i.address,
            ]),
          ),
          '',
          formatTable(
            ['n', 'value (BTC)', 'type', 'address', 'spent by'],
            t.outputs.map((x) => [
              x.n,
              formatBtc(x.value),
              x.scriptType,
              x.address,
              x.spentBy ? `${x.spentBy.txid}:${x.spentBy.vin}` : null,
            ]),
          ),
        ]
        process.stdout.write(`${lines.join('\n')}\n`)
      } finally {
        store.close()
      }
    })
}
