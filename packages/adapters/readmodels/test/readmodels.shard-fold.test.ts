/**
 * The fold of a parallel rebuild's shard (`shardFold`: sessions written behind, end facts passed between shards), in
 * process on the real SQLite scratch files: the rows swapped in are the sequential rebuild's, also when every session
 * leaves the cache at once and comes back (read from the scratch file, folded again, written again), and whether the
 * end facts another shard passes on arrive before or after the session's own events.
 */
import path from 'node:path'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { DEFAULT_OPTIONS, simulateLines } from '@callstate/simulator'
import { defaultProjections, rebuild, shardFold, type SessionEnd, type StoredEvent } from '@callstate/projections'
import { shardOf } from '@callstate/sqlite'
import { importValues, openBoth, openedReadModels, payload, right, tempDir } from './readmodels.support.js'

const simulated = (calls: number, seed: number): unknown[] =>
  [...simulateLines({ ...DEFAULT_OPTIONS, calls, seed, duplicateRate: 0.05, reorderRate: 0.1 })].map((line): unknown =>
    JSON.parse(line)
  )

/** Folds `events` into two scratch files, in batches of `batch`, end facts handed over `delay` batches later. */
const foldInShards = (
  dir: string,
  events: ReadonlyArray<StoredEvent>,
  options: { readonly batch: number; readonly delay: number; readonly sessionCacheSize: number }
): string[] => {
  const shards = [0, 1].map((index) => ({
    owns: (stream: string): boolean => shardOf(stream, 2) === index,
    file: path.join(dir, `shard-${index}-${options.sessionCacheSize}-${options.delay}.db`)
  }))
  const folds = shards.map(({ owns, file }) => ({
    owns,
    scratch: openedReadModels({ file }, { scratch: true }),
    fold: shardFold({ owns, sessionCacheSize: options.sessionCacheSize })
  }))
  const inTransit: Array<{ readonly due: number; readonly to: number; readonly ends: SessionEnd[] }> = []
  const deliver = (now: number): void => {
    for (const parcel of inTransit.filter((p) => p.due <= now)) {
      const target = folds[parcel.to]
      target?.scratch.transaction((tx) => target.fold.applyEnds(tx, parcel.ends))
    }
    inTransit.splice(0, inTransit.length, ...inTransit.filter((p) => p.due > now))
  }
  for (let start = 0, turn = 0; start < events.length; start += options.batch, turn++) {
    const batch = events.slice(start, start + options.batch)
    folds.forEach(({ owns, scratch, fold }, index) => {
      const ends = scratch.transaction((tx) =>
        fold.apply(
          tx,
          batch.filter((e) => owns(e.stream))
        )
      )
      if (ends.length > 0) inTransit.push({ due: turn + options.delay, to: 1 - index, ends })
    })
    deliver(turn)
  }
  deliver(Number.MAX_SAFE_INTEGER)
  for (const { scratch, fold } of folds) {
    scratch.transaction((tx) => fold.finish(tx))
    scratch.close()
  }
  return shards.map((s) => s.file)
}

test('two shard folds, swapped in, give the sequential rebuild: every session evicted at once, ends early or late', async () => {
  const dir = tempDir()
  const { store, readModels } = openBoth(dir)
  await importValues(store, [...payload('01'), ...payload('02'), ...payload('03'), ...payload('09')])
  await importValues(store, simulated(150, 11), '2026-01-05T12:00:00.000Z')
  const sequential = await right(rebuild(store, readModels))
  const events = await right(store.readAll(0, 100_000))
  assert.ok(events.length > 1000, 'a log of some size')
  const checkpoint = events.at(-1)?.position ?? 0
  const projections = defaultProjections().map((p) => ({ projection: p.name, version: p.version, checkpoint }))
  for (const options of [
    { batch: 50, delay: 0, sessionCacheSize: 1_000 },
    { batch: 7, delay: 0, sessionCacheSize: 1 },
    { batch: 7, delay: 5, sessionCacheSize: 1 },
    { batch: 13, delay: 40, sessionCacheSize: 3 }
  ]) {
    const target = openedReadModels({ file: path.join(dir, `target-${options.sessionCacheSize}-${options.delay}.db`) })
    target.replaceWith(foldInShards(dir, events, options), projections)
    assert.is(target.digest(), sequential.digest, JSON.stringify(options))
    target.close()
  }
  readModels.close()
  await store.close()
})

test.run()
