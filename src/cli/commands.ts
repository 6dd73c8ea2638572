/**
 * The command registry: one file per command under src/cli/, each exporting `register(program)`.
 * Add a command by adding its file and one line here.
 * @module
 */
import type { Command } from 'commander'

export type Register = (program: Command) => void

export async function loadCommands(): Promise<Register[]> {
  // Loaded one after another, not with Promise.all: many concurrent dynamic imports trip a Node 20 loader race
  // ("request for 'node:fs' is not in cache", nodejs/node#52187) that made a random command fail.
  const loaders: (() => Promise<{ register: Register }>)[] = [
    // keep sorted
    () => import('./address.js'),
    () => import('./cluster.js'),
    () => import('./demo.js'),
    () => import('./detect.js'),
    () => import('./evalClustering.js'),
    () => import('./evalDetectors.js'),
    () => import('./evalTrace.js'),
    () => import('./incident.js'),
    () => import('./ingest.js'),
    () => import('./ingestEvm.js'),
    () => import('./intel.js'),
    () => import('./keys.js'),
    () => import('./report.js'),
    () => import('./rescreen.js'),
    () => import('./screen.js'),
    () => import('./serve.js'),
    () => import('./share.js'),
    () => import('./sim.js'),
    () => import('./stats.js'),
    () => import('./trace.js'),
    () => import('./tx.js'),
  ]
  const registers: Register[] = []
  for (const load of loaders) registers.push((await load()).register)
  return registers
}
