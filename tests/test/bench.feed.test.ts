/**
 * `bench/run.mjs --only feed` at a tiny size: a real `callstate serve`, 10 `GET /feed` clients, 20 calls in
 * progress, 3 s of notifications at 50/s, and the board in headless Chromium when /usr/bin/chromium is there.
 * Checks the figures are present and well-formed and no event was missed; no timing is asserted.
 */
import { existsSync } from 'node:fs'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { RESULT, figuresOf, runBench, targetsOf } from './bench-support.js'

const run = runBench([
  '--only',
  'feed',
  '--feed-clients',
  '10',
  '--feed-calls',
  '20',
  '--feed-seconds',
  '3',
  '--no-peer'
])
const LATENCY = /^p50 -?[\d.]+ ms, p99 -?[\d.]+ ms, max -?[\d.]+ ms \(n=[\d,]+ (delivered|read)\)$/
const hasChromium = existsSync('/usr/bin/chromium')

test('the run succeeds with the feed figures', () => {
  assert.is(run.code, 0, run.stderr)
  const f = figuresOf(run.report, 'feed')
  assert.equal(Object.keys(f).slice(0, 6), [
    'load',
    'notifications/s',
    'delivery latency (200 answer -> event at a client)',
    'events missed',
    'server RSS during the load',
    'server peak RSS'
  ])
  assert.match(
    f['load'] ?? '',
    /^10 clients, [\d,]+ calls in progress \(brought by [\d,]+ notifications\), 150 notifications at 50\/s; /
  )
  assert.match(f['notifications/s'] ?? '', /^\d[\d,]*\/s \(150 answered 200 in [\d.]+ s; answers 200: 150\)$/)
  assert.match(f['delivery latency (200 answer -> event at a client)'] ?? '', LATENCY)
  assert.match(
    f['events missed'] ?? '',
    /^0 of [1-9][\d,]* \([\d,]+ events x 10 clients; unexpected 0, streams cut 0; 10 clients had the last event [\d.]+ s after the load\)$/
  )
  assert.match(
    f['server RSS during the load'] ?? '',
    /^0%: \d+ MB, 25%: \d+ MB, 50%: \d+ MB, 75%: \d+ MB, 100%: \d+ MB; after the drain \d+ MB \([\d.]+x: (bounded|grew)\)$/
  )
  assert.match(f['server peak RSS'] ?? '', /^\d+ MB$/)
})

test('the board: measured in Chromium, or said to be skipped', () => {
  const f = figuresOf(run.report, 'feed')
  if (!hasChromium) {
    assert.is(f['board'], 'skipped: /usr/bin/chromium missing')
    return
  }
  assert.match(f['board: events read by the page (200 answer -> page)'] ?? '', LATENCY)
  assert.match(
    f['board: lag behind the log'] ?? '',
    /^largest [\d,]+ notifications \/ [\d.]+ ms over \d+ probes; mean [\d.]+ ms first third, [\d.]+ ms last third \(growing: (no|YES)\); has the last event: yes; a feed client's largest lag [\d.]+ ms$/
  )
  assert.match(f['board: live rows vs GET /calls/active'] ?? '', /^largest difference [\d,]+ \(20 rows at the start\)$/)
  assert.match(f['board: JS heap after GC'] ?? '', /^start [\d.]+ MB, end [\d.]+ MB$/)
})

test('targets: delivery p99, missed events and the board are judged', () => {
  const t = targetsOf(run.report)
  assert.match(t['feed p99 delivery < 250 ms with 200 clients'] ?? '', RESULT)
  assert.is(t['feed: 0 events missed'], 'met')
  assert.match(t['board keeps up with the feed (lag not growing)'] ?? '', hasChromium ? RESULT : /^not run$/)
  assert.ok(run.stdout.includes('delivery latency'))
})

test.run()
