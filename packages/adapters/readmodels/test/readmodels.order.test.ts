/**
 * Real captures imported in shuffled order with duplicates (same envelope again, and the same notification
 * under a second uuid as an extension-level subscription would deliver it) give the same session states,
 * call rows and read-model digest as an in-order import, although every event has another log position. Real SQLite store, real ingest path.
 */
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { createRunner, querySession, type QueryDeps } from '@callstate/projections'
import { importValues, openBoth, payload, right, shuffle, tempDir } from './readmodels.support.js'

const SESSIONS = [
  's-718107795d564867a6f635fd81e89940',
  's-f9badb80011344259059d6894a30ace2',
  's-c23b203d62db4f6aaee00717bafa99be'
]
const TIME = { now: '2020-06-23T03:00:00.000Z', staleAfterMs: 4 * 3_600_000 }

const withCopies = (values: ReadonlyArray<unknown>): unknown[] =>
  values.flatMap((v, i) => {
    if (i % 3 !== 0 || typeof v !== 'object' || v === null) return [v]
    // A second delivery of the same notification under another uuid: one fact, two log events.
    return [v, v, { ...v, uuid: `copy-${i}` }]
  })

const snapshot = async (values: ReadonlyArray<unknown>, chunks: number) => {
  const { store, readModels } = openBoth(tempDir())
  const size = Math.ceil(values.length / chunks)
  const runner = createRunner(store, readModels, { batchSize: 7 })
  for (let i = 0; i < values.length; i += size) {
    await importValues(store, values.slice(i, i + size))
    await right(runner.catchUp())
  }
  const deps: QueryDeps = { store, readModels }
  const views = []
  for (const id of SESSIONS) views.push(await right(querySession(deps, id, TIME)))
  const calls = SESSIONS.map((id) => readModels.calls(id).map((c) => ({ ...c, endedPosition: null })))
  const digest = readModels.digest()
  readModels.close()
  await store.close()
  return { views, calls, digest }
}

const all = [...payload('01'), ...payload('02'), ...payload('03')]

test('shuffled imports with duplicates give the in-order session states, call metrics and digest', async () => {
  const expected = await snapshot(all, 1)
  assert.equal(
    expected.views.map((v) => v.status),
    ['ended', 'ended', 'ended']
  )
  // Payload 01's answering party: ring 52.656 -> 00.001, talk 00.001 -> 04.601 + 06.994 -> 14.808, hold 04.601 -> 06.994.
  assert.equal(expected.views[0]?.parties[2]?.metrics, { ringMs: 7345, talkMs: 12414, holdMs: 2393 })
  for (const seed of [1, 7, 42]) {
    const shuffled = await snapshot(shuffle(withCopies(all), seed), 4)
    assert.equal(shuffled.views, expected.views, `views, seed ${seed}`)
    assert.equal(shuffled.calls, expected.calls, `calls, seed ${seed}`)
    // Other positions for every event, copies in the log: the digest covers content, not positions.
    assert.is(shuffled.digest, expected.digest, `digest, seed ${seed}`)
  }
})

test('the digest of a read model does not depend on the size of the batches it was folded in', async () => {
  // The same log, read in batches of different sizes: the digest is the same.
  const { store, readModels } = openBoth(tempDir())
  await importValues(store, withCopies(all))
  await right(createRunner(store, readModels, { batchSize: 3 }).catchUp())
  const small = readModels.digest()
  const other = openBoth(tempDir())
  await importValues(other.store, withCopies(all))
  await right(createRunner(other.store, other.readModels, { batchSize: 1000 }).catchUp())
  assert.is(other.readModels.digest(), small)
  readModels.close()
  other.readModels.close()
  await store.close()
  await other.store.close()
})

test.run()
