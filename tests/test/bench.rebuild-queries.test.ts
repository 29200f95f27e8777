/**
 * `bench/run.mjs --only rebuild,queries` at 2,000 notifications: without an imported store it imports first,
 * then replays the whole log into the read models and times the session and active-calls queries in-process and
 * over HTTP (a real `callstate serve` on 127.0.0.1). No timing is asserted.
 */
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { RESULT, SIZE, figuresOf, runBench, targetsOf } from './bench-support.js'

const run = runBench(['--size', String(SIZE), '--only', 'rebuild,queries', '--no-peer'])
const LATENCY = /^p50 [\d.]+ ms, p99 [\d.]+ ms \(n=\d+(, \d+ calls)?\)$/

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

test('queries: session and active calls, in-process and over HTTP, on the sessions of the read model', () => {
  const f = figuresOf(run.report, 'queries')
  assert.equal(Object.keys(f), [
    'sessions in the read model',
    'session, in-process',
    'active calls (now), in-process',
    'active calls (at), in-process',
    'session, HTTP',
    'active calls (at), HTTP'
  ])
  assert.ok(Number((f['sessions in the read model'] ?? '').replaceAll(',', '')) > 0)
  for (const name of Object.keys(f).slice(1)) assert.match(f[name] ?? '', LATENCY, name)
  // The last notifications of the file are calls in progress: the active-calls query finds some, and
  // in-process and HTTP (asked at the same instant) find the same number.
  const calls = (name: string) => /, (\d+) calls\)$/.exec(f[name] ?? '')?.[1]
  assert.ok(Number(calls('active calls (at), in-process')) > 0)
  assert.is(calls('active calls (at), HTTP'), calls('active calls (at), in-process'))
})

test('targets: rebuild, its memory and the session query are judged', () => {
  const t = targetsOf(run.report)
  assert.match(t['rebuild >= 100,000 events/s'] ?? '', RESULT)
  assert.match(t['peak memory < 300 MB while rebuilding'] ?? '', RESULT)
  assert.match(t['session query p99 < 2 ms in-process'] ?? '', RESULT)
  assert.ok(run.stdout.includes('session, in-process'))
  assert.ok(run.stdout.includes('events/s'))
})

test.run()
