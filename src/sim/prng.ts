/**
 * A fast seeded PRNG (sfc32, Chris Doty-Humphrey's Small Fast Counter) on uint32, and the distributions the
 * simulator draws from. Deterministic across platforms: only 32-bit integer arithmetic and IEEE doubles.
 * @module
 */
import { createHash } from 'node:crypto'

export class Rng {
  private a: number
  private b: number
  private c: number
  private d: number
  private spare: number | null = null

  /** Seed from any string (hashed with SHA-256), e.g. `${seed}/economy`. */
  constructor(seed: string) {
    const h = createHash('sha256').update(seed).digest()
    this.a = h.readUInt32LE(0)
    this.b = h.readUInt32LE(4)
    this.c = h.readUInt32LE(8)
    this.d = h.readUInt32LE(12) | 1
    for (let i = 0; i < 15; i++) this.u32()
  }

  /** Next uint32. */
  u32(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0
    this.d = (this.d + 1) | 0
    this.a = this.b ^ (this.b >>> 9)
    this.b = (this.c + (this.c << 3)) | 0
    this.c = (this.c << 21) | (this.c >>> 11)
    this.c = (this.c + t) | 0
    return t >>> 0
  }

  /** Uniform in [0, 1). */
  float(): number {
    return this.u32() / 4294967296
  }

  /** Uniform integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.float() * n)
  }

  /** Uniform integer in [lo, hi]. */
  range(lo: number, hi: number): number {
    return lo + this.int(hi - lo + 1)
  }

  chance(p: number): boolean {
    return this.float() < p
  }

  pick<T>(arr: readonly T[]): T {
    return arr[this.int(arr.length)]!
  }

  /** Index drawn with the given non-negative weights. */
  weighted(weights: readonly number[]): number {
    let total = 0
    for (const w of weights) total += w
    let r = this.float() * total
    for (let i = 0; i < weights.length; i++) {
      r -= weights[i]!
      if (r < 0) return i
    }
    return weights.length - 1
  }

  /** Standard normal (Box–Muller). */
  normal(): number {
    if (this.spare !== null) {
      const s = this.spare
      this.spare = null
      return s
    }
    let u = 0
    while (u === 0) u = this.float()
    const v = this.float()
    const r = Math.sqrt(-2 * Math.log(u))
    this.spare = r * Math.sin(2 * Math.PI * v)
    return r * Math.cos(2 * Math.PI * v)
  }

  /** Log-normal with the given median and log-space sigma. */
  logNormal(median: number, sigma: number): number {
    return median * Math.exp(sigma * this.normal())
  }

  /** Exponential with the given mean. */
  expo(mean: number): number {
    return -mean * Math.log(1 - this.float())
  }

  /** Fill `out` with random bytes. */
  fill(out: Uint8Array, start = 0, end = out.length): Uint8Array {
    let i = start
    while (i + 4 <= end) {
      const v = this.u32()
      out[i] = v & 0xff
      out[i + 1] = (v >>> 8) & 0xff
      out[i + 2] = (v >>> 16) & 0xff
      out[i + 3] = v >>> 24
      i += 4
    }
    if (i < end) {
      let v = this.u32()
      for (; i < end; i++) {
        out[i] = v & 0xff
        v >>>= 8
      }
    }
    return out
  }

  /** Fisher–Yates shuffle in place. */
  shuffle<T>(arr: T[]): T[] {
    for (let i = arr.length - 1; i > 0; i--) {
      const j = this.int(i + 1)
      const t = arr[i]!
      arr[i] = arr[j]!
      arr[j] = t
    }
    return arr
  }
}
