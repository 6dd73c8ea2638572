/**
 * Parse the seeds users type: `txid:vout` (an output), `txid` (every output of a transaction), an address
 * (every output paid to it), `cluster:<id>` (every output paid to the cluster's addresses), each with an optional
 * `@label` suffix naming the incident (default: the `--label` given, else `default`).
 * @module
 */
import { InvalidInputError } from '../core/errors.js'

export type SeedSpec =
  | {
      readonly kind: 'output'
      readonly txid: string
      readonly vout: number
      readonly label: string
      readonly text: string
    }
  | { readonly kind: 'tx'; readonly txid: string; readonly label: string; readonly text: string }
  | { readonly kind: 'address'; readonly address: string; readonly label: string; readonly text: string }
  | { readonly kind: 'cluster'; readonly cluster: string; readonly label: string; readonly text: string }

const TXID = /^[0-9a-fA-F]{64}$/
const ADDRESS = /^[a-zA-Z0-9]{1,100}$/

export function parseSeed(text: string, defaultLabel = 'default'): SeedSpec {
  const raw = text.trim()
  const at = raw.lastIndexOf('@')
  const body = at >= 0 ? raw.slice(0, at) : raw
  const label = at >= 0 ? raw.slice(at + 1).trim() : defaultLabel
  if (label === '')
    throw new InvalidInputError(`seed ${JSON.stringify(text)}: empty label after @`, { details: { seed: text } })
  if (body === '') throw new InvalidInputError(`seed ${JSON.stringify(text)}: empty seed`, { details: { seed: text } })
  if (body.startsWith('cluster:')) {
    const id = body.slice('cluster:'.length)
    if (!/^[A-Za-z0-9_]{1,64}$/.test(id)) {
      throw new InvalidInputError(`seed ${JSON.stringify(text)}: malformed cluster id`, {
        details: { seed: text },
      })
    }
    return { kind: 'cluster', cluster: id, label, text: raw }
  }
  const colon = body.indexOf(':')
  if (colon >= 0) {
    const txid = body.slice(0, colon)
    const vout = body.slice(colon + 1)
    if (!TXID.test(txid)) {
      throw new InvalidInputError(`seed ${JSON.stringify(text)}: txid must be 64 hex characters`, {
        details: { seed: text },
      })
    }
    if (!/^\d{1,7}$/.test(vout)) {
      throw new InvalidInputError(`seed ${JSON.stringify(text)}: vout must be a non-negative integer`, {
        details: { seed: text },
      })
    }
    return { kind: 'output', txid: txid.toLowerCase(), vout: Number(vout), label, text: raw }
  }
  if (TXID.test(body)) return { kind: 'tx', txid: body.toLowerCase(), label, text: raw }
  if (ADDRESS.test(body)) return { kind: 'address', address: body, label, text: raw }
  throw new InvalidInputError(`seed ${JSON.stringify(text)}: not a txid:vout, txid, address or cluster:<id>`, {
    details: { seed: text },
  })
}
