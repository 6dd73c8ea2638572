/**
 * Token-bucket rate limiting per client (an API key id, or an IP for anonymous calls). A bucket holds up to
 * `burst` tokens and refills at `ratePerSec`; a request takes one token or is refused with the seconds until a
 * token is available (the `Retry-After` of the 429).
 * @module
 */
type Bucket = { tokens: number; last: number }

export class RateLimiter {
  private readonly buckets = new Map<string, Bucket>()

  constructor(private readonly now: () => number = () => performance.now() / 1000) {}

  /** Take `cost` tokens; returns 0 when allowed, else the seconds to wait. */
  take(client: string, ratePerSec: number, burst: number, cost = 1): number {
    const t = this.now()
    let b = this.buckets.get(client)
    if (!b) {
      if (this.buckets.size > 100_000) this.buckets.clear()
      b = { tokens: burst, last: t }
      this.buckets.set(client, b)
    } else {
      b.tokens = Math.min(burst, b.tokens + (t - b.last) * ratePerSec)
      b.last = t
    }
    if (b.tokens >= cost) {
      b.tokens -= cost
      return 0
    }
    return (cost - b.tokens) / ratePerSec
  }
}
