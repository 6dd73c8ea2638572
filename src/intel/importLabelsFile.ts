/**
 * `hound intel import labels <file>`: tag files in JSONL (one object per line) or CSV (header row), the format
 * documented in docs/intel.md. Fields: address, chain, category, entity, actor?, source, confidence, tlp,
 * valid_from?, valid_to?, asset?, reference?, note?, scope? (address | cluster).
 *
 * All-or-nothing: every row is validated first; one bad row (named by line) rejects the file and nothing is imported.
 * Idempotent: statements already stored (same source, subject, category, entity, reference) are skipped.
 * @module
 */
import { readFileSync, statSync } from 'node:fs'
import { ImportError } from '../core/errors.js'
import type { HoundStore } from '../store/HoundStore.js'
import { ensureIntelSchema, nextId } from '../store/intelSchema.js'
import { checkAddress } from './canonicalAddress.js'
import {
  insertLabels,
  type LabelInput,
  type LabelScope,
  normalizeCategory,
  normalizeChain,
  normalizeConfidence,
  normalizeTlp,
} from './labels.js'
import { parseCsvRecords } from './parseCsv.js'

/** Largest label file accepted (bytes). */
export const MAX_LABEL_FILE_BYTES = 1 << 30

export type LabelFileFormat = 'jsonl' | 'csv'

export type LabelImportResult = {
  readonly importId: number
  readonly file: string
  readonly format: LabelFileFormat
  readonly rows: number
  readonly added: number
  readonly known: number
}

/** Parse and validate a label file's text into labels (throws ImportError naming the line). */
export function parseLabelFile(text: string, format: LabelFileFormat, file = '<labels>'): LabelInput[] {
  const out: LabelInput[] = []
  if (format === 'jsonl') {
    const lines = text.split('\n')
    for (let i = 0; i < lines.length; i++) {
      const line = lines[i]!.trim()
      if (!line || line.startsWith('#')) continue
      let obj: unknown
      try {
        obj = JSON.parse(line)
      } catch (e) {
        throw new ImportError(`${file}:${i + 1}: not valid JSON`, { cause: e, details: { file, line: i + 1 } })
      }
      if (typeof obj !== 'object' || obj === null || Array.isArray(obj)) {
        throw new ImportError(`${file}:${i + 1}: expected a JSON object`, { details: { file, line: i + 1 } })
      }
      out.push(toLabel(obj as Record<string, unknown>, file, i + 1))
    }
  } else {
    const { header, records } = parseCsvRecords(text, file)
    for (const req of ['address', 'chain', 'category', 'entity', 'source', 'confidence', 'tlp']) {
      if (!header.includes(req)) {
        throw new ImportError(`${file}: CSV header lacks the '${req}' column`, { details: { file, column: req } })
      }
    }
    records.forEach((r, k) => {
      out.push(toLabel(r, file, k + 2))
    })
  }
  return out
}

function toLabel(r: Record<string, unknown>, file: string, line: number): LabelInput {
  const str = (k: string, required: boolean): string | null => {
    const v = r[k]
    if (v === undefined || v === null || v === '') {
      if (required) throw new ImportError(`${file}:${line}: missing '${k}'`, { details: { file, line, field: k } })
      return null
    }
    if (typeof v !== 'string') {
      throw new ImportError(`${file}:${line}: '${k}' must be a string`, { details: { file, line, field: k } })
    }
    if (v.length > 1000) {
      throw new ImportError(`${file}:${line}: '${k}' longer than 1000 characters`, {
        details: { file, line, field: k },
      })
    }
    return v.trim()
  }
  try {
    const address = str('address', true)!
    const chk = checkAddress(address)
    if (!chk.ok) throw new ImportError(`invalid address '${address.slice(0, 140)}': ${chk.reason}`)
    const scope = (str('scope', false) ?? 'address') as LabelScope
    if (scope !== 'address' && scope !== 'cluster') throw new ImportError(`scope must be address or cluster`)
    const date = (k: string) => {
      const v = str(k, false)
      if (v !== null && !/^\d{4}-\d{2}-\d{2}([T ][0-9:.]+Z?)?$/.test(v)) {
        throw new ImportError(`'${k}' must be a date YYYY-MM-DD`)
      }
      return v
    }
    return {
      scope,
      chain: normalizeChain(str('chain', true)!),
      address,
      category: normalizeCategory(str('category', true)!),
      entity: str('entity', true)!,
      actor: str('actor', false),
      source: str('source', true)!,
      confidence: normalizeConfidence(str('confidence', true)!),
      tlp: normalizeTlp(str('tlp', true)!),
      validFrom: date('valid_from'),
      validTo: date('valid_to'),
      asset: str('asset', false),
      reference: str('reference', false),
      note: str('note', false),
    }
  } catch (e) {
    if (e instanceof ImportError && !e.message.startsWith(`${file}:`)) {
      throw new ImportError(`${file}:${line}: ${e.message}`, { cause: e, details: { file, line } })
    }
    throw e
  }
}

/** Format from the name (.jsonl/.ndjson/.json → jsonl, .csv → csv), else from the first character. */
export function detectLabelFormat(file: string, text: string): LabelFileFormat {
  if (/\.(jsonl|ndjson|json)$/i.test(file)) return 'jsonl'
  if (/\.csv$/i.test(file)) return 'csv'
  return text.trimStart().startsWith('{') ? 'jsonl' : 'csv'
}

export async function importLabelsFile(
  store: HoundStore,
  file: string,
  opts: { format?: LabelFileFormat } = {},
): Promise<LabelImportResult> {
  let size: number
  try {
    size = statSync(file).size
  } catch (e) {
    throw new ImportError(`cannot read ${file}: ${e instanceof Error ? e.message : String(e)}`, {
      cause: e,
      details: { file },
    })
  }
  if (size > MAX_LABEL_FILE_BYTES) {
    throw new ImportError(`${file}: ${size} bytes is over the ${MAX_LABEL_FILE_BYTES}-byte limit`, {
      details: { file },
    })
  }
  const text = readFileSync(file, 'utf8')
  const format = opts.format ?? detectLabelFormat(file, text)
  const labels = parseLabelFile(text, format, file)
  await ensureIntelSchema(store)
  return store.transaction(async () => {
    const importId = await nextId(store, 'intel_imports', 'import_id')
    const r = await insertLabels(
      store,
      labels.map((l) => ({ ...l, importId })),
    )
    await store.run(`INSERT INTO intel_imports VALUES (?, 'labels', ?, ?, NULL, NULL, NULL, ?, ?, 0, now())`, [
      importId,
      [...new Set(labels.map((l) => l.source))].join(',').slice(0, 200),
      file,
      labels.length,
      r.added,
    ])
    return { importId, file, format, rows: labels.length, added: r.added, known: r.known }
  })
}
