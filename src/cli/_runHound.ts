/**
 * Test-only: run the built CLI (dist/cli/main.js) in a child process and collect its exit code and output.
 * @internal
 */
import { spawn } from 'node:child_process'
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
