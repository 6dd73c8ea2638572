/**
 * The command registry: one file per command under src/cli/, each exporting `register(program)`.
 * Add a command by adding its file and one line here.
 * @module
 */
import type { Command } from 'commander'

export type Register = (program: Command) => void

type Loader = () => Promise<{ register: Register }>

/**
 * Every command module with the top-level commands it registers (`eval` and `ingest` are shared by several).
 * Kept sorted; `commands.test.ts` checks the names against what each module really registers.
 */
export const commandModules: readonly (readonly [names: readonly string[], load: Loader])[] = [
  [['address'], () => import('./address.js')],
  [['cluster'], () => import('./cluster.js')],
  [['demo'], () => import('./demo.js')],
  [['detect'], () => import('./detect.js')],
  [['eval'], () => import('./evalClustering.js')],
  [['eval'], () => import('./evalDetectors.js')],
  [['eval'], () => import('./evalTrace.js')],
  [['incident'], () => import('./incident.js')],
  [['ingest'], () => import('./ingest.js')],
  [['ingest'], () => import('./ingestEvm.js')],
  [['intel'], () => import('./intel.js')],
  [['keys'], () => import('./keys.js')],
  [['report'], () => import('./report.js')],
  [['rescreen'], () => import('./rescreen.js')],
  [['screen'], () => import('./screen.js')],
  [['serve'], () => import('./serve.js')],
  [['share'], () => import('./share.js')],
  [['sim'], () => import('./sim.js')],
  [['stats'], () => import('./stats.js')],
  [['trace'], () => import('./trace.js')],
  [['tx'], () => import('./tx.js')],
]

/**
 * The command the arguments name (the first word that is not an option or the value of the global `--db`), or
 * null (`--help`, `help`, a typo: then every command is loaded, for the full help and commander's suggestions).
 * A help option before the command (`hound --help trace`) asks for the program's help, which lists every command.
 */
export function namedCommand(argv: readonly string[]): string | null {
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!
    if (a === '--db') i++
    else if (a === '--help' || a === '-h') return null
    else if (!a.startsWith('-')) return commandModules.some(([names]) => names.includes(a)) ? a : null
  }
  return null
}

/**
 * The registers of the command modules: only those of `only` when given (start-up imports just the command being
 * run: loading all of them costs ~0.3 s, mostly viem, DuckDB and Hono), else all.
 */
export async function loadCommands(only: string | null = null): Promise<Register[]> {
  // Loaded one after another, not with Promise.all: many concurrent dynamic imports trip a Node 20 loader race
  // ("request for 'node:fs' is not in cache", nodejs/node#52187) that made a random command fail.
  const registers: Register[] = []
  for (const [names, load] of commandModules)
    if (only === null || names.includes(only)) registers.push((await load()).register)
  return registers
}
