/**
 * `hound rescreen`: re-evaluate every previously screened address; list those whose answer changed.
 * @module
 */
import type { Command } from 'commander'
import { openScreener } from '../risk/openScreener.js'
import { rescreen } from '../risk/rescreen.js'
import { formatTable, printJson } from './context.js'
import { type ExposureCliOptions, exposureOptions, openExistingStore } from './screen.js'

export function register(program: Command): void {
  program
    .command('rescreen')
    .description('Re-screen previously screened addresses against current intelligence; list changed answers')
    .option('--dry-run', 'do not record the new answers')
    .option('--policy <policy>', 'taint policy for exposure (default haircut)')
    .option('--max-hops <n>', 'exposure depth H (default 5)')
    .option('--decay <lambda>', 'hop decay λ (default 0.5)')
    .option('--no-graph', 'labels only')
    .option('--json', 'print JSON')
    .action(async (_o: unknown, cmd: Command) => {
      const o = cmd.optsWithGlobals() as ExposureCliOptions & {
        db?: string
        json?: boolean
        dryRun?: boolean
        graph?: boolean
      }
      const exposure = exposureOptions(o)
      const store = await openExistingStore(o)
      try {
        const screener = await openScreener(store, { withGraph: o.graph !== false, exposure })
        const rep = await rescreen(store, screener, { dryRun: Boolean(o.dryRun) })
        if (o.json) return printJson(rep)
        process.stdout.write(`${rep.checked} addresses re-screened, ${rep.changed.length} changed\n`)
        if (rep.changed.length) {
          process.stdout.write(
            `${formatTable(
              ['address', 'before', 'after', 'categories now', 'screened at'],
              rep.changed.map((c) => [
                c.address,
                c.before.risk,
                c.after.risk,
                c.after.categories.join(', '),
                c.before.screenedAt,
              ]),
            )}\n`,
          )
        }
      } finally {
        store.close()
      }
    })
}
