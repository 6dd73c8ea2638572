/**
 * The command registry: one file per command under src/cli/, each exporting `register(program)`.
 * Add a command by adding its file and one line here.
 * @module
 */
import type { Command } from 'commander'

export type Register = (program: Command) => void

export async function loadCommands(): Promise<Register[]> {
  const modules = await Promise.all([
    // keep sorted
    import('./address.js'),
    import('./cluster.js'),
    import('./demo.js'),
    import('./detect.js'),
    import('./evalClustering.js'),
    import('./evalDetectors.js'),
    import('./evalTrace.js'),
    import('./incident.js'),
    import('./ingest.js'),
    import('./ingestEvm.js'),
    import('./intel.js'),
    import('./keys.js'),
    import('./report.js'),
    import('./rescreen.js'),
    import('./screen.js'),
    import('./serve.js'),
    import('./sim.js'),
    import('./stats.js'),
    import('./trace.js'),
    import('./tx.js'),
  ] as Promise<{ register: Register }>[])
  return modules.map((m) => m.register)
}
