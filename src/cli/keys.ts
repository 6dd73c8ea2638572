/**
 * `hound keys create|list|revoke`: API keys for `hound serve`. The key is printed once; only its hash is stored.
 * @module
 */
import type { Command } from 'commander'
import { UsageError } from '../core/errors.js'
import { type Tlp, tlpLevels } from '../core/model.js'
import { createApiKey, listApiKeys, revokeApiKey } from '../server/apiKeys.js'
import { notifyServer } from '../server/notifyServer.js'
import { HoundStore } from '../store/HoundStore.js'
import { dbPath, formatTable, printJson } from './context.js'
import { openExistingStore } from './screen.js'

type Opts = { db?: string; json?: boolean }

function positive(v: string | undefined, flag: string): number | undefined {
  if (v === undefined) return undefined
  const n = Number(v)
  if (!Number.isFinite(n) || n <= 0) throw new UsageError(`${flag} expects a positive number, got '${v}'`)
  return n
}

export function register(program: Command): void {
  const keys = program.command('keys').description('API keys for hound serve (one per institution)')
  keys
    .command('create')
    .description('Create an API key; prints it once (only its SHA-256 is stored)')
    .requiredOption('--name <institution>', 'who the key is for')
    .option('--rate <perSecond>', 'sustained requests per second (default 1000)')
    .option('--burst <n>', 'bucket size (default 2 × rate)')
    .option('--write', 'allow writing intelligence (for sharing endpoints)')
    .option('--no-read', 'deny screening')
    .option('--max-tlp <level>', `most restricted TLP the key may receive (${tlpLevels.join(', ')}; default clear)`)
    .option('--json', 'print JSON')
    .action(async (_o: unknown, cmd: Command) => {
      const o = cmd.optsWithGlobals() as Opts & {
        name: string
        rate?: string
        burst?: string
        write?: boolean
        read?: boolean
        maxTlp?: string
      }
      if (o.maxTlp !== undefined && !(tlpLevels as readonly string[]).includes(o.maxTlp)) {
        throw new UsageError(`--max-tlp expects one of ${tlpLevels.join(', ')}`)
      }
      const rate = positive(o.rate, '--rate')
      const burst = positive(o.burst, '--burst')
      const store = await HoundStore.open(dbPath(o))
      let created = false
      try {
        const { key, record } = await createApiKey(store, {
          name: o.name,
          ...(rate ? { ratePerSec: rate } : {}),
          ...(burst ? { burst } : {}),
          canWrite: Boolean(o.write),
          canRead: o.read !== false,
          ...(o.maxTlp ? { maxTlp: o.maxTlp as Tlp } : {}),
        })
        const { keyHash: _h, ...shown } = record
        created = true
        if (o.json) return printJson({ key, ...shown })
        process.stdout.write(
          `${key}\n(key ${record.keyId} for ${record.name}: ${record.ratePerSec}/s, burst ${record.burst}; store it now, it is not shown again)\n`,
        )
      } finally {
        store.close()
        // a running `hound serve` on this store loads the new key at once (src/server/notifyServer.ts)
        if (created) notifyServer(dbPath(o))
      }
    })
  keys
    .command('list')
    .description('List API keys (ids, names, limits, rights; never the keys)')
    .option('--json', 'print JSON')
    .action(async (_o: unknown, cmd: Command) => {
      const o = cmd.optsWithGlobals() as Opts
      const store = await openExistingStore(o, { readOnly: true })
      try {
        const list = (await listApiKeys(store)).map(({ keyHash: _h, ...r }) => r)
        if (o.json) return printJson(list)
        process.stdout.write(
          `${formatTable(
            ['id', 'name', 'rate/s', 'burst', 'read', 'write', 'max tlp', 'created', 'revoked'],
            list.map((k) => [
              k.keyId,
              k.name,
              k.ratePerSec,
              k.burst,
              String(k.canRead),
              String(k.canWrite),
              k.maxTlp,
              k.createdAt,
              k.revokedAt,
            ]),
          )}\n`,
        )
      } finally {
        store.close()
      }
    })
  keys
    .command('revoke')
    .description('Revoke an API key by id (a running hound serve on the store is told to reload at once)')
    .argument('<keyId>', 'the key id shown by keys list')
    .action(async (keyId: string, _o: unknown, cmd: Command) => {
      const o = cmd.optsWithGlobals() as Opts
      const store = await openExistingStore(o)
      try {
        await revokeApiKey(store, keyId)
        process.stdout.write(`revoked ${keyId}\n`)
      } finally {
        store.close()
      }
      // a revocation must take effect at once: the running `hound serve` on this store, if any, reloads its keys
      notifyServer(dbPath(o))
    })
}
