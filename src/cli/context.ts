/**
 * What every command gets: resolved global options and output helpers. Commands never call process.exit;
 * they return or throw, and main.ts maps errors to exit codes (0 ok, 1 runtime error, 2 usage error).
 * @module
 */
import { resolve } from 'node:path'

export type GlobalOptions = { db?: string; json?: boolean; quiet?: boolean }

/** The store file: `--db`, else `$HOUND_DB`, else `./hound.duckdb`. */
export function dbPath(opts: { db?: string | undefined }): string {
  return resolve(opts.db ?? process.env.HOUND_DB ?? 'hound.duckdb')
}

/** JSON for scripts: bigint as decimal strings (wei), everything else as JSON. */
export function toJson(value: unknown, pretty = true): string {
  // without a replacer first (JSON.stringify's fast path: ~2× faster on large results); a bigint anywhere throws
  // TypeError, and the replacer renders it as a decimal string
  try {
    return JSON.stringify(value, null, pretty ? 2 : undefined)
  } catch (e) {
    if (!(e instanceof TypeError)) throw e
    return JSON.stringify(value, (_k, v) => (typeof v === 'bigint' ? v.toString() : v), pretty ? 2 : undefined)
  }
}

export function printJson(value: unknown): void {
  process.stdout.write(`${toJson(value)}\n`)
}

/** Plain aligned table for humans. */
export function formatTable(
  headers: readonly string[],
  rows: readonly (readonly (string | number | null)[])[],
): string {
  const cells = [headers, ...rows.map((r) => r.map((c) => (c === null ? '-' : String(c))))]
  const widths = headers.map((_, j) => Math.max(...cells.map((r) => (r[j] ?? '').length)))
  const line = (r: readonly string[]) =>
    r
      .map((c, j) => c.padEnd(widths[j]!))
      .join('  ')
      .trimEnd()
  return [line(cells[0]!), line(widths.map((w) => '-'.repeat(w))), ...cells.slice(1).map(line)].join('\n')
}

/** Format satoshi as BTC with 8 decimals (display only; stored amounts stay integers). */
export function formatBtc(sats: number): string {
  const neg = sats < 0
  const s = Math.abs(sats).toString().padStart(9, '0')
  return `${neg ? '-' : ''}${s.slice(0, -8)}.${s.slice(-8)}`
}
