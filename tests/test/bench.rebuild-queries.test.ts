/**
 * `bench/run.mjs --only rebuild,queries,disk` at 2,000 notifications: without an imported store it imports first,
 * then replays the whole log into the read models, times the session, active-calls, --known-at, stats and export
 * queries in-process and the first two over HTTP (a real `callstate serve` on 127.0.0.1), and measures the store
 * on disk. No timing is asserted.
 */
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { LATENCY, RESULT, SIZE, figuresOf, runBench, targetsOf } from './bench-support.js'

const run = runBench(['--size', String(SIZE), '--only', 'rebuild,queries,disk', '--query-seconds', '2', '--no-peer'])

test('the run succeeds and imports the store the rebuild needs', () => {
  assert.is(run.code, 0, run.stderr)
  assert.match(figuresOf(run.report, 'import')['notifications'] ?? '', /appended 2,000/)
})

test('rebuild: every event of the log replayed, none undecodable, with memory as the replay advances', () => {
  const f = figuresOf(run.report, 'rebuild')
  assert.equal(Object.keys(f), [
    'events/s',
    'events',
    'replay / digest',
    'peak RSS',
    'RSS as the replay advances',
    'disk writes',
    'sequential (--workers 1)'
  ])
  assert.match(f['events/s'] ?? '', /^[\d,]+\/s with [2-4] worker threads$/)
  assert.match(f['sequential (--workers 1)'] ?? '', /^[\d,]+\/s, [\d.]+ s, peak RSS \d+ MB, same digest: yes$/)
  assert.match(f['events'] ?? '', /^2,000 in [\d.]+ s \(undecodable 0\)$/)
  assert.match(
    f['replay / digest'] ?? '',
    /^replay, swap and digest \(taken during the swap\) [\d.]+ s, then [\d.]+ s to report$/
  )
  assert.match(f['RSS as the replay advances'] ?? '', /^25%: \d+ MB, 50%: \d+ MB, 75%: \d+ MB, 100%: \d+ MB$/)
})

test('queries: session, active calls now and in the past, --known-at, stats and export, HTTP', () => {
  const f = figuresOf(run.report, 'queries')
  assert.equal(Object.keys(f), [
    'sessions in the read model',
    'session, in-process',
    'active calls (now), in-process',
    'active calls (at), in-process',
    'active calls at past instants, in-process',
    'sessions --known-at, in-process',
    'stats, one simulated day',
    'stats, ~10,000 calls (a day of the 10,000-calls-a-day centre)',
    'export calls, one simulated day',
    'export calls, ~10,000 calls',
    'session, HTTP',
    'active calls (at), HTTP'
  ])
  assert.ok(Number((f['sessions in the read model'] ?? '').replaceAll(',', '')) > 0)
  for (const name of Object.keys(f).filter((n) => !n.startsWith('export') && n !== 'sessions in the read model'))
    assert.match(f[name] ?? '', LATENCY, name)
  assert.match(
    f['active calls at past instants, in-process'] ?? '',
    /, instants from \d{4}-\d\d-\d\d to \d{4}-\d\d-\d\d\)$/
  )
  assert.match(f['stats, one simulated day'] ?? '', /, ~[\d,]+ calls a day\)$/)
  assert.match(
    f['stats, ~10,000 calls (a day of the 10,000-calls-a-day centre)'] ?? '',
    /, ~[\d,]+ calls in \d+ h windows\)$/
  )
  const EXPORT =
    /^[\d,]+ calls\/s \([\d,]+ records\/s\), ~[1-9][\d,]* calls per range; p50 [\d.]+ ms, max [\d.]+ ms \(n=\d+\)$/
  assert.match(f['export calls, one simulated day'] ?? '', EXPORT)
  assert.match(f['export calls, ~10,000 calls'] ?? '', EXPORT)
  // The last notifications of the file are calls in progress: the active-calls query finds some, and
  // in-process and HTTP (asked at the same instant) find the same number.
  const calls = (name: string) => /, (\d+) calls\)$/.exec(f[name] ?? '')?.[1]
  assert.ok(Number(calls('active calls (at), in-process')) > 0)
  assert.is(calls('active calls (at), HTTP'), calls('active calls (at), in-process'))
})

test('disk: the log and the read models per notification, the files, a year of the 10,000-calls-a-day centre', () => {
  const f = figuresOf(run.report, 'disk')
  assert.equal(Object.keys(f), [
    'log (events.db and its WAL)',
    'read models (readmodels.db)',
    'files',
    'disk per year, 10,000 calls a day (~150,000 notifications a day)'
  ])
  assert.match(
    f['log (events.db and its WAL)'] ?? '',
    /^\d+ MB: [1-9][\d,]* bytes per notification, \d+\.\d\dx its mean size in the file \([\d,]+ bytes\)$/
  )
  assert.match(f['read models (readmodels.db)'] ?? '', /^\d+ MB: [1-9][\d,]* bytes per notification$/)
  assert.match(f['files'] ?? '', /^events\.db \d+ MB(, [\w.-]+ \d+ MB)*$/)
  assert.not.match(f['files'] ?? '', /bench-import-complete/)
  assert.match(
    f['disk per year, 10,000 calls a day (~150,000 notifications a day)'] ?? '',
    /^log [\d.]+ GB \+ read models [\d.]+ GB = [\d.]+ GB a year \(at the bytes per notification measured here\)$/
  )
})

test('targets: rebuild, its memory, the queries and the disk are judged; growth needs two sizes', () => {
  const t = targetsOf(run.report)
  assert.match(t['rebuild >= 100,000 events/s (at 1M)'] ?? '', RESULT)
  assert.match(t['peak memory < 300 MB while rebuilding'] ?? '', RESULT)
  for (const target of [
    'session query p99 < 1 ms in-process (at 10M)',
    'active calls now p99 < 5 ms in-process (at 10M)',
    'active calls at past instants p99 < 5 ms in-process (at 10M)',
    'sessions --known-at p99 < 50 ms in-process (at 10M)',
    'stats for one day (~10,000 calls) < 200 ms, slowest of the days (at 10M)',
    'export calls for one day (~10,000 calls) >= 50,000 calls/s (at 10M)'
  ])
    assert.match(t[target] ?? '', RESULT, target)
  assert.is(t['disk: the log per notification and a year of the 10,000-calls-a-day centre stated'], 'met')
  assert.is(t['rebuild no slower per event at the larger log (time per event <= 1.1x)'], 'not run')
  assert.is(t['queries do not grow linearly with the log (p50 at the larger log <= 2x)'], 'not run')
  assert.ok(run.stdout.includes('session, in-process'))
  assert.ok(run.stdout.includes('events/s'))
})

test.run()
