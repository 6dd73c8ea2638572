import { Command } from 'commander'
import { describe, expect, it } from 'vitest'
import { commandModules, namedCommand } from './commands.js'

describe('command registry', () => {
  it('each module registers exactly the top-level commands it is listed with', async () => {
    for (const [names, load] of commandModules) {
      const program = new Command('hound')
      ;(await load()).register(program)
      expect(program.commands.map((c) => c.name()).sort()).toEqual([...names].sort())
    }
  })

  it('names the command to load from argv, skipping options and the --db value', () => {
    expect(namedCommand(['trace', '0xabc'])).toBe('trace')
    expect(namedCommand(['--db', 'trace', 'ingest', 'evm'])).toBe('ingest')
    expect(namedCommand(['--json', 'eval', 'trace'])).toBe('eval')
    expect(namedCommand(['--db=x.duckdb', 'stats'])).toBe('stats')
    expect(namedCommand(['--help'])).toBeNull()
    expect(namedCommand(['--help', 'trace'])).toBeNull()
    expect(namedCommand(['--db', 'x.duckdb', '-h', 'trace'])).toBeNull()
    expect(namedCommand(['trace', '--help'])).toBe('trace')
    expect(namedCommand(['help', 'trace'])).toBeNull()
    expect(namedCommand(['tarce'])).toBeNull()
    expect(namedCommand([])).toBeNull()
  })
})
