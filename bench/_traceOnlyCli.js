// Bench helper: the `hound` CLI with only the trace command registered (what `hound trace` would cost if the CLI
// loaded just the command it runs instead of every command's modules). Same options and output as `hound trace`.
// Usage: node bench/_traceOnlyCli.js --db FILE trace --from SEED ...
import { Command } from 'commander'
import { register } from '../dist/cli/trace.js'

const program = new Command('hound').option('--db <file>', 'store file').exitOverride()
register(program)
await program.parseAsync(process.argv.slice(2), { from: 'user' })
