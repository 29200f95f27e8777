/**
 * `bench/run.mjs --only webhook` at 2,000 notifications, 2 s of load from autocannon against a real
 * `callstate serve`: every answer is a 200 and every notification acknowledged for the first time is in the
 * log afterwards. No timing is asserted.
 */
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { RESULT, SIZE, figuresOf, runBench, targetsOf } from './bench-support.js'

const run = runBench([
  '--size',
  String(SIZE),
  '--only',
  'webhook',
  '--webhook-seconds',
  '2',
  '--webhook-connections',
  '8',
  '--no-peer'
])

test('the run succeeds with the webhook figures', () => {
  assert.is(run.code, 0, run.stderr)
  const f = figuresOf(run.report, 'webhook')
  assert.equal(Object.keys(f), [
    'durable notifications/s',
    'latency',
    'load',
    'answers',
    'events in the log afterwards',
    'server peak RSS'
  ])
  assert.match(f['durable notifications/s'] ?? '', /^\d[\d,]*\/s \(\d[\d,]* answered 200 in [\d.]+ s\)$/)
  assert.match(f['latency'] ?? '', /^p50 [\d.]+ ms, p99 [\d.]+ ms$/)
  assert.match(f['load'] ?? '', /^8 connections, [\d,]+ distinct bodies/)
  assert.match(f['answers'] ?? '', /^200: [\d,]+; errors 0, timeouts 0$/)
  assert.match(f['events in the log afterwards'] ?? '', /^[\d,]+ \(every first-time 200 stored: yes\)$/)
})

test('targets: throughput and p99 are judged', () => {
  const t = targetsOf(run.report)
  assert.match(t['webhook >= 5,000 durable notifications/s'] ?? '', RESULT)
  assert.match(t['webhook p99 < 20 ms'] ?? '', RESULT)
  assert.match(t['serve peak memory < 300 MB under the webhook benchmark'] ?? '', RESULT)
  assert.ok(run.stdout.includes('durable notifications/s'))
})

test.run()
