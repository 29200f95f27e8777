/**
 * The projections' catch-up over an EventStoreDB log of 50,000 events written in multi-event transactions, against
 * the wire double answering every call 20 ms late (a remote server): the runner's `readAll` batches of 5,000 are
 * read in pages, each under its own deadline, so the catch-up finishes; run again with one read that never
 * answers, the page is tried again (smaller) and the read models come out the same. The rate is printed, not
 * asserted (speed lives in the benchmarks).
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { performance } from 'node:perf_hooks'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import * as E from 'fp-ts/lib/Either.js'
import { createRunner } from '@callstate/projections'
import { openReadModels } from '@callstate/readmodels'
import { must } from './contract/helpers.js'
import { startEsdbGrpcDouble, type EsdbGrpcDouble } from './doubles/esdb-grpc-double.js'
import { manyEvents, open } from './esdb-reads-support.js'

const EVENTS = 50_000
const DELAY_MS = 20

const catchUp = async (double: EsdbGrpcDouble, file: string, hangOnce: boolean) => {
  const store = open(double.url, 5000)
  const readModels = openReadModels({ file })
  if (E.isLeft(readModels)) throw new Error(`read models: ${JSON.stringify(readModels.left)}`)
  const runner = createRunner(store, readModels.right)
  let hung = false
  const started = performance.now()
  const report = await runner.catchUp({
    onProgress: () => {
      // After the first batch: the next read (a page of the next batch) never answers.
      if (hangOnce && !hung) double.faults.hangNext(1, 'read')
      hung = true
    }
  })()
  const seconds = (performance.now() - started) / 1000
  const head = await must(store.head())
  const result = { report, seconds, head, checkpoint: runner.checkpoint(), digest: readModels.right.digest() }
  readModels.right.close()
  await store.close()
  return result
}

test(`a catch-up of ${EVENTS} events at ${DELAY_MS} ms per call finishes; with a read that hangs once, too`, async () => {
  const double = await startEsdbGrpcDouble(0, { delayMs: DELAY_MS })
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'callstate-esdb-catchup-'))
  try {
    const written = manyEvents(double, EVENTS)
    const clean = await catchUp(double, path.join(dir, 'clean.db'), false)
    const retried = await catchUp(double, path.join(dir, 'retried.db'), true)
    for (const [name, run] of [
      ['clean', clean],
      ['one read hung', retried]
    ] as const)
      console.log(
        `  catch-up of ${written} events, ${DELAY_MS} ms per call (${name}): ${run.seconds.toFixed(1)} s, ` +
          `${Math.round(written / run.seconds)} events/s`
      )
    assert.ok(E.isRight(clean.report), JSON.stringify(clean.report))
    assert.ok(E.isRight(retried.report), JSON.stringify(retried.report))
    assert.is(clean.report.right.events, written)
    assert.is(clean.checkpoint, clean.head)
    assert.is(retried.checkpoint, retried.head)
    assert.is(double.faults.hung.read, 1, 'one read hung')
    assert.is(retried.digest, clean.digest, 'the same read models')
  } finally {
    await double.stop()
    fs.rmSync(dir, { recursive: true, force: true })
  }
})

test.run()
