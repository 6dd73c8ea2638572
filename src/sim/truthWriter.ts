/**
 * Streams the ground truth to DIR/truth/*.jsonl (one JSON object per line). Lines are buffered and flushed with
 * synchronous writes in order, so the output is byte-for-byte deterministic and memory stays flat.
 * Format: docs/simulator.md.
 * @module
 */
import { closeSync, mkdirSync, openSync, writeFileSync, writeSync } from 'node:fs'
import { join } from 'node:path'

export const truthFiles = [
  'entities',
  'addresses',
  'change',
  'coinjoins',
  'peel_chains',
  'structuring',
  'chain_hops',
  'incidents',
  'flows',
  'decoys',
  'labels',
] as const
export type TruthFile = (typeof truthFiles)[number]

const FLUSH_AT = 1 << 20

class LineSink {
  private parts: string[] = []
  private size = 0
  lines = 0
  constructor(private readonly fd: number) {}

  write(line: string): void {
    this.parts.push(line)
    this.size += line.length + 1
    this.lines++
    if (this.size >= FLUSH_AT) this.flush()
  }

  flush(): void {
    if (this.parts.length === 0) return
    writeSync(this.fd, `${this.parts.join('\n')}\n`)
    this.parts = []
    this.size = 0
  }

  close(): void {
    this.flush()
    closeSync(this.fd)
  }
}

export class TruthWriter {
  readonly dir: string
  private readonly sinks: Record<TruthFile, LineSink>

  constructor(outDir: string) {
    this.dir = join(outDir, 'truth')
    mkdirSync(this.dir, { recursive: true })
    const s = {} as Record<TruthFile, LineSink>
    for (const f of truthFiles) s[f] = new LineSink(openSync(join(this.dir, `${f}.jsonl`), 'w'))
    this.sinks = s
  }

  /** Append one record (serialised with JSON.stringify, keys in the given order). */
  write(file: TruthFile, record: object): void {
    this.sinks[file].write(JSON.stringify(record))
  }

  /** Append a pre-serialised JSON line (hot paths). */
  writeLine(file: TruthFile, line: string): void {
    this.sinks[file].write(line)
  }

  /** Lines written so far per file. */
  counts(): Record<TruthFile, number> {
    const c = {} as Record<TruthFile, number>
    for (const f of truthFiles) c[f] = this.sinks[f].lines
    return c
  }

  writeMeta(meta: object): void {
    writeFileSync(join(this.dir, 'meta.json'), `${JSON.stringify(meta, null, 2)}\n`)
  }

  close(): void {
    for (const f of truthFiles) this.sinks[f].close()
  }
}
