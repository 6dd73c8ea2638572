#!/usr/bin/env node
/**
 * `hound` — the Ledgerhound command line. Exit codes: 0 ok, 1 runtime error, 2 usage error.
 * @module
 */
import { Command, CommanderError } from 'commander'
import { HoundError, InternalError, UsageError } from '../core/errors.js'
import { loadCommands, namedCommand } from './commands.js'
import { toJson } from './context.js'

/** The program with every command, or with only the command `only` (what `main` runs when argv names one). */
export async function buildProgram(only: string | null = null): Promise<Command> {
  const program = new Command('hound')
    .description('Ledgerhound: follow stolen cryptocurrency — ingest, cluster, trace, detect, screen, share.')
    .version('0.1.0')
    .option('--db <file>', 'store file (default $HOUND_DB or ./hound.duckdb)')
    .showHelpAfterError('(run with --help for usage)')
    .configureHelp({ sortSubcommands: true })
  for (const register of await loadCommands(only)) register(program)
  // Every command, nested ones included, throws instead of exiting so main() owns the exit code.
  const exitOverrideAll = (c: Command) => {
    c.exitOverride()
    for (const sub of c.commands) exitOverrideAll(sub)
  }
  exitOverrideAll(program)
  return program
}

/** Run the CLI with argv (without node and script). Returns the exit code. */
export async function main(argv: readonly string[]): Promise<number> {
  const wantsJson = argv.includes('--json')
  let program: Command
  try {
    program = await buildProgram(namedCommand(argv))
    await program.parseAsync(argv as string[], { from: 'user' })
    return 0
  } catch (e) {
    if (e instanceof CommanderError) {
      // help and version are "errors" in commander's exitOverride model but succeed
      if (e.code === 'commander.helpDisplayed' || e.code === 'commander.version' || e.code === 'commander.help')
        return 0
      return 2
    }
    const err =
      e instanceof HoundError ? e : new InternalError(e instanceof Error ? e.message : String(e), { cause: e })
    if (wantsJson) process.stdout.write(`${toJson({ error: err.toJSON() })}\n`)
    process.stderr.write(`hound: error [${err.code}]: ${err.message}\n`)
    if (!(e instanceof HoundError) && process.env.HOUND_DEBUG && e instanceof Error)
      process.stderr.write(`${e.stack}\n`)
    return err instanceof UsageError ? 2 : err.exitCode
  }
}

const isEntry = process.argv[1] !== undefined && import.meta.url === new URL(`file://${process.argv[1]}`).href
if (isEntry || process.argv[1]?.endsWith('/hound')) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code
    },
    (e: unknown) => {
      process.stderr.write(`hound: fatal: ${String(e)}\n`)
      process.exitCode = 1
    },
  )
}
