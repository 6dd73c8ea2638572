import { readFileSync } from 'node:fs'
import { describe, expect, test } from 'vitest'
import { DecodeError, errorClasses, HoundError, UsageError } from './errors.js'

describe('errors', () => {
  test('docs/errors.md and the code table agree in both directions', () => {
    const doc = readFileSync(new URL('../../docs/errors.md', import.meta.url), 'utf8')
    const documented = new Map<string, string>()
    for (const m of doc.matchAll(/^\| `(HOUND_ERR_[A-Z_]+)` \| `(\w+)` \| (\d) \|/gm)) documented.set(m[1]!, m[2]!)
    const inCode = new Map<string, string>(errorClasses.map((c) => [c.code, c.name]))
    expect(Object.fromEntries(documented)).toEqual(Object.fromEntries(inCode))
  })

  test('errors carry name, code, details and exit code', () => {
    const e = new DecodeError('truncated block at offset 8 of blk00000.dat', {
      details: { file: 'blk00000.dat', offset: 8 },
    })
    expect(e).toBeInstanceOf(HoundError)
    expect(e.name).toBe('DecodeError')
    expect(e.code).toBe('HOUND_ERR_DECODE')
    expect(e.exitCode).toBe(1)
    expect(e.toJSON()).toEqual({
      name: 'DecodeError',
      code: 'HOUND_ERR_DECODE',
      message: 'truncated block at offset 8 of blk00000.dat',
      details: { file: 'blk00000.dat', offset: 8 },
    })
    expect(new UsageError('x').exitCode).toBe(2)
  })
})
