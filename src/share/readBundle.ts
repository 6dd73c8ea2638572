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

function reject(file: string, msg: string): never {
  throw new ImportError(`${file}: bundle rejected: ${msg}`, { details: { file } })
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
  const tok = new BundleTokenizer({ maxDepth: l.maxDepth, maxElementChars: l.maxJsonBytes })
  let n = 0
  try {
    for await (const chunk of createReadStream(file, { encoding: 'utf8', highWaterMark: 1 << 16 })) {
      const objs = tok.push(chunk as string)
      n += objs.length
      if (n > l.maxObjects) reject(file, `more than ${l.maxObjects} objects`)
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
