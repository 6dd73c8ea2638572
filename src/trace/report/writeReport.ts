/**
 * Write a case report directory: index.html (self-contained), trace.json (the data), endpoints.csv (every policy's
 * endpoints) and cashout.csv (service endpoints). Also reads and checks a trace JSON file.
 * @module
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { InvalidInputError, NotFoundError } from '../../core/errors.js'
import { csvField, traceToCsv } from '../formatTrace.js'
import { policyResults, type TraceResult } from '../runTrace.js'
import { cashOutRows } from './cashOutRows.js'
import { renderReport } from './renderReport.js'

/** Read a `hound trace --json` result; InvalidInputError when it is not one. */
export function readTraceFile(path: string): TraceResult {
  let text: string
  try {
    text = readFileSync(path, 'utf8')
  } catch (e) {
    throw new NotFoundError(`cannot read trace file ${path}: ${(e as Error).message}`, { details: { file: path } })
  }
  let v: unknown
  try {
    v = JSON.parse(text)
  } catch (e) {
    throw new InvalidInputError(`${path} is not JSON: ${(e as Error).message}`, { details: { file: path } })
  }
  const o = v as Partial<TraceResult> & { policies?: unknown; endpoints?: unknown }
  const ok =
    typeof o === 'object' &&
    o !== null &&
    Array.isArray(o.seeds) &&
    typeof o.params === 'object' &&
    (Array.isArray(o.policies) || Array.isArray(o.endpoints))
  if (!ok) {
    throw new InvalidInputError(`${path} is not a trace result (expected the JSON of hound trace --json)`, {
      details: { file: path },
    })
  }
  return o as TraceResult
}

export function writeReport(r: TraceResult, dir: string, o: { title?: string } = {}): string[] {
  mkdirSync(dir, { recursive: true })
  const files: [string, string][] = [
    ['index.html', renderReport(r, o)],
    ['trace.json', `${JSON.stringify(r, null, 2)}\n`],
    ['endpoints.csv', traceToCsv(r)],
  ]
  const cash = ['policy,entity,category,address,amount_sat,first_time,last_time,hops,outputs']
  for (const p of policyResults(r)) {
    for (const c of cashOutRows(p)) {
      cash.push(
        [p.policy, c.entity, c.category, c.address, c.amount, c.firstTime, c.lastTime, c.hops, c.outputs.join(' ')]
          .map(csvField)
          .join(','),
      )
    }
  }
  files.push(['cashout.csv', `${cash.join('\n')}\n`])
  for (const [name, text] of files) writeFileSync(join(dir, name), text)
  return files.map(([n]) => join(dir, n))
}
