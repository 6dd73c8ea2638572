/**
 * Reading a STIX bundle safely, streamed through BundleTokenizer whatever its layout (our one-object-per-line
 * export or any other JSON): each element of `objects` is parsed on its own as it arrives, so a bundle of millions
 * of objects is never held whole. Structural problems reject the bundle (nothing is imported): unreadable JSON, not a bundle,
 * bad bundle id, `objects` not a list, too many objects, nesting deeper than `maxDepth`, one object over
 * `maxJsonBytes`, file over `maxBytes`. Some are only known at the end (a `type` after `objects`): the caller
 * consumes the whole stream before writing anything.
 * @module
 */
import { createReadStream, statSync } from 'node:fs'
import { ImportError } from '../core/errors.js'
import { BundleSyntaxError, BundleTokenizer } from './BundleTokenizer.js'
import { isStixId } from './validateStix.js'

export type BundleLimits = {
  /** Largest file (bytes). Default 8 GiB. */
  readonly maxBytes: number
  /** Largest single object (bytes of its JSON text). Default 256 MiB. */
  readonly maxJsonBytes: number
  /** Most objects. Default 10,000,000. */
  readonly maxObjects: number
  /** Deepest nesting of arrays/objects inside one object. Default 24. */
  readonly maxDepth: number
}

export const defaultBundleLimits: BundleLimits = {
  maxBytes: 8 * 1024 ** 3,
  maxJsonBytes: 256 * 1024 ** 2,
  maxObjects: 10_000_000,
  maxDepth: 24,
}

/** Depth of nested arrays/objects (iterative: a hostile document cannot blow the stack). */
export function jsonDepth(v: unknown, limit: number): number {
  let max = 0
  const stack: [unknown, number][] = [[v, 1]]
  while (stack.length) {
    const [x, d] = stack.pop()!
    if (x === null || typeof x !== 'object') continue
    if (d > max) max = d
    if (max > limit) return max
    for (const c of Array.isArray(x) ? x : Object.values(x))
      if (c !== null && typeof c === 'object') stack.push([c, d + 1])
  }
  return max
}

function reject(file: string, msg: string, details: Record<string, unknown> = {}): never {
  throw new ImportError(`${file}: bundle rejected: ${msg}`, { details: { file, ...details } })
}

/**
 * The bundle's objects in order (each a parsed value, not yet validated). Throws ImportError on structure. Every
 * layout, our line format included, goes through the streaming tokenizer: no line or document is ever buffered
 * whole (a hostile file that is one 2 GB line costs what a pretty-printed one does).
 */
export async function* readBundleObjects(file: string, limits: Partial<BundleLimits> = {}): AsyncGenerator<unknown> {
  const l = { ...defaultBundleLimits, ...limits }
  const size = statSync(file).size
  if (size > l.maxBytes) reject(file, `file of ${size} bytes is over the ${l.maxBytes}-byte limit`)
  yield* tokenizedBundleObjects(file, l)
}

/** Any JSON layout, through the streaming tokenizer (see module doc). */
async function* tokenizedBundleObjects(file: string, l: BundleLimits): AsyncGenerator<unknown> {
  const tok = new BundleTokenizer({ maxDepth: l.maxDepth, maxElementChars: l.maxJsonBytes })
  let n = 0
  const check = (objs: unknown[]) => {
    n += objs.length
    if (n > l.maxObjects) reject(file, `more than ${l.maxObjects} objects`)
  }
  try {
    for await (const chunk of createReadStream(file, { encoding: 'utf8', highWaterMark: 1 << 16 })) {
      const objs = tok.push(chunk as string)
      check(objs)
      yield* objs
    }
    tok.end()
  } catch (e) {
    if (e instanceof BundleSyntaxError) reject(file, e.message)
    throw e
  }
  if (tok.type !== 'bundle') reject(file, `type is ${JSON.stringify(tok.type)}, not "bundle"`)
  if (!isStixId(tok.id, 'bundle')) reject(file, `bad bundle id ${JSON.stringify(tok.id)}`)
}

/** The objects of an already parsed bundle, after the structural checks. */
export function* checkedBundleObjects(
  doc: unknown,
  limits: Partial<BundleLimits> = {},
  file = '<bundle>',
): Generator<unknown> {
  const l = { ...defaultBundleLimits, ...limits }
  if (!doc || typeof doc !== 'object' || Array.isArray(doc)) reject(file, 'not a JSON object')
  const b = doc as Record<string, unknown>
  if (b.type !== 'bundle') reject(file, `type is ${JSON.stringify(b.type)}, not "bundle"`)
  if (!isStixId(b.id, 'bundle')) reject(file, `bad bundle id ${JSON.stringify(b.id)}`)
  if (b.objects === undefined) return
  if (!Array.isArray(b.objects)) reject(file, '"objects" is not a list')
  if (b.objects.length > l.maxObjects) reject(file, `${b.objects.length} objects, over the ${l.maxObjects} limit`)
  b.objects.forEach((o, i) => {
    if (jsonDepth(o, l.maxDepth) > l.maxDepth)
      reject(file, `objects[${i}] nests deeper than ${l.maxDepth}`, { index: i })
  })
  yield* b.objects
}
