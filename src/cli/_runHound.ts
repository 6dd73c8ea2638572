/**
 * Test-only: run the built CLI (dist/cli/main.js) in a child process and collect its exit code and output.
 * @internal
 */
import { execFileSync, spawn } from 'node:child_process'
import { existsSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { repoRoot } from '../core/_testData.js'

export type Run = { code: number; stdout: string; stderr: string }

export const houndMain: string = join(repoRoot, 'dist/cli/main.js')

export function hound(args: string[]): Promise<Run> {
  return new Promise((resolve) => {
    const p = spawn(process.execPath, [houndMain, ...args])
    let stdout = ''
    let stderr = ''
    p.stdout.on('data', (d) => {
      stdout += d
    })
    p.stderr.on('data', (d) => {
      stderr += d
    })
    p.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }))
  })
}

/**
 * Build dist/ when it is missing or older than any of `sources` (paths under src/), so a CLI test run directly
 * with vitest (without `npm test`, which builds first) never exercises stale JavaScript.
 */
export function ensureBuilt(sources: readonly string[]): void {
  const built = existsSync(houndMain) ? statSync(houndMain).mtimeMs : 0
  if (built > 0 && sources.every((f) => statSync(join(repoRoot, 'src', f)).mtimeMs < built)) return
  try {
    execFileSync(process.execPath, [join(repoRoot, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.build.json'], {
      cwd: repoRoot,
      stdio: 'ignore',
    })
  } catch {
    // type errors elsewhere in the tree still emit JavaScript; the tests fail if ours did not
  }
}
