/**
 * `hound report <trace.json> --out DIR`: a self-contained HTML case report (plus JSON/CSV) from a trace result.
 * See docs/commands/report.md.
 * @module
 */
import type { Command } from 'commander'
import { readTraceFile, writeReport } from '../trace/report/writeReport.js'
import { printJson } from './context.js'

export function register(program: Command): void {
  program
    .command('report')
    .description('Write a case report (HTML with cash-out table, Sankey and flow graph; JSON; CSV) from a trace')
    .argument('<trace.json>', 'the output of hound trace --json (or --out)')
    .option('--out <dir>', 'output directory', 'hound-report')
    .option('--title <text>', 'report title (default: the incident labels)')
    .option('--json', 'print the written files as JSON')
    .action(async (file: string, _o: unknown, cmd: Command) => {
      const o = cmd.optsWithGlobals() as { out: string; title?: string; json?: boolean }
      const trace = readTraceFile(file)
      const files = writeReport(trace, o.out, o.title ? { title: o.title } : {})
      if (o.json) printJson({ files })
      else process.stdout.write(`wrote ${files.join(', ')}\n`)
    })
}
