/**
 * Two `callstate import` processes at the same time on one data directory, with overlapping files: the
 * SQLite store serialises their transactions, ids are deterministic, so every notification is stored once.
 */
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import path from 'node:path'
import { cliAsync, parseJson, readLog, tempDir, writeLines } from './cli-helpers.js'

const line = (i: number): string =>
  JSON.stringify({
    uuid: `both-${i}`,
    event: '/restapi/v1.0/account/1/extension/9/presence',
    timestamp: '2024-01-01T00:00:00.000Z',
    body: { extensionId: String(100 + (i % 50)), sequence: i, telephonyStatus: i % 2 ? 'Ringing' : 'NoCall' }
  })

const range = (from: number, to: number): string[] => Array.from({ length: to - from }, (_, k) => line(from + k))

test('overlapping concurrent imports: every notification exactly once, the counts add up', async () => {
  const work = tempDir('concurrent')
  const dataDir = path.join(work, 'data')
  // a: 0..30000, b: 20000..50000 -> 10000 shared, 50000 distinct.
  const a = writeLines(work, 'a.ndjson', range(0, 30_000))
  const b = writeLines(work, 'b.ndjson', range(20_000, 50_000))
  const runs = [a, b].map((f) => cliAsync(['import', f, '--json', '--data-dir', dataDir]).done)
  const [ra, rb] = await Promise.all(runs)
  const ta = parseJson(ra ?? { code: 1, stdout: '', stderr: 'no result' })
  const tb = parseJson(rb ?? { code: 1, stdout: '', stderr: 'no result' })
  const num = (o: unknown, k: string): number => {
    const v: unknown = typeof o === 'object' && o !== null ? Reflect.get(o, k) : undefined
    return typeof v === 'number' ? v : NaN
  }
  assert.equal([num(ta, 'read'), num(tb, 'read')], [30_000, 30_000])
  assert.equal(num(ta, 'appended') + num(tb, 'appended'), 50_000)
  assert.equal(num(ta, 'duplicates') + num(tb, 'duplicates'), 10_000)
  const log = await readLog(dataDir)
  assert.is(log.length, 50_000)
  assert.is(new Set(log.map((e) => e.metadata.uuid)).size, 50_000)
  assert.ok(log.every((e, i) => e.position === i + 1))
})

test.run()
