import { describe, expect, it } from 'vitest'
import { lazarusLabels } from './_shareTestData.js'
import { hashAddress, PsiClient, PsiServerSession, tagOf } from './psi.js'

describe('DH private set intersection (ristretto255)', () => {
  const laz = lazarusLabels().map((l) => l.address)
  const clientOnly = [
    '1295rkVyNfFpqZpXvKGhDqwhP1jZcNNDMV',
    '129zKFLoVad9JtxSmDKeJoLCsjhGR7b3vr',
    'bc1qa5wkgaew2dkv56kfvj49j0av5nml45x9ek9hz6',
  ]
  const serverOnly = ['123WBUDmSJv4GctdVEz6Qq6z8nXSKrJ4KX', '125W5ek3DT6Zqy5S2iPt4FHQdNMCbZA3FU']
  const shared = laz.slice(0, 3)

  it('finds exactly the overlap, matching canonical forms (EIP-55 vs lowercase)', () => {
    const clientSet = [...clientOnly, ...shared.map((a) => (a.startsWith('0x') ? a.toLowerCase() : a))]
    const serverSet = [...serverOnly, ...laz]
    const c = new PsiClient(clientSet)
    const s = new PsiServerSession()
    const found = c.intersect(s.evaluate(c.blind()), new Set(s.tags(serverSet)))
    expect(found.sort()).toEqual(clientSet.filter((a) => !clientOnly.includes(a)).sort())
    expect(
      new PsiClient(clientOnly).intersect(s.evaluate(new PsiClient(clientOnly).blind()), new Set(s.tags(serverSet))),
    ).toEqual([])
  })

  it('the transcript reveals no non-shared element: blinded points and tags are unlinkable to the plain hashes', () => {
    const c = new PsiClient([...clientOnly, shared[0]!])
    const s = new PsiServerSession()
    const blinded = c.blind()
    const evaluated = s.evaluate(blinded)
    const tags = s.tags([...serverOnly, shared[0]!])
    const transcript = JSON.stringify({ blinded, evaluated, tags })
    // no address, no unblinded hash point and no unkeyed tag of any element appears
    for (const a of [...clientOnly, ...serverOnly, shared[0]!]) {
      expect(transcript).not.toContain(a)
      expect(transcript).not.toContain(hashAddress(a).toHex())
      expect(tags).not.toContain(tagOf(hashAddress(a)))
    }
    // a second session blinds the same list to different points (fresh client and server secrets)
    const c2 = new PsiClient(c.addresses)
    expect(c2.blind().some((p) => blinded.includes(p))).toBe(false)
    const s2 = new PsiServerSession()
    expect(s2.tags([serverOnly[0]!])[0]).not.toBe(s.tags([serverOnly[0]!])[0])
    // the server-side view of a client-only element: guessing it requires the client's secret
    const guess = new PsiServerSession().evaluate([hashAddress(clientOnly[0]!).toHex()])[0]
    expect(blinded).not.toContain(guess)
  })

  it('the async forms give the same answers and leave the event loop free between slices', async () => {
    const s = new PsiServerSession()
    const set = Array.from({ length: 300 }, (_, i) => `0x${(i + 1).toString(16).padStart(40, '0')}`)
    const c = new PsiClient(set.slice(0, 40))
    const blinded = c.blind()
    // count event-loop turns while the work runs: done in one synchronous go it would allow none. Counting turns
    // (not timer ticks against wall time) keeps the test independent of machine load.
    let turns = 0
    let running = true
    const spin = () => {
      turns++
      if (running) setImmediate(spin)
    }
    setImmediate(spin)
    const t0 = performance.now()
    const [tags, evaluated] = await Promise.all([s.tagsAsync(set), s.evaluateAsync(blinded)])
    const ms = performance.now() - t0
    running = false
    expect(tags).toEqual(s.tags(set))
    expect(evaluated).toEqual(s.evaluate(blinded))
    expect(c.intersect(evaluated, new Set(tags)).length).toBe(40)
    // 340 multiplications take hundreds of ms in ≤ 20 ms slices: the loop got a turn between slices
    if (ms > 60) expect(turns).toBeGreaterThanOrEqual(2)
  })

  it('rejects malformed points', () => {
    const s = new PsiServerSession()
    expect(() => s.evaluate(['00'.repeat(32)])).toThrow()
    expect(() => s.evaluate(['zz'])).toThrow()
  })
})
