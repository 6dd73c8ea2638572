import { describe, expect, it } from 'vitest'
import { RateLimiter } from './RateLimiter.js'

describe('RateLimiter (token bucket)', () => {
  it('allows a burst, then refills at the rate; the wait is the time to the next token', () => {
    let now = 0
    const rl = new RateLimiter(() => now)
    expect([1, 2, 3].map(() => rl.take('k', 2, 3))).toEqual([0, 0, 0])
    expect(rl.take('k', 2, 3)).toBeCloseTo(0.5, 9)
    now = 0.5
    expect(rl.take('k', 2, 3)).toBe(0)
    expect(rl.take('k', 2, 3)).toBeCloseTo(0.5, 9)
    now = 100
    expect([1, 2, 3, 4].map(() => rl.take('k', 2, 3) === 0)).toEqual([true, true, true, false])
    // clients are independent
    expect(rl.take('other', 2, 3)).toBe(0)
  })
})
