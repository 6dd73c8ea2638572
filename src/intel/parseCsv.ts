/**
 * A small RFC 4180 CSV reader (quoted fields, doubled quotes, CRLF or LF, embedded newlines in quotes).
 * Label files are small enough (≤ millions of short rows) that a dependency is not worth it.
 * @module
 */
import { ImportError } from '../core/errors.js'

/** Parse CSV text into rows of fields. A trailing newline does not produce an empty row. */
export function parseCsv(text: string, file = '<csv>'): string[][] {
  const rows: string[][] = []
  let row: string[] = []
  let field = ''
  let i = 0
  let line = 1
  const n = text.length
  let quoted = false
  let fieldStarted = false
  while (i < n) {
    const c = text[i]!
    if (quoted) {
      if (c === '"') {
        if (text[i + 1] === '"') {
          field += '"'
          i += 2
          continue
        }
        quoted = false
        i++
        continue
      }
      if (c === '\n') line++
      field += c
      i++
      continue
    }
    if (c === '"' && !fieldStarted) {
      quoted = true
      fieldStarted = true
      i++
      continue
    }
    if (c === ',') {
      row.push(field)
      field = ''
      fieldStarted = false
      i++
      continue
    }
    if (c === '\n' || c === '\r') {
      row.push(field)
      rows.push(row)
      row = []
      field = ''
      fieldStarted = false
      if (c === '\r' && text[i + 1] === '\n') i++
      i++
      line++
      continue
    }
    field += c
    fieldStarted = true
    i++
  }
  if (quoted) throw new ImportError(`${file}: unterminated quoted field`, { details: { file, line } })
  if (fieldStarted || row.length > 0) {
    row.push(field)
    rows.push(row)
  }
  return rows
}

/** Parse CSV with a header row into records keyed by the (trimmed, lowercased) header names. */
export function parseCsvRecords(text: string, file = '<csv>'): { header: string[]; records: Record<string, string>[] } {
  const rows = parseCsv(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text, file)
  const header = (rows[0] ?? []).map((h) => h.trim().toLowerCase())
  const records: Record<string, string>[] = []
  for (let r = 1; r < rows.length; r++) {
    const row = rows[r]!
    if (row.length === 1 && row[0] === '') continue
    const rec: Record<string, string> = {}
    header.forEach((h, j) => {
      rec[h] = row[j] ?? ''
    })
    records.push(rec)
  }
  return { header, records }
}
