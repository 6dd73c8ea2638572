import { randomBytes } from 'node:crypto'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, test } from 'vitest'
import { dataPath } from '../core/_testData.js'
import { HoundError } from '../core/errors.js'
import type { RawBlock } from '../ingest/types.js'
import { decodeBlock } from './decodeBlock.js'
import { decodeBlockHeader } from './decodeBlockHeader.js'
import { toHex } from './hash.js'
import { networks } from './networks.js'
import { readBlkDir } from './readBlkDir.js'

const blk0 = dataPath('btc/nbitcoin/blk00000.dat')
const blk1 = dataPath('btc/nbitcoin/blk00001.dat')
const mainnetMagic = networks.mainnet.magic

/** Independent split of a blk file into its blocks (the nbitcoin files are in height order, no padding). */
function records(file: string): Uint8Array[] {
  const b = new Uint8Array(readFileSync(file))
  const out: Uint8Array[] = []
  for (let p = 0; p < b.length; ) {
    const len = new DataView(b.buffer, b.byteOffset + p + 4, 4).getUint32(0, true)
    out.push(b.subarray(p + 8, p + 8 + len))
    p += 8 + len
  }
  return out
}
const allBlocks = [...records(blk0), ...records(blk1)]
const hashOf = (b: Uint8Array): string => decodeBlockHeader(b).hash

function frame(blocks: readonly Uint8Array[], magic = mainnetMagic): Uint8Array {
  const parts: Uint8Array[] = []
  for (const b of blocks) {
    const h = new Uint8Array(8)
    h.set(magic, 0)
    new DataView(h.buffer).setUint32(4, b.length, true)
    parts.push(h, b)
  }
  return Buffer.concat(parts)
}

const tmpDirs: string[] = []
function tmp(): string {
  const d = mkdtempSync(join(tmpdir(), 'hound-blk-'))
  tmpDirs.push(d)
  return d
}
afterAll(() => {
  for (const d of tmpDirs) rmSync(d, { recursive: true, force: true })
})

async function collect(it: AsyncIterable<RawBlock>): Promise<RawBlock[]> {
  const out: RawBlock[] = []
  for await (const b of it) out.push(b)
  return out
}

/** Deterministic shuffle (xorshift) so failures reproduce. */
function shuffled<T>(xs: readonly T[], seed: number): T[] {
  const a = xs.slice()
  let s = seed
  for (let i = a.length - 1; i > 0; i--) {
    s ^= s << 13
    s ^= s >>> 17
    s ^= s << 5
    const j = (s >>> 0) % (i + 1)
    ;[a[i], a[j]] = [a[j]!, a[i]!]
  }
  return a
}

async function expectError(p: Promise<unknown>, name: string): Promise<HoundError> {
  const e = await p.then(
    () => null,
    (err: unknown) => err,
  )
  expect(e).toBeInstanceOf(HoundError)
  expect((e as HoundError).name).toBe(name)
  return e as HoundError
}

describe('readBlkDir: nbitcoin blk00000.dat + blk00001.dat', () => {
  test('600 blocks, heights 0-599, contiguous chain from mainnet genesis, bytes as in the files', async () => {
    const src = readBlkDir([dataPath('btc/nbitcoin')])
    const blocks = await collect(src.blocks({ fromHeight: 0 }))
    expect(blocks.length).toBe(600)
    expect(await src.tipHeight()).toBe(599)
    expect(await src.network()).toBe('mainnet')
    expect(blocks[0]!.hash).toBe(networks.mainnet.genesisHash)
    expect(blocks[0]!.origin).toEqual({ kind: 'file', file: blk0, offset: 8 })
    blocks.forEach((b, i) => {
      expect(b.height).toBe(i)
      if (i > 0) expect(b.prevHash).toBe(blocks[i - 1]!.hash)
      expect(decodeBlockHeader(b.bytes).hash).toBe(b.hash)
      expect(Buffer.compare(b.bytes, allBlocks[i]!)).toBe(0)
    })
    expect(blocks[300]!.origin).toEqual({ kind: 'file', file: blk1, offset: 8 })
    // Full structural check (merkle roots): 616 transactions in all (data README).
    expect(blocks.reduce((n, b) => n + decodeBlock(b.bytes).txs.length, 0)).toBe(616)
    // Block 170 (first payment, Satoshi → Hal Finney).
    expect(blocks[170]!.hash).toBe('00000000d1145790a8694403d4063f323d499e655c83426834d4ce2f8dd4a2ee')
    expect(src.stats()).toMatchObject({ staleBlocks: 0, paddingBytes: 0, duplicateBlocks: 0, files: 2 })
    await src.close()
  })

  test('fromHeight/toHeight select a range; abort stops the iteration', async () => {
    const src = readBlkDir([blk0, blk1])
    const mid = await collect(src.blocks({ fromHeight: 295, toHeight: 305 }))
    expect(mid.map((b) => b.height)).toEqual([295, 296, 297, 298, 299, 300, 301, 302, 303, 304, 305])
    expect(await collect(src.blocks({ fromHeight: 700 }))).toEqual([])
    const ac = new AbortController()
    const seen: number[] = []
    await expect(async () => {
      for await (const b of src.blocks({ fromHeight: 0, signal: ac.signal })) {
        seen.push(b.height)
        if (b.height === 3) ac.abort()
      }
    }).rejects.toThrow()
    expect(seen).toEqual([0, 1, 2, 3])
    await src.close()
  })
})

describe('readBlkDir: ordering', () => {
  test('records shuffled and split over three files come out in chain order', async () => {
    const dir = tmp()
    const order = shuffled(
      allBlocks.map((_, i) => i),
      12345,
    )
    const parts = [order.slice(0, 100), order.slice(100, 350), order.slice(350)]
    parts.forEach((p, f) => {
      writeFileSync(join(dir, `blk0000${f}.dat`), frame(p.map((i) => allBlocks[i]!)))
    })
    expect(order[0]).not.toBe(0)
    const src = readBlkDir([dir])
    const blocks = await collect(src.blocks({ fromHeight: 0 }))
    expect(blocks.map((b) => b.hash)).toEqual(allBlocks.map(hashOf))
    expect(blocks.every((b, i) => Buffer.compare(b.bytes, allBlocks[i]!) === 0)).toBe(true)
    expect(src.stats()).toMatchObject({ staleBlocks: 0, files: 3, blocksIndexed: 600 })
    await src.close()
  })

  test('shuffled over 20 files with few handles open (eviction while reading ahead)', async () => {
    const dir = tmp()
    const order = shuffled(
      allBlocks.map((_, i) => i),
      777,
    )
    for (let f = 0; f < 20; f++) {
      const part = order.slice(f * 30, f * 30 + 30).map((i) => allBlocks[i]!)
      writeFileSync(join(dir, `blk${String(f).padStart(5, '0')}.dat`), frame(part))
    }
    const src = readBlkDir([dir], { readAhead: 2 })
    const blocks = await collect(src.blocks({ fromHeight: 0 }))
    expect(blocks.every((b, i) => Buffer.compare(b.bytes, allBlocks[i]!) === 0)).toBe(true)
    expect(new Set(blocks.map((b) => b.origin.kind === 'file' && b.origin.file)).size).toBe(20)
  })

  test('a fork of length 1 (block 100 with one nonce byte changed) is skipped and counted stale', async () => {
    const dir = tmp()
    const fork = allBlocks[100]!.slice()
    fork[76] = fork[76]! ^ 0x01 // nonce, first byte
    expect(hashOf(fork)).not.toBe(hashOf(allBlocks[100]!))
    writeFileSync(join(dir, 'blk00000.dat'), frame([...allBlocks.slice(0, 101), fork, ...allBlocks.slice(101)]))
    const src = readBlkDir([dir])
    const blocks = await collect(src.blocks({ fromHeight: 0 }))
    expect(blocks.map((b) => b.hash)).toEqual(allBlocks.map(hashOf))
    expect(src.stats().staleBlocks).toBe(1)
    await src.close()
  })

  test('the longest branch wins, a tie goes to the first seen', async () => {
    // Competing branch from 597: X (598'), Y (599' on X), Z (600' on Y). Hashes need no proof of work here.
    const relink = (b: Uint8Array, prev: Uint8Array, nonceFlip: number): Uint8Array => {
      const c = b.slice()
      c.set(prev.subarray(0), 4) // prev hash (internal order) = sha256d(header of prev), see below
      c[76] = c[76]! ^ nonceFlip
      return c
    }
    const internalHash = (b: Uint8Array): Uint8Array => Buffer.from(hashOf(b), 'hex').reverse()
    const x = relink(allBlocks[598]!, internalHash(allBlocks[597]!), 1)
    const y = relink(allBlocks[599]!, internalHash(x), 1)
    const z = relink(allBlocks[599]!, internalHash(y), 2)
    const main = allBlocks.map(hashOf)

    const dir1 = tmp()
    writeFileSync(join(dir1, 'blk00000.dat'), frame([...allBlocks, x, y]))
    const tie = readBlkDir([dir1])
    expect((await tie.index()).hashes()).toEqual(main)
    expect(tie.stats().staleBlocks).toBe(2)

    const dir2 = tmp()
    writeFileSync(join(dir2, 'blk00000.dat'), frame([...allBlocks, x, y, z]))
    const longer = readBlkDir([dir2])
    const idx = await longer.index()
    expect(idx.tipHeight).toBe(600)
    expect(idx.hashes()).toEqual([...main.slice(0, 598), hashOf(x), hashOf(y), hashOf(z)])
    expect(longer.stats().staleBlocks).toBe(2)
    const last = await collect(longer.blocks({ fromHeight: 598 }))
    expect(last.map((b) => b.height)).toEqual([598, 599, 600])
    expect(last[2]!.prevHash).toBe(hashOf(y))
  })

  test('zero padding at file ends is skipped and counted; duplicates are ignored', async () => {
    const dir = tmp()
    const pad = new Uint8Array(4096)
    writeFileSync(join(dir, 'blk00000.dat'), Buffer.concat([frame(allBlocks.slice(0, 300)), pad]))
    writeFileSync(join(dir, 'blk00001.dat'), Buffer.concat([frame(allBlocks.slice(290)), pad.subarray(0, 7)]))
    const src = readBlkDir([dir])
    const blocks = await collect(src.blocks({ fromHeight: 0 }))
    expect(blocks.map((b) => b.hash)).toEqual(allBlocks.map(hashOf))
    expect(src.stats()).toMatchObject({ paddingBytes: 4103, staleBlocks: 0, duplicateBlocks: 10 })
    await src.close()
    // Zeros between records (an interrupted pre-allocation) are skipped too.
    writeFileSync(
      join(dir, 'blk00001.dat'),
      Buffer.concat([frame(allBlocks.slice(300, 400)), pad, frame(allBlocks.slice(400))]),
    )
    const again = readBlkDir([dir])
    expect((await again.index()).hashes()).toEqual(allBlocks.map(hashOf))
    expect(again.stats()).toMatchObject({ paddingBytes: 8192, duplicateBlocks: 0 })
  })

  test('xor.dat obfuscation (random 8-byte key, offset within each file) is undone', async () => {
    const dir = tmp()
    const key = randomBytes(8)
    key[0] = key[0]! | 1 // never all zeros
    writeFileSync(join(dir, 'xor.dat'), key)
    for (const [name, file] of [
      ['blk00000.dat', blk0],
      ['blk00001.dat', blk1],
    ] as const) {
      const b = Buffer.concat([readFileSync(file), new Uint8Array(100)])
      for (let i = 0; i < b.length; i++) b[i] = b[i]! ^ key[i % 8]!
      writeFileSync(join(dir, name), b)
    }
    const src = readBlkDir([dir])
    const blocks = await collect(src.blocks({ fromHeight: 0 }))
    expect(blocks.length).toBe(600)
    expect(blocks.every((b, i) => Buffer.compare(b.bytes, allBlocks[i]!) === 0)).toBe(true)
    expect(src.stats().paddingBytes).toBe(200)
    // Without the key the same files are garbage.
    rmSync(join(dir, 'xor.dat'))
    await expectError(readBlkDir([dir]).index(), 'DecodeError')
  })

  test('xor.dat with large blocks (small header reads between them)', async () => {
    const dir = tmp()
    const a = new Uint8Array(readFileSync(dataPath('btc/bcoin/block300025.raw')))
    const b = new Uint8Array(readFileSync(dataPath('btc/bcoin/block426884.raw')))
    const key = Uint8Array.of(0x5a, 1, 2, 3, 4, 5, 6, 0xff)
    writeFileSync(join(dir, 'xor.dat'), key)
    const data = Buffer.concat([frame([a, b, a, allBlocks[0]!]), new Uint8Array(333)])
    for (let i = 0; i < data.length; i++) data[i] = data[i]! ^ key[i % 8]!
    writeFileSync(join(dir, 'blk00000.dat'), data)
    const src = readBlkDir([dir])
    const blocks = await collect(src.blocks({ fromHeight: 0 }))
    // Genesis is present, so the chain is genesis alone; both big blocks are stale (one copy duplicated).
    expect(blocks.map((x) => x.hash)).toEqual([networks.mainnet.genesisHash])
    expect(src.stats()).toMatchObject({ staleBlocks: 2, duplicateBlocks: 1, paddingBytes: 333, blocksIndexed: 4 })
    const only = readBlkDir([join(dir, 'blk00000.dat')], { network: 'mainnet' })
    expect((await only.index()).tipHeight).toBe(0)
    // Without genesis: the first block without parent (300025, BIP34) starts the chain.
    const d2 = tmp()
    writeFileSync(join(d2, 'xor.dat'), key)
    const data2 = Buffer.from(frame([b, a]))
    for (let i = 0; i < data2.length; i++) data2[i] = data2[i]! ^ key[i % 8]!
    writeFileSync(join(d2, 'blk00000.dat'), data2)
    const s2 = readBlkDir([d2])
    const got = await collect(s2.blocks({ fromHeight: 0 }))
    expect(got.map((x) => x.height)).toEqual([426884])
    expect(Buffer.compare(got[0]!.bytes, b)).toBe(0)
    expect(s2.stats().staleBlocks).toBe(1)
  })

  test('network from magic; a given network that does not match is a DecodeError', async () => {
    const dir = tmp()
    writeFileSync(join(dir, 'blk00000.dat'), frame(allBlocks.slice(0, 5), networks.regtest.magic))
    // Mainnet blocks framed with regtest magic: network regtest, so the mainnet genesis is just a block
    // without parent at the start; its height cannot be derived (version 1).
    const asRegtest = readBlkDir([dir], { startHeight: 0 })
    expect(await asRegtest.network()).toBe('regtest')
    const e = await expectError(readBlkDir([dir], { network: 'mainnet' }).index(), 'DecodeError')
    expect(e.message).toContain('wrong magic fabfb5da (regtest)')
    expect(e.details).toMatchObject({ offset: 0 })
  })
})

describe('readBlkDir: errors name file and offset, before anything is yielded', () => {
  test('wrong magic in the middle of a file', async () => {
    const dir = tmp()
    const data = frame(allBlocks.slice(0, 300))
    let off = 0
    for (let i = 0; i < 150; i++) off += 8 + allBlocks[i]!.length
    data[off] = 0xaa
    writeFileSync(join(dir, 'blk00000.dat'), data)
    writeFileSync(join(dir, 'blk00001.dat'), readFileSync(blk1))
    const src = readBlkDir([dir])
    const yielded: number[] = []
    const e = await expectError(
      (async () => {
        for await (const b of src.blocks({ fromHeight: 0 })) yielded.push(b.height)
      })(),
      'DecodeError',
    )
    expect(yielded).toEqual([])
    expect(e.code).toBe('HOUND_ERR_DECODE')
    expect(e.message).toContain(`${join(dir, 'blk00000.dat')} at offset ${off}`)
    expect(e.message).toContain('wrong magic aabeb4d9')
    expect(e.details).toEqual({ file: join(dir, 'blk00000.dat'), offset: off })
  })

  test('a file cut mid-block (the last file, so earlier files are fine)', async () => {
    const dir = tmp()
    writeFileSync(join(dir, 'blk00000.dat'), readFileSync(blk0))
    const full = readFileSync(blk1)
    let off = 0
    for (let i = 300; i < 420; i++) off += 8 + allBlocks[i]!.length
    writeFileSync(join(dir, 'blk00001.dat'), full.subarray(0, off + 8 + 50))
    const src = readBlkDir([dir])
    const yielded: number[] = []
    const e = await expectError(
      (async () => {
        for await (const b of src.blocks({ fromHeight: 0 })) yielded.push(b.height)
      })(),
      'DecodeError',
    )
    expect(yielded).toEqual([])
    expect(e.message).toMatch(/file cut mid-block/)
    expect(e.details).toEqual({ file: join(dir, 'blk00001.dat'), offset: off })
    // A cut inside the 8-byte frame.
    writeFileSync(join(dir, 'blk00001.dat'), full.subarray(0, off + 5))
    const e2 = await expectError(readBlkDir([dir]).index(), 'DecodeError')
    expect(e2.details).toEqual({ file: join(dir, 'blk00001.dat'), offset: off })
  })

  test('a corrupt block inside a valid frame is yielded; decodeBlock with its origin names file and offset', async () => {
    const dir = tmp()
    const data = frame(allBlocks.slice(0, 10))
    let off = 0
    for (let i = 0; i < 7; i++) off += 8 + allBlocks[i]!.length
    const blockStart = off + 8
    data[blockStart + 80] = 5 // tx count 1 → 5: the block runs out of bytes
    writeFileSync(join(dir, 'blk00000.dat'), data)
    const blocks = await collect(readBlkDir([dir]).blocks({ fromHeight: 0 }))
    expect(blocks.length).toBe(10)
    const b = blocks[7]!
    expect(b.origin).toEqual({ kind: 'file', file: join(dir, 'blk00000.dat'), offset: blockStart })
    if (b.origin.kind !== 'file') throw new Error('file origin expected')
    let err: unknown
    try {
      decodeBlock(b.bytes, { where: b.origin.file, baseOffset: b.origin.offset })
    } catch (e) {
      err = e
    }
    expect(err).toBeInstanceOf(HoundError)
    expect((err as HoundError).name).toBe('DecodeError')
    expect((err as HoundError).message).toContain(join(dir, 'blk00000.dat'))
    expect(Number((err as HoundError).details.offset)).toBeGreaterThan(blockStart)
  })

  test('a file changed between indexing and reading → SourceError', async () => {
    const dir = tmp()
    const data = frame(allBlocks.slice(0, 50))
    writeFileSync(join(dir, 'blk00000.dat'), data)
    const src = readBlkDir([dir])
    await src.index()
    data[8 + 76] = data[8 + 76]! ^ 0xff // genesis nonce
    writeFileSync(join(dir, 'blk00000.dat'), data)
    const e = await expectError(collect(src.blocks({ fromHeight: 0 })), 'SourceError')
    expect(e.details).toEqual({ file: join(dir, 'blk00000.dat'), offset: 8 })
  })

  test('garbage: random bytes, an impossible length, a text file named blk', async () => {
    const dir = tmp()
    const g = randomBytes(5000)
    g[0] = 0x17
    writeFileSync(join(dir, 'blk00000.dat'), g)
    const e = await expectError(readBlkDir([dir]).index(), 'DecodeError')
    expect(e.details).toEqual({ file: join(dir, 'blk00000.dat'), offset: 0 })

    const big = frame(allBlocks.slice(0, 3))
    new DataView(big.buffer, big.byteOffset).setUint32(4, 0x7fffffff, true)
    writeFileSync(join(dir, 'blk00000.dat'), big)
    const e2 = await expectError(readBlkDir([dir]).index(), 'DecodeError')
    expect(e2.message).toMatch(/implausible block length 2147483647/)

    // A blk file given by path that holds only padding: no blocks, padding counted.
    writeFileSync(join(dir, 'blk00000.dat'), new Uint8Array(1000))
    const padded = readBlkDir([join(dir, 'blk00000.dat')])
    expect((await padded.index()).tipHeight).toBe(-1)
    expect(padded.stats().paddingBytes).toBe(1000)
    expect(await collect(padded.blocks({ fromHeight: 0 }))).toEqual([])
    // The same bytes under another name are not a block.
    writeFileSync(join(dir, 'zeros.bin'), new Uint8Array(1000))
    await expectError(readBlkDir([join(dir, 'zeros.bin')]).index(), 'DecodeError')

    const empty = tmp()
    await expectError(readBlkDir([empty]).index(), 'UsageError')
    await expectError(readBlkDir([join(empty, 'missing.dat')]).index(), 'UsageError')
  })
})

describe('readBlkDir: chains not starting at genesis', () => {
  test('blk00001.dat alone (heights 300-599, version 1): needs startHeight', async () => {
    const e = await expectError(readBlkDir([blk1]).index(), 'UsageError')
    expect(e.message).toContain('give the start height')
    const src = readBlkDir([blk1], { startHeight: 300 })
    const blocks = await collect(src.blocks({ fromHeight: 0 }))
    expect(blocks.map((b) => b.height)).toEqual(Array.from({ length: 300 }, (_, i) => 300 + i))
    expect(blocks.map((b) => b.hash)).toEqual(allBlocks.slice(300).map(hashOf))
    expect(await src.firstHeight()).toBe(300)
  })

  test('BIP34: height from the coinbase of a version-2 block (btcd 277647.dat, framed)', async () => {
    const src = readBlkDir([dataPath('btc/btcd/277647.dat')])
    const [b] = await collect(src.blocks({ fromHeight: 0 }))
    expect(b!.height).toBe(277647)
    expect(b!.hash).toBe('0000000000000000054a714e580b16c583701712ab91060e92dbde6eb1e052a8')
    expect(await src.tipHeight()).toBe(277647)
  })
})

describe('readBlkDir: single raw and hex block files', () => {
  test('raw segwit blocks: BIP34 heights', async () => {
    for (const [file, height] of [
      ['btc/bitcoin-s/block514485.raw', 514485],
      ['btc/btcd/block-0000000000000000001602407ac49862a7bca9d00f7f402db20b7be2f5de59d2.blk', 574200],
      ['btc/bcoin/block482683.raw', 482683],
    ] as const) {
      const raw = readFileSync(dataPath(file))
      const [b] = await collect(readBlkDir([dataPath(file)]).blocks({ fromHeight: 0 }))
      expect(b!.height).toBe(height)
      expect(Buffer.compare(b!.bytes, raw)).toBe(0)
      expect(b!.origin).toEqual({ kind: 'file', file: dataPath(file), offset: 0 })
    }
  })

  test('a raw block joins blk files: block 1 duplicate; block 1 alone needs startHeight', async () => {
    const raw1 = dataPath('btc/bcoin/block1.raw')
    const src = readBlkDir([blk0, raw1])
    expect((await src.index()).tipHeight).toBe(299)
    expect(src.stats().duplicateBlocks).toBe(1)
    await expectError(readBlkDir([raw1]).index(), 'UsageError')
    const [b] = await collect(readBlkDir([raw1], { startHeight: 1 }).blocks({ fromHeight: 0 }))
    expect(b!.hash).toBe('00000000839a8e6886ab5951d76f411475428afc90947ee320161bbf18eb6048')
  })

  test('raw blocks given out of order are chained (bitcoinj 227835 v1 + 227836 v2)', async () => {
    const a = dataPath('btc/bitcoinj/block227836.dat')
    const b = dataPath('btc/bitcoinj/block227835.dat')
    const blocks = await collect(readBlkDir([a, b], { startHeight: 227835 }).blocks({ fromHeight: 0 }))
    expect(blocks.map((x) => x.height)).toEqual([227835, 227836])
    expect(blocks[1]!.prevHash).toBe(blocks[0]!.hash)
    expect(blocks[1]!.origin).toMatchObject({ file: a })
  })

  test('hex text: one block, one block per line, wrapped lines, with BOM', async () => {
    const dir = tmp()
    const raw1 = readFileSync(dataPath('btc/bcoin/block1.raw'))
    const genesis = allBlocks[0]!
    writeFileSync(join(dir, 'one.hex'), `${toHex(raw1)}\n`)
    writeFileSync(join(dir, 'two.txt'), `${toHex(genesis)}\n\n${toHex(raw1).toUpperCase()}\n`)
    const h = toHex(raw1)
    writeFileSync(join(dir, 'wrapped.txt'), `\uFEFF${h.slice(0, 100)}\n${h.slice(100, 201)}\n${h.slice(201)}\n`)
    const one = await collect(readBlkDir([join(dir, 'one.hex')], { startHeight: 1 }).blocks({ fromHeight: 0 }))
    expect(Buffer.compare(one[0]!.bytes, raw1)).toBe(0)
    const two = await collect(readBlkDir([join(dir, 'two.txt')]).blocks({ fromHeight: 0 }))
    expect(two.map((b) => b.height)).toEqual([0, 1])
    expect(Buffer.compare(two[1]!.bytes, raw1)).toBe(0)
    const wrapped = await collect(readBlkDir([join(dir, 'wrapped.txt')], { startHeight: 1 }).blocks({ fromHeight: 0 }))
    expect(Buffer.compare(wrapped[0]!.bytes, raw1)).toBe(0)
  })

  test('truncated raw block and bad hex: DecodeError with file and offset', async () => {
    const dir = tmp()
    const raw = readFileSync(dataPath('btc/bcoin/block300025.raw'))
    writeFileSync(join(dir, 'cut.raw'), raw.subarray(0, 200_000))
    const e = await expectError(readBlkDir([join(dir, 'cut.raw')]).index(), 'DecodeError')
    expect(e.message).toMatch(/cut\.raw at offset \d+/)
    expect(e.details.file).toBe(join(dir, 'cut.raw'))
    writeFileSync(join(dir, 'long.raw'), Buffer.concat([raw, Buffer.from([1, 2, 3])]))
    const e2 = await expectError(readBlkDir([join(dir, 'long.raw')]).index(), 'DecodeError')
    expect(e2.details.offset).toBe(raw.length)
    writeFileSync(join(dir, 'odd.hex'), `${toHex(raw.subarray(0, 300))}a\n`)
    await expectError(readBlkDir([join(dir, 'odd.hex')]).index(), 'DecodeError')
  })
})
