/**
 * `bench/run.mjs --size 4000 --base-size 2000`: the log-size benchmarks run at 2,000 then at 4,000 notifications in
 * the same run and the report puts them side by side, with the growth between the two; the targets that compare
 * two sizes are judged; then a short soak (`callstate serve` on the 4,000-notification log under steady webhook
 * load, RSS sampled every second). As at 1M and 10M, only smaller. No timing is asserted.
 */
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import {
  LATENCY,
  RESULT,
  figuresOf,
  runBench,
  sizeFiguresOf,
  sizeTableHead,
  targetFigureOf,
  targetsOf
} from './bench-support.js'

const run = runBench([
  '--size',
  '4000',
  '--base-size',
  '2000',
  '--only',
  'decode,import,rebuild,queries,disk,soak',
  '--query-seconds',
  '2',
  '--soak-seconds',
  '4',
  '--soak-sample-seconds',
  '1',
  '--soak-rate',
  '100',
  '--no-peer'
])
const GROWTH = /^(\d+\.\d\dx (per event|memory|p50|per notification|per call))?$/

test('the run succeeds: one section for both sizes, the log-size figures side by side', () => {
  assert.is(run.code, 0, run.stderr)
  assert.match(run.report, /\n## \S+: 2,000 and 4,000 notifications\n/)
  assert.equal(sizeTableHead(run.report), ['benchmark', 'figure', '2,000', '4,000', 'growth 4,000 / 2,000'])
  assert.match(run.stderr, /== import \(2,000 notifications\)[\s\S]*== import \(4,000 notifications\)/)
})

test('every log-size benchmark has a value at each size, and a growth where the figure has a cost', () => {
  for (const benchmark of ['decode limit', 'import', 'rebuild', 'queries', 'disk']) {
    const f = sizeFiguresOf(run.report, benchmark)
    assert.ok(Object.keys(f).length > 0, benchmark)
    for (const [name, cells] of Object.entries(f)) {
      assert.is(cells.length, 3, name)
      assert.match(cells[2] ?? '', GROWTH, name)
    }
  }
  const imp = sizeFiguresOf(run.report, 'import')
  assert.match(imp['notifications']?.[0] ?? '', /^2,000 in /)
  assert.match(imp['notifications']?.[1] ?? '', /^4,000 in /)
  assert.match(imp['notifications/s']?.[2] ?? '', /^\d+\.\d\dx per event$/)
  assert.match(imp['peak RSS']?.[2] ?? '', /^\d+\.\d\dx memory$/)
  const rebuild = sizeFiguresOf(run.report, 'rebuild')
  assert.match(rebuild['events/s']?.[2] ?? '', /^\d+\.\d\dx per event$/)
  // The sequential rebuild, the slow one, is compared at the smallest size only.
  assert.match(rebuild['sequential (--workers 1)']?.[0] ?? '', /same digest: yes$/)
  assert.is(rebuild['sequential (--workers 1)']?.[1], 'compared at the smallest size only')
  const queries = sizeFiguresOf(run.report, 'queries')
  assert.match(queries['sessions --known-at, in-process']?.[1] ?? '', LATENCY)
  assert.match(queries['session, in-process']?.[2] ?? '', /^\d+\.\d\dx p50$/)
  assert.match(sizeFiguresOf(run.report, 'disk')['log (events.db and its WAL)']?.[2] ?? '', /per notification$/)
})

test('the soak: the server on the larger log under steady load, RSS sampled as a series, a verdict', () => {
  const f = figuresOf(run.report, 'soak')
  assert.equal(Object.keys(f), [
    'load',
    'log',
    'server RSS every 1 s',
    'server RSS trend',
    'server peak RSS',
    'latency per sample period (p99)'
  ])
  assert.match(
    f['load'] ?? '',
    /^\d[\d,]* notifications\/s answered 200 \([\d,]+ of [\d,]+ sent at 100\/s for [\d.]+ min; /
  )
  assert.match(f['log'] ?? '', /^4,000 events at the start, [\d,]+ at the end; serve listening after [\d.]+ s$/)
  assert.match(f['server RSS every 1 s'] ?? '', /^0: \d+(, [\d.]+: \d+){3,} \(min: MB\)$/)
  assert.match(
    f['server RSS trend'] ?? '',
    /^highest \d+ MB in the first third of the load, \d+ MB in the last \(\d+\.\d\dx: (flat|grew), limit 1\.25x\)$/
  )
  assert.match(f['server peak RSS'] ?? '', /^\d+ MB$/)
})

test('targets: the growth targets compare the two sizes; the soak and the whole run are judged', () => {
  const t = targetsOf(run.report)
  const flat = 'import peak memory flat from the smaller to the larger log (<= 1.25x)'
  assert.match(t[flat] ?? '', RESULT)
  assert.match(targetFigureOf(run.report, flat) ?? '', /^2,000: \d+ MB, 4,000: \d+ MB \(\d+\.\d\dx\)$/)
  const perEvent = 'rebuild no slower per event at the larger log (time per event <= 1.1x)'
  assert.match(t[perEvent] ?? '', RESULT)
  assert.match(targetFigureOf(run.report, perEvent) ?? '', /^2,000: [\d.]+ µs\/event, 4,000: [\d.]+ µs\/event/)
  const queries = 'queries do not grow linearly with the log (p50 at the larger log <= 2x)'
  assert.match(t[queries] ?? '', RESULT)
  assert.match(targetFigureOf(run.report, queries) ?? '', /^session \d+\.\d\dx, active now \d+\.\d\dx, /)
  // Targets judged at every size show each size's figure.
  assert.match(
    targetFigureOf(run.report, 'peak memory < 300 MB while importing') ?? '',
    /^2,000: \d+ MB; 4,000: \d+ MB$/
  )
  assert.match(t['serve peak memory < 300 MB during the soak (the whole log of the largest size)'] ?? '', RESULT)
  const soakFlat =
    "serve memory flat during the soak (60 min asked; last third's highest RSS <= 1.25x the first third's)"
  assert.match(t[soakFlat] ?? '', RESULT)
  assert.match(
    targetFigureOf(run.report, soakFlat) ?? '',
    /over [\d.]+ of the 60 min asked \(--only soak --soak-minutes 60\)$/
  )
  assert.match(t['the whole run within an hour (every figure at 1M and at 10M)'] ?? '', RESULT)
})

test.run()
