/**
 * The token registry's input: symbol, name and decimals as the contract reports them (`eth_call`), tolerant
 * of tokens that return `bytes32` instead of `string` (EOS) or garbage (→ null), plus a short list of
 * canonical mainnet tokens. Every other token is unverified; one whose symbol looks like a verified asset's
 * (after folding Cyrillic/Greek homoglyphs) is flagged as impersonating it: fake "ETH"/"USDT" tokens were
 * used in the Bybit laundering to poison explorers.
 * @module
 */
import type { EvmRpc } from './EvmRpc.js'

/** Canonical tokens on Ethereum mainnet (lowercase address → symbol). */
export const verifiedTokens: Record<string, Record<string, string>> = {
  'evm-1': {
    '0xc02aaa39b223fe8d0a0e5c4f27ead9083c756cc2': 'WETH',
    '0xdac17f958d2ee523a2206206994597c13d831ec7': 'USDT',
    '0xa0b86991c6218b36c1d19d4a2e9eb0ce3606eb48': 'USDC',
    '0x6b175474e89094c44da98b954eedeac495271d0f': 'DAI',
    '0x2260fac5e5542a773aa44fbcfedf7c193bc2c599': 'WBTC',
    '0xae7ab96520de3a18e5e111b5eaab095312d7fe84': 'stETH',
    '0xd5f7838f5c461feff7fe49ea5ebaf7728bb0adfa': 'mETH',
    '0xe6829d9a7ee3040e1276fa75293bde931859e8fa': 'cmETH',
  },
}

const homoglyphs: Record<string, string> = {
  А: 'A',
  В: 'B',
  Е: 'E',
  К: 'K',
  М: 'M',
  Н: 'H',
  О: 'O',
  Р: 'P',
  С: 'C',
  Т: 'T',
  Х: 'X',
  У: 'Y',
  а: 'a',
  е: 'e',
  о: 'o',
  р: 'p',
  с: 'c',
  х: 'x',
  у: 'y',
  Τ: 'T',
  Η: 'H',
  Ε: 'E',
  Α: 'A',
  Ο: 'O',
  Ρ: 'P',
}

/** Fold homoglyphs, drop non-alphanumerics, uppercase: "ЕТН..." → "ETH". */
export function foldSymbol(s: string): string {
  return [...s]
    .map((c) => homoglyphs[c] ?? c)
    .join('')
    .replace(/[^0-9A-Za-z]/g, '')
    .toUpperCase()
}

/** The verified symbol an unverified token imitates (ETH or a canonical token), else null. */
export function impersonates(chain: string, token: string, symbol: string | null): string | null {
  if (!symbol) return null
  const verified = verifiedTokens[chain] ?? {}
  if (verified[token]) return null
  const f = foldSymbol(symbol)
  const targets = new Set(['ETH', ...Object.values(verified).map((v) => v.toUpperCase())])
  return targets.has(f)
    ? f === 'ETH'
      ? 'ETH'
      : (Object.values(verified).find((v) => v.toUpperCase() === f) ?? f)
    : null
}

/** ABI `string` or `bytes32` return data → text; null for anything else. */
export function decodeAbiText(hex: string | null): string | null {
  if (!hex || hex === '0x') return null
  const d = hex.slice(2)
  if (d.length >= 128) {
    const off = Number.parseInt(d.slice(0, 64), 16)
    const len = Number.parseInt(d.slice(off * 2, off * 2 + 64), 16)
    if (off === 32 && Number.isSafeInteger(len) && len <= 256 && d.length >= off * 2 + 64 + len * 2) {
      const s = Buffer.from(d.slice(off * 2 + 64, off * 2 + 64 + len * 2), 'hex')
        .toString('utf8')
        .replace(/\0+$/, '')
      return s.includes('\uFFFD') || s.includes('\0') ? null : s
    }
  }
  if (d.length === 64) {
    const s = Buffer.from(d, 'hex').toString('utf8').replace(/\0+$/, '')
    return s && !s.includes('\0') && !s.includes('\uFFFD') ? s : null
  }
  return null
}

export type TokenMeta = { symbol: string | null; name: string | null; decimals: number | null }

/** Ask the token contract (at `block`, default latest) for symbol, name and decimals; failures give nulls. */
export async function fetchTokenMetadata(rpc: EvmRpc, token: string, block = 'latest'): Promise<TokenMeta> {
  const call = (data: string) => rpc.request<string>('eth_call', [{ to: token, data }, block]).catch(() => null)
  const [sym, name, dec] = await Promise.all([call('0x95d89b41'), call('0x06fdde03'), call('0x313ce567')])
  let decimals: number | null = null
  if (dec && /^0x[0-9a-f]{64}$/i.test(dec)) {
    const v = BigInt(dec)
    decimals = v <= 255n ? Number(v) : null
  }
  return { symbol: decodeAbiText(sym), name: decodeAbiText(name), decimals }
}
