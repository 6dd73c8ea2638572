import { readFileSync } from 'node:fs'
import type { Command } from 'commander'
import { describe, expect, test } from 'vitest'
import { repoRoot } from '../core/_testData.js'
import { buildProgram } from './main.js'

/** Every command path the CLI registers, e.g. "hound cluster why". */
function commandPaths(c: Command, prefix: string): string[] {
  const here = `${prefix} ${c.name()}`.trim()
  return [here, ...c.commands.flatMap((s) => commandPaths(s, here))]
}

describe('docs/cli.md', () => {
  test('documents every command the CLI registers, and every command has a description', async () => {
    const program = await buildProgram()
    const paths = commandPaths(program, '').filter((p) => p !== 'hound')
    expect(paths.length).toBeGreaterThan(3)
    const doc = readFileSync(`${repoRoot}/docs/cli.md`, 'utf8')
    const missing = paths.filter((p) => !new RegExp(`^#+ \`?${p.replace(/ /g, ' ')}\\b`, 'm').test(doc))
    expect(missing).toEqual([])
    const undescribed: string[] = []
    const walk = (c: Command, prefix: string) => {
      for (const s of c.commands) {
        if (!s.description()) undescribed.push(`${prefix} ${s.name()}`)
        walk(s, `${prefix} ${s.name()}`)
      }
    }
    walk(program, 'hound')
    expect(undescribed).toEqual([])
  })
})
