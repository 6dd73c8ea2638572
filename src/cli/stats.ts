/**
 * `hound stats`: counts and tip of the store.
 * @module
 */
import type { Command } from 'commander'
import { btcStats, emptyStats } from '../store/btcStats.js'
import { formatTable, printJson } from './context.js'
import { openReadStore } from './openReadStore.js'

export function register(program: Command): void {
  program
    .command('stats')
    .description('Blocks, transactions, inputs, outputs and addresses in the store, and its tip')
    .option('--json', 'print {"blocks","txs","inputs","outputs","addresses","tipHeight","tipHash"}')
    .action(async (_o: unknown, cmd: Command) => {
      const o = cmd.optsWithGlobals() as { db?: string; json?: boolean }
      const store = await openReadStore(o)
      let st = { ...emptyStats }
      try {
        if (store) st = await btcStats(store)
      } finally {
        store?.close()
      }
      const out = {
        blocks: st.blocks,
        txs: st.txs,
        inputs: st.inputs,
        outputs: st.outputs,
        addresses: st.addresses,
        tipHeight: st.tipHeight,
        tipHash: st.tipHash,
      }
      if (o.json) printJson(out)
      else process.stdout.write(`${formatTable(['what', 'value'], Object.entries(out))}\n`)
    })
}
