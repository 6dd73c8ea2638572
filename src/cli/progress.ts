/**
 * Progress reporting for long work: a redrawn bar on a TTY (stderr), plain lines otherwise
 * (one every `plainEveryMs`), nothing with `quiet`. Rates are computed over the whole run.
 * @module
 */
export type ProgressOptions = {
  label: string
  /** Total units when known (enables percentage and ETA). */
  total?: number | undefined
  unit?: string
  quiet?: boolean | undefined
  stream?: NodeJS.WriteStream
  plainEveryMs?: number
}

export class Progress {
  private readonly start = Date.now()
  private last = 0
  private done = 0
  private extra: Record<string, number> = {}
  private readonly tty: boolean
  private readonly stream: NodeJS.WriteStream

  constructor(private readonly o: ProgressOptions) {
    this.stream = o.stream ?? process.stderr
    this.tty = Boolean(this.stream.isTTY)
  }

  /** Set absolute progress and optional side counters (e.g. txs) shown as rates. */
  update(done: number, extra: Record<string, number> = {}): void {
    this.done = done
    this.extra = extra
    if (this.o.quiet) return
    const now = Date.now()
    const every = this.tty ? 100 : (this.o.plainEveryMs ?? 2000)
    if (now - this.last < every) return
    this.last = now
    this.render(false)
  }

  finish(): void {
    if (!this.o.quiet) this.render(true)
  }

  private render(final: boolean): void {
    const secs = Math.max((Date.now() - this.start) / 1000, 1e-3)
    const unit = this.o.unit ?? 'items'
    const parts = [`${this.o.label}: ${this.done.toLocaleString('en-US')} ${unit}`]
    if (this.o.total) parts.push(`${((100 * this.done) / this.o.total).toFixed(1)}%`)
    parts.push(`${Math.round(this.done / secs).toLocaleString('en-US')} ${unit}/s`)
    for (const [k, v] of Object.entries(this.extra))
      parts.push(`${Math.round(v / secs).toLocaleString('en-US')} ${k}/s`)
    if (this.o.total && this.done > 0 && !final) {
      const eta = ((this.o.total - this.done) * secs) / this.done
      parts.push(`ETA ${eta < 60 ? `${eta.toFixed(0)}s` : `${(eta / 60).toFixed(1)}m`}`)
    }
    if (final) parts.push(`done in ${secs.toFixed(1)}s`)
    let text = parts.join('  ')
    if (this.tty && this.o.total) {
      const width = 24
      const filled = Math.min(width, Math.round((width * this.done) / this.o.total))
      text = `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${text}`
    }
    if (this.tty) this.stream.write(`\r\x1b[2K${text}${final ? '\n' : ''}`)
    else this.stream.write(`${text}\n`)
  }
}
