/**
 * Transaction hashes of an account transfer set kept compact: a 0x + 64-hex hash as 4 × 64-bit words, anything else
 * (CSV imports may carry other identifiers) as a string. `txHashes` renders hex on access; `txIdsOf` scans the
 * words. Shared by the store loader and the snapshot reader, so both give the same `txHashes`/`txIdsOf`, and the
 * snapshot writer can read the words back (`txHashColumnsOf`) instead of re-parsing rendered strings.
 * @module
 */

export type TxHashColumns = {
  /** Number of transactions. */
  readonly n: number
  /** 4 words per transaction (big-endian order of the hex digits); zeros where `strings` has the id. */
  readonly words: BigUint64Array
  /** Transactions whose identifier is not a 0x + 64-hex hash. */
  readonly strings: ReadonlyMap<number, string>
}

const HEX64 = /^0x[0-9a-f]{64}$/
const columnsOf = new WeakMap<object, TxHashColumns>()

/** The columns behind a `txHashes` made by `txHashAccess`, else undefined (a set built from rows). */
export function txHashColumnsOf(txHashes: ArrayLike<string>): TxHashColumns | undefined {
  return columnsOf.get(txHashes)
}

/** `txHashes` (renders 0x hex lazily, caching what it rendered) and `txIdsOf` over the columns. */
export function txHashAccess(cols: TxHashColumns): {
  txHashes: ArrayLike<string>
  txIdsOf: (hash: string) => number[]
} {
  const { n: nTx, words: hw, strings: hstr } = cols
  const cache = new Map<number, string>()
  const at = (t: number): string | undefined => {
    if (t < 0 || t >= nTx) return undefined
    const s = hstr.get(t) ?? cache.get(t)
    if (s !== undefined) return s
    let h = '0x'
    for (let q = 0; q < 4; q++) h += hw[4 * t + q]!.toString(16).padStart(16, '0')
    cache.set(t, h)
    return h
  }
  const txHashes = new Proxy({ length: nTx } as ArrayLike<string>, {
    get(target, k) {
      if (typeof k === 'string') {
        const c = k.charCodeAt(0)
        if (c >= 48 && c <= 57) return at(Number(k))
      }
      return Reflect.get(target, k)
    },
  })
  columnsOf.set(txHashes, cols)
  const txIdsOf = (h: string): number[] => {
    const out: number[] = []
    if (HEX64.test(h)) {
      const q = [0, 1, 2, 3].map((i) => BigInt(`0x${h.slice(2 + 16 * i, 18 + 16 * i)}`))
      for (let t = 0; t < nTx; t++)
        if (hw[4 * t] === q[0] && hw[4 * t + 1] === q[1] && hw[4 * t + 2] === q[2] && hw[4 * t + 3] === q[3])
          if (!hstr.has(t)) out.push(t)
    } else for (const [t, s] of hstr) if (s === h) out.push(t)
    return out
  }
  return { txHashes, txIdsOf }
}

/** Columns from rendered hashes (for sets that were not built from columns). */
export function txHashColumnsFromStrings(txHashes: ArrayLike<string>): TxHashColumns {
  const n = txHashes.length
  const words = new BigUint64Array(4 * n)
  const strings = new Map<number, string>()
  for (let t = 0; t < n; t++) {
    const h = txHashes[t]!
    if (HEX64.test(h)) for (let q = 0; q < 4; q++) words[4 * t + q] = BigInt(`0x${h.slice(2 + 16 * q, 18 + 16 * q)}`)
    else strings.set(t, h)
  }
  return { n, words, strings }
}
