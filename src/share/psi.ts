/**
 * Private set intersection (Diffie–Hellman, over ristretto255 from @noble/curves): a client learns which of its
 * addresses are in a server's set, without sending its list and without receiving the server's set.
 *
 * Protocol (one session, semi-honest parties, random-oracle model, DDH in ristretto255):
 * 1. Client: secret scalar a; for each address x: A = a·H(x), H = hash-to-ristretto255 of SHA-512(domain ‖ canonical x).
 *    Sends the A's (in its own order).
 * 2. Server: fresh secret scalar b per session; answers B = b·A for each A, and the set's tags
 *    T(y) = first 16 bytes of SHA-256(b·H(y)) for every y in its set, sorted (order reveals nothing).
 * 3. Client: b·H(x) = a⁻¹·B; x is in the intersection iff the tag of b·H(x) is among the T's.
 *
 * What each side learns: the client learns the intersection and the server's set size; the server learns the
 * client's set size; neither learns the other's non-shared elements (a blinded point a·H(x) is a uniformly random
 * group element to anyone without a; a tag of b·H(y) cannot be tested against a guess y without b). The server
 * must use a fresh b per session, else a client could replay. A malicious client can still probe chosen addresses
 * (that is the service); rate limits bound that.
 * Cost: client |X| hash-to-curve + 2|X| scalar multiplications; server |X| + |Y| multiplications and |Y|
 * hash-to-curve; traffic 32|X| bytes up, 32|X| + 16|Y| down.
 * @module
 */
import { randomBytes } from 'node:crypto'
import { setImmediate as yieldToLoop } from 'node:timers/promises'
import { RistrettoPoint } from '@noble/curves/ed25519'
import { sha256, sha512 } from '@noble/hashes/sha2.js'
import { canonicalAddress } from '../intel/canonicalAddress.js'

/** Order of the ristretto255 group. */
export const GROUP_ORDER = 2n ** 252n + 27742317777372353535851937790883648493n
const DOMAIN = 'ledgerhound-psi-v1\u0000'
export const TAG_BYTES = 16

type Point = InstanceType<typeof RistrettoPoint>

function toHex(b: Uint8Array): string {
  return Buffer.from(b).toString('hex')
}

/** hash-to-ristretto255 of a canonical address. */
export function hashAddress(address: string): Point {
  return RistrettoPoint.hashToCurve(toHex(sha512(new TextEncoder().encode(DOMAIN + canonicalAddress(address)))))
}

/** A uniformly random non-zero scalar. */
export function randomScalar(): bigint {
  for (;;) {
    const s = BigInt(`0x${randomBytes(64).toString('hex')}`) % GROUP_ORDER
    if (s !== 0n) return s
  }
}

function modPow(b: bigint, e: bigint, m: bigint): bigint {
  let r = 1n
  let x = b % m
  let k = e
  while (k > 0n) {
    if (k & 1n) r = (r * x) % m
    x = (x * x) % m
    k >>= 1n
  }
  return r
}

/** The 16-byte tag of a point (what the server publishes for its set). */
export function tagOf(p: Point): string {
  return toHex(sha256(p.toRawBytes()).subarray(0, TAG_BYTES))
}

/**
 * `fn` over `items`, in slices of at most `sliceMs` of CPU, yielding to the event loop between slices: a server
 * doing 100k scalar multiplications (minutes of work) keeps answering other requests meanwhile.
 */
export async function mapYielding<T, R>(items: Iterable<T>, fn: (x: T) => R, sliceMs = 20): Promise<R[]> {
  const out: R[] = []
  let t = performance.now()
  for (const x of items) {
    out.push(fn(x))
    if (performance.now() - t >= sliceMs) {
      await yieldToLoop()
      t = performance.now()
    }
  }
  return out
}

/** Client side of one session. */
export class PsiClient {
  private readonly a = randomScalar()
  private readonly aInv = modPow(this.a, GROUP_ORDER - 2n, GROUP_ORDER)
  readonly addresses: readonly string[]

  constructor(addresses: readonly string[]) {
    this.addresses = addresses
  }

  /** Step 1: the blinded points (hex), in the order of `addresses`. */
  blind(): string[] {
    return this.addresses.map((x) => hashAddress(x).multiply(this.a).toHex())
  }

  /** Step 3: the addresses whose server-evaluated point's tag is in the server's tag set. */
  intersect(evaluated: readonly string[], serverTags: ReadonlySet<string>): string[] {
    if (evaluated.length !== this.addresses.length) throw new Error('PSI: answer length differs from the query')
    const out: string[] = []
    evaluated.forEach((e, i) => {
      if (serverTags.has(tagOf(RistrettoPoint.fromHex(e).multiply(this.aInv)))) out.push(this.addresses[i]!)
    })
    return out
  }
}

/** Server side of one session (fresh secret per instance). */
export class PsiServerSession {
  private readonly b = randomScalar()

  /** b·A for one blinded point. Throws on a malformed point. */
  private evaluateOne(h: string): string {
    const p = RistrettoPoint.fromHex(h)
    if (p.equals(RistrettoPoint.ZERO)) throw new Error('PSI: identity point')
    return p.multiply(this.b).toHex()
  }

  /** The tag of one address of the server's set. */
  private tag(y: string): string {
    return tagOf(hashAddress(y).multiply(this.b))
  }

  /** Step 2a: b·A for each blinded point. Throws on a malformed point. */
  evaluate(blinded: readonly string[]): string[] {
    return blinded.map((h) => this.evaluateOne(h))
  }

  /** `evaluate` without blocking the event loop for more than a slice (see mapYielding). */
  async evaluateAsync(blinded: readonly string[]): Promise<string[]> {
    return mapYielding(blinded, (h) => this.evaluateOne(h))
  }

  /** `tags` without blocking the event loop for more than a slice (see mapYielding). */
  async tagsAsync(set: Iterable<string>): Promise<string[]> {
    return (await mapYielding(set, (y) => this.tag(y))).sort()
  }

  /** Step 2b: the sorted tags of the server's set. */
  tags(set: Iterable<string>): string[] {
    return Array.from(set, (y) => this.tag(y)).sort()
  }
}
