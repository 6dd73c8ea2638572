/**
 * Test-only: paths into ../shared/data (real public data, read-only; provenance in its README).
 * CI clones the repository with `shared/` beside it, so the data sits at <repo>/../shared/data.
 * @internal
 */
import { existsSync } from 'node:fs'
import { resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

export const repoRoot: string = resolve(fileURLToPath(new URL('../..', import.meta.url)))
export const sharedData: string = resolve(repoRoot, '../shared/data')

export function dataPath(rel: string): string {
  return resolve(sharedData, rel)
}

export const hasSharedData: boolean = existsSync(sharedData)
