import { describe, expect, it } from 'vitest'
import { BundleSyntaxError, BundleTokenizer } from './BundleTokenizer.js'

const limits = { maxDepth: 24, maxElementChars: 1 << 20 }

/** Feed `text` in chunks of the given sizes (cycled) and collect every element. */
function feed(text: string, sizes: number[], l = limits): { objs: unknown[]; tok: BundleTokenizer } {
  const tok = new BundleTokenizer(l)
  const objs: unknown[] = []
  let i = 0
  let k = 0
  while (i < text.length) {
    const n = sizes[k++ % sizes.length]!
    objs.push(...tok.push(text.slice(i, i + n)))
    i += n
  }
  tok.end()
  return { objs, tok }
}

describe('BundleTokenizer (streaming objects of a bundle in any layout)', () => {
  const objects = [
    { type: 'identity', id: 'identity--1', name: 'A "quoted" {brace} [bracket] \\ back\\slash', n: 1.5e3 },
    { type: 'indicator', nested: { a: [1, [2, [3]], { b: null }], t: true, f: false }, s: 'é ✓ \u0000 \ud83d\ude00' },
    [],
    'a string element',
    42,
    null,
  ]
  const doc = { x_before: { deep: [[['skip']]] }, objects, type: 'bundle', id: 'bundle--9', spec: 'z' }

  it('gives the same elements as JSON.parse whatever the chunking and the whitespace', () => {
    for (const text of [JSON.stringify(doc), JSON.stringify(doc, null, 2), JSON.stringify(doc, null, '\t')])
      for (const sizes of [[1], [2, 3, 5, 7], [64], [1 << 16], [13, 1, 1, 29]]) {
        const { objs, tok } = feed(text, sizes)
        expect(objs).toEqual(objects)
        expect(tok.type).toBe('bundle')
        expect(tok.id).toBe('bundle--9')
        expect(tok.hasObjects).toBe(true)
      }
    const empty = feed('{"type":"bundle","id":"bundle--1"}', [3])
    expect(empty.objs).toEqual([])
    expect(empty.tok.hasObjects).toBe(false)
    expect(feed('{"objects":[],"type":"bundle"}', [1]).objs).toEqual([])
  })

  it('rejects deep nesting before parsing, oversized elements, bad structure and truncation', () => {
    const bad = (text: string, l = limits) => {
      try {
        feed(text, [7], l)
      } catch (e) {
        expect(e).toBeInstanceOf(BundleSyntaxError)
        return (e as Error).message
      }
      throw new Error(`accepted: ${text.slice(0, 60)}`)
    }
    expect(bad(`{"objects":[${'['.repeat(100_000)}${']'.repeat(100_000)}]}`)).toMatch(/deeper than 24/)
    expect(bad(`{"objects":[{"a":"${'x'.repeat(200)}"}]}`, { maxDepth: 24, maxElementChars: 100 })).toMatch(/larger/)
    expect(bad('{"objects":{"a":1}}')).toMatch(/not a list/)
    expect(bad('[{"type":"bundle"}]')).toMatch(/not a JSON object/)
    expect(bad('{"objects":[{"a":1}] "type":"bundle"}')).toMatch(/expected/)
    expect(bad('{"objects":[{"a":1},{"b":2')).toMatch(/truncated/)
    expect(bad('{"objects":[{"a":1}]} trailing')).toMatch(/after the end/)
    expect(bad('{"objects":[{"a":tru}]}')).toMatch(/bad JSON/)
    expect(bad('{"objects":[],"objects":[]}')).toMatch(/twice/)
  })
})
