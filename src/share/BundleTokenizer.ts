/**
 * A streaming tokenizer for a STIX bundle in any JSON layout: text is fed in chunks, and each element of the
 * top-level `objects` array is handed out as soon as its closing bracket arrives, so a bundle of millions of
 * objects is never held whole (memory is bounded by the largest single object). The scanner tracks strings,
 * escapes and nesting itself and only calls `JSON.parse` on one element's text, after checking its depth and size:
 * a hostile document (deep nesting, a giant object, garbage) is rejected before anything recursive runs.
 * Top-level members other than `objects` are scanned the same way (`type` and `id` are kept, the rest skipped);
 * they may come in any order, so the caller checks `type`/`id` at `end()`.
 * @module
 */

export type TokenizerLimits = {
  /** Deepest nesting inside one element (the element itself is depth 1, like jsonDepth). */
  readonly maxDepth: number
  /** Largest single element, in UTF-16 code units. */
  readonly maxElementChars: number
}

/** A structural problem; `at` is the character offset in the whole text. */
export class BundleSyntaxError extends Error {
  constructor(
    message: string,
    readonly at: number,
  ) {
    super(`${message} at character ${at}`)
  }
}

type State =
  | 'start'
  | 'key'
  | 'keyOrEnd'
  | 'colon'
  | 'value'
  | 'member'
  | 'arrStart'
  | 'elemOrEnd'
  | 'elem'
  | 'arrNext'
  | 'end'

const WS = (c: number) => c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09

export class BundleTokenizer {
  private buf = ''
  /** Offset of buf[0] in the whole text. */
  private base = 0
  private pos = 0
  private state: State = 'start'
  private key = ''
  /** Scanning one value: where it started, where the scan is, nesting and string state. */
  private vStart = -1
  private vScan = 0
  private depth = 0
  private inStr = false
  private esc = false
  /** Top-level `type` and `id` (parsed), when present. */
  type: unknown = undefined
  id: unknown = undefined
  /** Whether the document had an `objects` member. */
  hasObjects = false

  constructor(private readonly limits: TokenizerLimits) {}

  private fail(msg: string, i = this.pos): never {
    throw new BundleSyntaxError(msg, this.base + i)
  }

  /** Feed the next chunk; returns the elements of `objects` completed by it (parsed, in order). */
  push(chunk: string): unknown[] {
    const cut = this.vStart >= 0 ? Math.min(this.vStart, this.pos) : this.pos
    if (cut > 0) {
      this.buf = this.buf.slice(cut)
      this.base += cut
      this.pos -= cut
      if (this.vStart >= 0) {
        this.vStart -= cut
        this.vScan -= cut
      }
    }
    this.buf += chunk
    const out: unknown[] = []
    this.run(out, false)
    return out
  }

  /** End of input: throws unless the document is complete. */
  end(): void {
    this.run([], true)
    if (this.state !== 'end') this.fail('truncated document', this.buf.length)
  }

  private skipWs(): boolean {
    const b = this.buf
    while (this.pos < b.length && WS(b.charCodeAt(this.pos))) this.pos++
    return this.pos < b.length
  }

  /** Scan the value starting at vStart; true when complete (value text is buf[vStart, vScan)). */
  private scanValue(eof: boolean): boolean {
    const b = this.buf
    const n = b.length
    let i = this.vScan
    const first = b.charCodeAt(this.vStart)
    if (first !== 0x7b && first !== 0x5b && first !== 0x22) {
      // number / true / false / null: ends at a delimiter
      while (i < n) {
        const c = b.charCodeAt(i)
        if (c === 0x2c || c === 0x5d || c === 0x7d || WS(c)) break
        i++
      }
      this.vScan = i
      if (i - this.vStart > 64) this.fail('scalar too long', this.vStart)
      return i < n || eof
    }
    let { depth, inStr, esc } = this
    const maxDepth = this.limits.maxDepth
    for (; i < n; i++) {
      const c = b.charCodeAt(i)
      if (inStr) {
        if (esc) esc = false
        else if (c === 0x5c) esc = true
        else if (c === 0x22) {
          inStr = false
          if (depth === 0) {
            i++
            break
          }
        }
        continue
      }
      if (c === 0x22) inStr = true
      else if (c === 0x7b || c === 0x5b) {
        if (++depth > maxDepth) this.fail(`element nests deeper than ${maxDepth}`, i)
      } else if (c === 0x7d || c === 0x5d) {
        if (--depth === 0) {
          i++
          break
        }
      }
    }
    this.depth = depth
    this.inStr = inStr
    this.esc = esc
    this.vScan = i
    if (i - this.vStart > this.limits.maxElementChars)
      this.fail(`element larger than ${this.limits.maxElementChars} characters`, this.vStart)
    return depth === 0 && !inStr && i > this.vStart
  }

  private beginValue(): void {
    this.vStart = this.pos
    this.vScan = this.pos
    this.depth = 0
    this.inStr = this.buf.charCodeAt(this.pos) === 0x22
    this.esc = false
    if (this.inStr) this.vScan = this.pos + 1
  }

  /** Parse the completed value and move past it. */
  private takeValue(): unknown {
    const text = this.buf.slice(this.vStart, this.vScan)
    let v: unknown
    try {
      v = JSON.parse(text)
    } catch (e) {
      this.fail(`bad JSON value: ${(e as Error).message}`, this.vStart)
    }
    this.pos = this.vScan
    this.vStart = -1
    return v
  }

  private run(out: unknown[], eof: boolean): void {
    const b = () => this.buf
    for (;;) {
      if (this.state === 'end') {
        if (this.skipWs()) this.fail('content after the end of the document')
        return
      }
      if (this.vStart < 0 && !this.skipWs()) return
      const c = b().charCodeAt(this.pos)
      switch (this.state) {
        case 'start':
          if (c !== 0x7b) this.fail('not a JSON object')
          this.pos++
          this.state = 'keyOrEnd'
          break
        case 'keyOrEnd':
        case 'key': {
          if (c === 0x7d && this.state === 'keyOrEnd') {
            this.pos++
            this.state = 'end'
            break
          }
          if (c !== 0x22) this.fail('expected a member name')
          const close = b().indexOf('"', this.pos + 1)
          if (close < 0) {
            if (b().length - this.pos > 1024) this.fail('member name too long')
            return
          }
          try {
            this.key = JSON.parse(b().slice(this.pos, close + 1)) as string
          } catch {
            this.fail('bad member name')
          }
          this.pos = close + 1
          this.state = 'colon'
          break
        }
        case 'colon':
          if (c !== 0x3a) this.fail('expected ":"')
          this.pos++
          this.state = this.key === 'objects' ? 'arrStart' : 'value'
          break
        case 'arrStart':
          if (this.hasObjects) this.fail('"objects" given twice')
          this.hasObjects = true
          if (c !== 0x5b) this.fail('"objects" is not a list')
          this.pos++
          this.state = 'elemOrEnd'
          break
        case 'elemOrEnd':
        case 'elem':
          if (this.vStart < 0) {
            if (c === 0x5d && this.state === 'elemOrEnd') {
              this.pos++
              this.state = 'member'
              break
            }
            this.beginValue()
          }
          if (!this.scanValue(eof)) return
          out.push(this.takeValue())
          this.state = 'arrNext'
          break
        case 'arrNext':
          if (c === 0x2c) this.state = 'elem'
          else if (c === 0x5d) this.state = 'member'
          else this.fail('expected "," or "]" in "objects"')
          this.pos++
          break
        case 'value': {
          if (this.vStart < 0) this.beginValue()
          if (!this.scanValue(eof)) return
          const v = this.takeValue()
          if (this.key === 'type') this.type = v
          else if (this.key === 'id') this.id = v
          this.state = 'member'
          break
        }
        case 'member':
          if (c === 0x2c) this.state = 'key'
          else if (c === 0x7d) this.state = 'end'
          else this.fail('expected "," or "}"')
          this.pos++
          break
      }
    }
  }
}
