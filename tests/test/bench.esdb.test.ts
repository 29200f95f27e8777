/**
 * `bench/run.mjs --only esdb` at 2,000 notifications with 1 ms per call and 2 s of webhook load: the EventStoreDB
 * section runs against the test double started as a process (the import, two serve nodes, the catch-up) and its
 * figures and targets are in the report, well-formed, with the note that the double is not EventStoreDB. No timing
 * is asserted.
 */
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { RESULT, SIZE, figuresOf, runBench, targetsOf } from './bench-support.js'

const run = runBench([
  '--size',
  String(SIZE),
  '--only',
  'esdb',
  '--esdb-size',
  '500',
  '--esdb-delays',
  '1',
  '--esdb-webhook-seconds',
  '2',
  '--esdb-webhook-connections',
  '8',
  '--no-peer'
])

const AT = '1 ms/call'

test('the run succeeds with the EventStoreDB figures', () => {
  assert.is(run.code, 0, run.stderr)
  const f = figuresOf(run.report, 'esdb')
  assert.equal(Object.keys(f), [
    'what',
    'sizes',
    `${AT}: import (callstate import --esdb)`,
    `${AT}: serve catch-up (two nodes at once)`,
    `${AT}: webhook durable acks/s through two nodes`,
    `${AT}: webhook latency and answers`,
    `${AT}: nodes converged after the load`,
    `${AT}: catch-up (callstate rebuild --esdb, whole log)`,
    `${AT}: serve peak RSS`,
    `${AT}: CPU used by the double`
  ])
  assert.match(f['sizes'] ?? '', /^import 500 notifications per delay; webhook bodies: the next 1,500 lines; /)
  assert.match(
    f[`${AT}: import (callstate import --esdb)`] ?? '',
    /^[\d,]+\/s \(500 notifications in [\d.]+ s, start-up included: appended 500, duplicates 0, quarantined 0\)$/
  )
  assert.match(
    f[`${AT}: serve catch-up (two nodes at once)`] ?? '',
    /^[\d,]+ events\/s per node \(500 events: [\d.]+ s and [\d.]+ s after listening\)$/
  )
  assert.match(
    f[`${AT}: webhook durable acks/s through two nodes`] ?? '',
    /^[\d,]+\/s \([\d,]+ answered 200 in [\d.]+ s: [\d,]+ \+ [\d,]+\)$/
  )
  assert.match(
    f[`${AT}: webhook latency and answers`] ?? '',
    /^p50 [\d.]+ ms, p99 [\d.]+ ms; 200: [\d,]+(, \d{3}: [\d,]+)*; errors \d+, timeouts \d+; 8 connections, [\d,]+ distinct bodies/
  )
  assert.match(f[`${AT}: nodes converged after the load`] ?? '', /^yes, [\d.]+ s after it \(both at position [\d,]+\)$/)
  assert.match(
    f[`${AT}: catch-up (callstate rebuild --esdb, whole log)`] ?? '',
    /^[\d,]+ events\/s \([\d,]+ events in [\d.]+ s; every acknowledged notification in the log: yes\)$/
  )
  assert.match(f[`${AT}: serve peak RSS`] ?? '', /^\d+ MB and \d+ MB$/)
})

test('targets: the import finishes, the nodes converge, every acknowledged notification is stored', () => {
  const t = targetsOf(run.report)
  assert.match(t['esdb: the import finishes at 1 ms per call'] ?? '', RESULT)
  assert.is(t['esdb: two serve nodes converge after the webhook load (every delay)'], 'met')
  assert.is(t['esdb: every acknowledged notification is in the log (every delay)'], 'met')
})

test('the report says the figures are of the test double, not EventStoreDB', () => {
  assert.ok(run.report.includes('in-memory TEST DOUBLE'), run.report)
  assert.ok(run.report.includes('not EventStoreDB'))
})

test.run()
