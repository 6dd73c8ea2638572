/**
 * Test-only: a temporary store ingested by the real CLI (`hound ingest btc`) from the first 600 real mainnet
 * blocks, shared by the CLI end-to-end tests. Call inside a `describe`: it registers the beforeAll that builds
 * dist/ (when older than `sources`) and ingests, and the afterAll that removes the directory.
 * @internal
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, expect } from 'vitest'
import { dataPath } from '../core/_testData.js'
import { ensureBuilt, hound } from './_runHound.js'

export function useNbitcoinStore(
  prefix: string,
  sources: readonly string[],
  file = 'nb.duckdb',
): { dir: string; db: string } {
  const dir = mkdtempSync(join(tmpdir(), prefix))
  const db = join(dir, file)
  beforeAll(async () => {
    ensureBuilt(sources)
    const r = await hound(['ingest', 'btc', '--blocks', dataPath('btc/nbitcoin'), '--db', db, '--json', '--quiet'])
    expect(r.code, r.stderr).toBe(0)
  }, 180_000)
  afterAll(() => rmSync(dir, { recursive: true, force: true }))
  return { dir, db }
}
