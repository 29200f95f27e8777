/**
 * The parallel rebuild (workers replaying shards of the log into scratch files, swapped in at the end) against the
 * sequential one, on the real store with the real worker threads: same rows, same digest, same report; a failure
 * leaves the live read models as they were; scratch files never outlive a rebuild.
 */
import { spawnSync } from 'node:child_process'
import { existsSync, readdirSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import * as E from 'fp-ts/lib/Either.js'
import { createRunner, rebuild, streams } from '@callstate/projections'
import Database from 'better-sqlite3'
import { rebuildInParallel, rebuildReadModels } from '../src/index.js'
import { digestInWorker } from '../src/parallel/rebuild.js'
import { shardOf } from '@callstate/sqlite'
import { DEFAULT_OPTIONS, simulateLines } from '@callstate/simulator'
import {
  caughtUp,
  following,
  importValues,
  openBoth,
  openedReadModels,
  payload,
  right,
  tempDir
} from './readmodels.support.js'

const simulated = (calls: number, seed: number): unknown[] =>
  [...simulateLines({ ...DEFAULT_OPTIONS, calls, seed, duplicateRate: 0.05, reorderRate: 0.1 })].map((line): unknown =>
    JSON.parse(line)
  )

/** A data directory holding the real captures and a simulated morning, with its live read models caught up. */
const populated = async () => {
  const dir = tempDir()
  const { store, readModels } = openBoth(dir)
  await importValues(store, [...payload('01'), ...payload('02'), ...payload('03'), ...payload('09')])
  await importValues(store, simulated(150, 7), '2026-01-05T12:00:00.000Z')
  await right(createRunner(store, readModels).catchUp())
  return { dir, store, readModels }
}

const scratchFiles = (dir: string): string[] => readdirSync(dir).filter((n) => n.includes('.rebuild-'))

test('2 and 3 workers give the rows, digest and report of the sequential rebuild', async () => {
  const { dir, store, readModels } = await populated()
  const live = readModels.digest()
  const sequential = await right(rebuild(store, openedReadModels({ file: path.join(dir, 'sequential.db') })))
  assert.is(sequential.digest, live)
  for (const workers of [2, 3]) {
    const target = openedReadModels({ file: path.join(dir, `parallel-${workers}.db`) })
    const progress: number[] = []
    const parallel = await right(
      rebuildInParallel(store, target, { workers, onProgress: (checkpoint) => progress.push(checkpoint) })
    )
    assert.equal(parallel, sequential, `${workers} workers`)
    assert.is(target.digest(), parallel.digest, 'the digest reported is the one of the rows swapped in')
    assert.equal(
      target.meta().map((m) => m.checkpoint),
      [sequential.checkpoint, sequential.checkpoint, sequential.checkpoint],
      'every projection is at the head after the swap'
    )
    assert.is(progress.at(-1), sequential.checkpoint)
    target.close()
  }
  // In place: the live read models are replaced, with the same digest, and the runner finds nothing to do.
  assert.is((await right(rebuildInParallel(store, readModels, { workers: 2 }))).digest, live)
  assert.is((await right(createRunner(store, readModels).catchUp())).events, 0)
  assert.equal(scratchFiles(dir), [])
  readModels.close()
  await store.close()
})

test('the digest worker takes the digest of files that partition the rows as if they were one file', async () => {
  const { dir, store, readModels } = await populated()
  // Every table's rows dealt alternately into two files, so the keys of each file interleave with the other's.
  const halves = [path.join(dir, 'even.db'), path.join(dir, 'odd.db')]
  for (const file of halves) openedReadModels({ file }, { scratch: true }).close()
  const db = new Database(readModels.file)
  halves.forEach((file, i) => db.prepare(`ATTACH DATABASE ? AS half${i}`).run(file))
  for (const table of ['rm_sessions', 'rm_session_extensions', 'rm_calls', 'rm_presence', 'rm_messages'])
    for (const i of [0, 1]) db.exec(`INSERT INTO half${i}.${table} SELECT * FROM main.${table} WHERE rowid % 2 = ${i}`)
  db.close()
  const count = (file: string): number => {
    const half = new Database(file, { readonly: true })
    const n = Number(half.prepare('SELECT count(*) FROM rm_presence').pluck().get())
    half.close()
    return n
  }
  assert.ok(count(halves[0] ?? '') > 0 && count(halves[1] ?? '') > 0, 'both halves hold rows')
  const live = readModels.digest()
  assert.equal(await digestInWorker(halves), E.right(live))
  assert.equal(await digestInWorker([...halves].reverse()), E.right(live))
  assert.ok(E.isLeft(await digestInWorker([path.join(dir, 'missing', 'x.db')])), 'a file that cannot be read')
  readModels.close()
  await store.close()
})

test('events the decoder cannot read are reported the same way, in position order', async () => {
  const { store, readModels } = await populated()
  const broken = (id: string, session: string) => ({
    stream: streams.session(session),
    expected: 'any' as const,
    events: [
      {
        id,
        type: 'TelephonySessionNotification' as const,
        data: '{"uuid":"x","event":"/restapi/v1.0/account/~/telephony/sessions","body":{}}',
        metadata: { receivedAt: '2026-01-05T12:00:00.000Z', source: 'import-file' as const, contentHash: id }
      }
    ]
  })
  // Two streams that land in different shards, so each worker reports one.
  const [a, b] = ['s-broken-a', 's-broken-b', 's-broken-c', 's-broken-d'].reduce<string[]>(
    (found, s) =>
      found.some((f) => shardOf(streams.session(f), 2) === shardOf(streams.session(s), 2)) ? found : [...found, s],
    []
  )
  assert.ok(a !== undefined && b !== undefined, 'two sessions in different shards')
  await right(store.append(broken('bad-2', b)))
  await right(store.append(broken('bad-1', a)))
  const sequential = await right(rebuild(store, readModels))
  const parallel = await right(rebuildInParallel(store, readModels, { workers: 2 }))
  assert.is(sequential.undecodable, 2)
  assert.equal(parallel, sequential)
  assert.equal(
    parallel.problems.map((p) => p.id),
    ['bad-2', 'bad-1']
  )
  readModels.close()
  await store.close()
})

test('a failed swap leaves the live read models as they were, and no scratch file', async () => {
  const { dir, store, readModels } = await populated()
  const live = readModels.digest()
  // An event filed under another session's stream (as a decoder that reads ids differently would leave it): two
  // shards then both hold that session, which the swap refuses instead of keeping one of them.
  const session = readModels.listSessions({ limit: 1 })[0]?.telephonySessionId
  assert.ok(session !== undefined)
  const elsewhere = ['x-1', 'x-2', 'x-3', 'x-4'].find(
    (s) => shardOf(streams.session(s), 2) !== shardOf(streams.session(session), 2)
  )
  assert.ok(elsewhere !== undefined)
  const [event] = await right(store.readStream(streams.session(session), { limit: 1 }))
  assert.ok(event !== undefined)
  await right(
    store.append({
      stream: streams.session(elsewhere),
      expected: 'any',
      events: [{ id: 'misfiled', type: event.type, data: event.data, metadata: event.metadata }]
    })
  )
  const failed = await rebuildInParallel(store, readModels, { workers: 2 })()
  assert.ok(E.isLeft(failed))
  if (E.isLeft(failed))
    assert.match(JSON.stringify(failed.left), /UNIQUE constraint failed: rm_sessions[\s\S]*--workers 1/)
  assert.is(readModels.digest(), live, 'the live read models are untouched')
  assert.equal(scratchFiles(dir), [])
  // The sequential rebuild folds by the session id in the body, so it still works on this log.
  assert.ok(E.isRight(await rebuildReadModels(store, readModels, { workers: 1 })()))
  readModels.close()
  await store.close()
})

test('a worker that fails stops the others, and its own failure is the one reported', async () => {
  const { dir, store, readModels } = await populated()
  const live = readModels.digest()
  // The first event of shard 1 tampered with in the file: that worker fails on its first read, while worker 0
  // still replays and is then stopped (its exit must not be what the user reads).
  const log = new Database(store.path)
  const rows = log.prepare('SELECT position, stream FROM events ORDER BY position').raw().all()
  const first = rows.find((r) => Array.isArray(r) && typeof r[1] === 'string' && shardOf(r[1], 2) === 1)
  assert.ok(Array.isArray(first))
  log.prepare("UPDATE events SET source = 'tampered' WHERE position = ?").run(first[0])
  log.close()
  const failed = await rebuildInParallel(store, readModels, { workers: 2 })()
  assert.ok(E.isLeft(failed))
  if (E.isLeft(failed)) {
    const message = JSON.stringify(failed.left)
    assert.match(message, `a rebuild worker failed: `)
    assert.match(message, `row at position ${String(first[0])} does not hold a valid event`)
    assert.not.match(message, /exited/)
  }
  assert.is(readModels.digest(), live, 'the live read models are untouched')
  assert.equal(scratchFiles(dir), [])
  readModels.close()
  await store.close()
})

test('scratch files of a rebuild whose process is gone are removed; a running one is left alone', async () => {
  const { dir, store, readModels } = await populated()
  const child = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'])
  const deadPid = Number(child.stdout.toString())
  const abandoned = path.join(dir, `readmodels.db.rebuild-${deadPid}-0`)
  const running = path.join(dir, `readmodels.db.rebuild-${process.ppid}-0`)
  writeFileSync(abandoned, 'left by a killed rebuild')
  writeFileSync(running, 'another rebuild still running')
  await right(rebuildInParallel(store, readModels, { workers: 2 }))
  assert.is(existsSync(abandoned), false)
  assert.is(existsSync(running), true)
  readModels.close()
  await store.close()
})

test('a follower on the same file keeps every event across a parallel rebuild that swaps under it', async () => {
  const { dir, store, readModels } = await populated()
  const { runner: follower, errors, subscription: sub } = following(store, readModels, 50)
  const other = openedReadModels({ dataDir: dir })
  const rebuilding = rebuildInParallel(store, other, { workers: 2 })()
  // Notifications keep arriving while the workers replay: the swap moves the checkpoint back under the follower.
  await importValues(store, simulated(40, 8), '2026-01-05T13:00:00.000Z')
  assert.ok(E.isRight(await rebuilding))
  await importValues(store, simulated(10, 9), '2026-01-05T14:00:00.000Z')
  await caughtUp(follower)
  await sub.close()
  assert.equal(errors, [])
  const scratch = openedReadModels({ file: path.join(dir, 'scratch.db') })
  assert.is(readModels.digest(), (await right(rebuild(store, scratch))).digest)
  scratch.close()
  other.close()
  readModels.close()
  await store.close()
})

test.run()
