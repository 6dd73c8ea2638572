import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, expect, test } from 'vitest'
import { readClusteringTruth } from '../cluster/readClusteringTruth.js'
import { InvalidInputError } from '../core/errors.js'
import { buildUtxoGraph } from '../graph/buildUtxoGraph.js'
import { EVAL_END, EVAL_START, writeEvalSection } from './evalClustering.js'

const dir = mkdtempSync(join(tmpdir(), 'hound-evalcl-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

test('writeEvalSection replaces the marked section and keeps the rest; appends when missing', () => {
  const f = join(dir, 'acc.md')
  writeFileSync(f, `# A\n\n${EVAL_START}\nold\n${EVAL_END}\n\n## Detectors\nkeep\n`)
  writeEvalSection(f, 'new table')
  expect(readFileSync(f, 'utf8')).toBe(`# A\n\n${EVAL_START}\nnew table\n${EVAL_END}\n\n## Detectors\nkeep\n`)
  const g = join(dir, 'b.md')
  writeFileSync(g, '# B\n')
  writeEvalSection(g, 'x')
  expect(readFileSync(g, 'utf8')).toBe(`# B\n\n${EVAL_START}\nx\n${EVAL_END}\n`)
})

test('readClusteringTruth maps addresses, change and CoinJoins onto the graph; unknown ones are counted', async () => {
  const g = buildUtxoGraph([
    { name: 'cb', coinbase: true, outputs: [{ address: 'A', value: 100 }] },
    {
      name: 'pay',
      inputs: ['cb:0'],
      outputs: [
        { address: 'B', value: 60 },
        { address: 'C', value: 30 },
      ],
    },
  ])
  const t = join(dir, 'sim', 'truth')
  mkdirSync(t, { recursive: true })
  writeFileSync(
    join(t, 'addresses.jsonl'),
    '{"address":"A","entity":"alice","type":"individual"}\n{"address":"C","entity":"alice","type":"individual"}\n{"address":"B","entity":"shop","type":"merchant"}\n{"address":"Z","entity":"x","type":"y"}\n',
  )
  writeFileSync(join(t, 'change.jsonl'), `{"txid":"${g.names.txid(1)}","vout":1,"entity":"alice"}\n`)
  writeFileSync(join(t, 'coinjoins.jsonl'), '{"txid":"00","kind":"whirlpool"}\n')
  const truth = await readClusteringTruth(join(dir, 'sim'), g)
  const id = (s: string) => g.names.addressIndex(s)
  expect(truth.entityOf[id('A')]).toBe(truth.entityOf[id('C')])
  expect(truth.entityOf[id('B')]).not.toBe(truth.entityOf[id('A')])
  expect(truth.entities).toEqual(['alice', 'shop'])
  expect(truth.change.get(1)).toEqual([1])
  expect(truth.skipped).toEqual({ addresses: 1, change: 0, coinjoins: 1 })
  await expect(readClusteringTruth(join(dir, 'nope'), g)).rejects.toMatchObject({ code: InvalidInputError.code })
})
