#!/usr/bin/env node
// Assemble docs/cli.md from the per-command pages in docs/commands/ (one page per top-level command).
// Run: node scripts/build-cli-docs.mjs   (src/cli/cliDocs.test.ts checks every registered command is documented)
import { readdirSync, readFileSync, writeFileSync } from 'node:fs'

const order = [
  'demo',
  'ingest',
  'ingest-evm',
  'stats',
  'tx',
  'address',
  'sim',
  'intel',
  'incident',
  'cluster',
  'trace',
  'report',
  'detect',
  'screen',
  'rescreen',
  'serve',
  'keys',
  'share',
]
const dir = new URL('../docs/commands/', import.meta.url)
const pages = readdirSync(dir)
  .filter((f) => f.endsWith('.md'))
  .map((f) => f.slice(0, -3))
pages.sort((a, b) => (order.indexOf(a) + 1 || 99) - (order.indexOf(b) + 1 || 99) || a.localeCompare(b))
const body = pages.map((p) => readFileSync(new URL(`${p}.md`, dir), 'utf8').trim()).join('\n\n---\n\n')
const toc = [...body.matchAll(/^## `?(hound [^`\n]+?)`?$/gm)].map((m) => `- [${m[1]}](#${m[1].replace(/ /g, '-')})`)
writeFileSync(
  new URL('../docs/cli.md', import.meta.url),
  `# The \`hound\` command line

Generated from \`docs/commands/*.md\` by \`scripts/build-cli-docs.mjs\`; edit those pages, not this file.

Conventions for every command: \`--help\` prints usage; \`--json\` (where offered) prints machine-readable output on
stdout while progress goes to stderr; EVM amounts in JSON are decimal strings of base units (wei), Bitcoin amounts
integer satoshi. Exit codes: \`0\` ok, \`1\` runtime error, \`2\` usage error (bad flag, malformed value); with \`--json\`,
errors are printed as \`{"error":{"name","code","message","details"}}\` (codes in [errors.md](errors.md)). The store is
\`./hound.duckdb\` unless \`--db FILE\` or \`$HOUND_DB\` says otherwise.

## Commands

${toc.join('\n')}

---

${body}
`,
)
console.log(`docs/cli.md: ${pages.length} pages`)
