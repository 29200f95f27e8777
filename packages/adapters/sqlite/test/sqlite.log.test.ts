/**
 * What only the embedded store promises, beyond the shared contract (tests/test/contract): gap-free positions,
 * atomic group commits, ids unique across the whole log, the file on disk, and failures as values.
 */
import { createHash, randomUUID } from 'node:crypto'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import Database from 'better-sqlite3'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import * as E from 'fp-ts/lib/Either.js'
import type * as TE from 'fp-ts/lib/TaskEither.js'
import type { NewEvent, StoreFailure, StoredEvent } from '@callstate/projections'
import { openSqliteStore, type SqliteEventStore, type SqliteStoreOptions } from '../src/index.js'

const capture: ReadonlyArray<unknown> = (() => {
  const parsed: unknown = JSON.parse(
    fs.readFileSync(
      path.join(
        `${process.env['CALLSTATE_SHARED_DIR'] ?? '/work/shared'}/payloads`,
        '02-rc-to-rc-internal-answered-hold-unhold-hangup.json'
      ),
      'utf8'
    )
  )
  return Array.isArray(parsed) ? parsed : []
})()

/** Event `i` of the internal-call capture under a fresh id. */
const event = (i: number): NewEvent => {
  const data = JSON.stringify(capture[i % capture.length])
  return {
    id: randomUUID(),
    type: 'TelephonySessionNotification',
    data,
    metadata: {
      receivedAt: '2024-05-01T10:00:00.000Z',
      source: 'import-file',
      sourceRef: `02.json:${i + 1}`,
      contentHash: createHash('sha256').update(data).digest('hex')
    }
  }
}

const tempDir = (): string => fs.mkdtempSync(path.join(os.tmpdir(), 'callstate-sqlite-'))

const open = (options: Partial<SqliteStoreOptions> = {}): SqliteEventStore => {
  const opened = openSqliteStore({ dataDir: options.dataDir ?? tempDir(), ...options })
  if (E.isLeft(opened)) throw new Error(`open failed: ${JSON.stringify(opened.left)}`)
  return opened.right
}

const must = async <A>(task: TE.TaskEither<StoreFailure, A>): Promise<A> => {
  const result = await task()
  if (E.isLeft(result)) throw new Error(`store answered ${JSON.stringify(result.left)}`)
  return result.right
}

const positions = (events: ReadonlyArray<StoredEvent>): ReadonlyArray<number> => events.map((e) => e.position)

test('positions start at 1 and stay gap-free after a batch rolled back by a conflict', async () => {
  const store = open()
  await must(store.append({ stream: 'session-a', expected: 'no-stream', events: [event(0), event(1)] }))
  const failed = await store.appendBatch([
    { stream: 'session-b', expected: 'no-stream', events: [event(2), event(3)] },
    { stream: 'session-a', expected: 'no-stream', events: [event(4)] }
  ])()
  assert.equal(failed, E.left({ _tag: 'VersionConflict', stream: 'session-a', expected: 'no-stream', actual: 1 }))
  await must(store.append({ stream: 'session-c', expected: 'any', events: [event(5)] }))
  const all = await must(store.readAll(0, 100))
  assert.equal(positions(all), [1, 2, 3])
  assert.equal(await must(store.head()), 3)
  await store.close()
})

test('a batch is one transaction: a conflict in its last request leaves every earlier request unwritten', async () => {
  const store = open()
  await must(store.append({ stream: 'presence-1', expected: 'any', events: [event(0)] }))
  const batch = [
    { stream: 'session-x', expected: 'no-stream' as const, events: [event(1), event(2)] },
    { stream: 'session-y', expected: 'any' as const, events: [event(3)] },
    { stream: 'presence-1', expected: 7, events: [event(4)] }
  ]
  const failed = await store.appendBatch(batch)()
  assert.equal(failed, E.left({ _tag: 'VersionConflict', stream: 'presence-1', expected: 7, actual: 0 }))
  assert.equal(await must(store.readStream('session-x')), [])
  assert.equal(await must(store.readStream('session-y')), [])
  assert.equal(await must(store.findById(batch[0]!.events[0]!.id)), undefined)

  // The same batch with the right revision commits as a whole, in request order.
  const fixed = batch.map((r) => (r.stream === 'presence-1' ? { ...r, expected: 0 } : r))
  const outcomes = await must(store.appendBatch(fixed))
  assert.equal(
    outcomes.map((o) => o.results.map((r) => (r._tag === 'Appended' ? r.position : r._tag))),
    [[2, 3], [4], [5]]
  )
  await store.close()
})

test('ids are unique across the log: another stream or the same batch answers Duplicate', async () => {
  const store = open()
  const first = event(0)
  const outcome = await must(store.append({ stream: 'session-1', expected: 'any', events: [first] }))
  const [stored] = await must(store.readAll(0, 10))
  assert.equal(outcome.results, [{ _tag: 'Appended', id: first.id, position: 1, revision: 0 }])
  assert.equal(await must(store.findById(first.id)), stored)

  const elsewhere = await must(store.append({ stream: 'session-2', expected: 'any', events: [first] }))
  assert.equal(elsewhere, {
    stream: 'session-2',
    results: [{ _tag: 'Duplicate', id: first.id, existing: stored }],
    lastRevision: -1
  })

  const twice = event(1)
  const outcomes = await must(
    store.appendBatch([
      { stream: 'session-3', expected: 'any', events: [twice, twice] },
      { stream: 'session-4', expected: 'any', events: [twice] }
    ])
  )
  const written = await must(store.findById(twice.id))
  assert.equal(written?.stream, 'session-3')
  assert.equal(outcomes, [
    {
      stream: 'session-3',
      results: [
        { _tag: 'Appended', id: twice.id, position: 2, revision: 0 },
        { _tag: 'Duplicate', id: twice.id, existing: written }
      ],
      lastRevision: 0
    },
    { stream: 'session-4', results: [{ _tag: 'Duplicate', id: twice.id, existing: written }], lastRevision: -1 }
  ])
  assert.equal(await must(store.head()), 2)
  await store.close()
})

test('a retried append whose events are all stored answers Duplicate even though its expected revision is stale', async () => {
  const store = open()
  const events = [event(0), event(1)]
  await must(store.append({ stream: 'session-r', expected: 'no-stream', events }))
  const retry = await must(store.append({ stream: 'session-r', expected: 'no-stream', events }))
  assert.equal(
    retry.results.map((r) => r._tag),
    ['Duplicate', 'Duplicate']
  )
  // One new event among them makes it a real append, and the stale revision is a conflict again.
  const mixed = await store.append({ stream: 'session-r', expected: 'no-stream', events: [...events, event(2)] })()
  assert.equal(mixed, E.left({ _tag: 'VersionConflict', stream: 'session-r', expected: 'no-stream', actual: 1 }))
  await store.close()
})

test('one file under the data directory (created if missing) that a reopened store continues', async () => {
  const dataDir = path.join(tempDir(), 'nested', 'data')
  const store = open({ dataDir })
  assert.equal(store.path, path.join(dataDir, 'events.db'))
  assert.equal(store.durability, 'full')
  await must(store.append({ stream: 'session-1', expected: 'any', events: [event(0), event(1)] }))
  const before = await must(store.readAll(0, 10))
  await store.close()
  assert.ok(fs.existsSync(path.join(dataDir, 'events.db')))

  const again = open({ dataDir, durability: 'normal' })
  assert.equal(again.durability, 'normal')
  assert.equal(await must(again.readAll(0, 10)), before)
  const next = await must(again.append({ stream: 'session-1', expected: 1, events: [event(2)] }))
  assert.equal(next.results, [{ _tag: 'Appended', id: next.results[0]!.id, position: 3, revision: 2 }])
  await again.close()
})

test('another process holding the write lock makes an append Unavailable (SQLITE_BUSY), not a throw', async () => {
  const store = open({ busyTimeoutMs: 20 })
  const other = new Database(store.path)
  other.exec('BEGIN IMMEDIATE')
  const blocked = await store.append({ stream: 'session-1', expected: 'any', events: [event(0)] })()
  other.exec('ROLLBACK')
  other.close()
  assert.equal(
    blocked,
    E.left({
      _tag: 'Unavailable',
      cause:
        'append: SQLITE_BUSY: database is locked (another process holds the lock on the log: a long write, or an ' +
        '`import --exclusive`, which keeps it until it ends)'
    })
  )
  const after = await must(store.append({ stream: 'session-1', expected: 'any', events: [event(0)] }))
  assert.equal(after.lastRevision, 0)
  await store.close()
})

test('bad arguments and a newer schema are refused as values', async () => {
  const store = open()
  const answers = [
    await store.readAll(-1, 10)(),
    await store.readAll(0, 1.5)(),
    await store.readStream('s', { limit: -1 })(),
    await store.append({ stream: '', expected: 'any', events: [event(0)] })(),
    await store.append({ stream: 's', expected: -1, events: [event(0)] })()
  ]
  assert.equal(
    answers.map((a) => (E.isLeft(a) ? a.left._tag : 'Right')),
    ['InvalidRequest', 'InvalidRequest', 'InvalidRequest', 'InvalidRequest', 'InvalidRequest']
  )
  await store.close()

  const raw = new Database(store.path)
  raw.pragma('user_version = 99')
  raw.close()
  const newer = openSqliteStore({ dataDir: path.dirname(store.path) })
  assert.equal(E.isLeft(newer) && newer.left._tag === 'Unavailable' && newer.left.cause.includes('has schema 99'), true)
})

test('a row that is not a valid event fails the read (and a subscription) instead of being skipped', async () => {
  const store = open()
  await must(store.append({ stream: 'session-1', expected: 'any', events: [event(0)] }))
  const raw = new Database(store.path)
  raw
    .prepare(
      `INSERT INTO events (id, stream, revision, type, data, received_at, source, content_hash, stream_id, occurred_at)
       VALUES ('bad', 'session-1', 1, 'NotAType', '{}', 'now', 'webhook', 'h', 1, 0)`
    )
    .run()
  raw.close()
  assert.equal(
    await store.readAll(0, 10)(),
    E.left({ _tag: 'Unavailable', cause: `${store.path}: row at position 2 does not hold a valid event` })
  )
  const delivered: number[] = []
  const failure = await new Promise<StoreFailure>((resolve) => {
    store.subscribe(0, { onEvents: (events) => void delivered.push(...positions(events)), onError: resolve })
  })
  assert.equal(failure, { _tag: 'Unavailable', cause: `${store.path}: row at position 2 does not hold a valid event` })
  assert.equal(delivered, [])
  await store.close()
})

test('a handler that throws stops the subscription with an Unavailable failure', async () => {
  const store = open()
  await must(store.append({ stream: 'session-1', expected: 'any', events: [event(0)] }))
  let calls = 0
  const failure = await new Promise<StoreFailure>((resolve) => {
    store.subscribe(0, {
      onEvents: () => {
        calls += 1
        throw new Error('projection broke')
      },
      onError: resolve
    })
  })
  assert.equal(failure, { _tag: 'Unavailable', cause: 'subscription handler failed: projection broke' })
  await must(store.append({ stream: 'session-1', expected: 'any', events: [event(1)] }))
  await new Promise((resolve) => setTimeout(resolve, 100))
  assert.equal(calls, 1)
  await store.close()
})

test('onCaughtUp comes once the backlog that existed at subscribe time is delivered, though appends go on', async () => {
  const store = open({ subscribeBatchSize: 2 })
  await must(store.append({ stream: 'session-1', expected: 'any', events: [0, 1, 2, 3, 4].map(event) }))
  const log: string[] = []
  let delivered = 0
  const subscription = store.subscribe(0, {
    // Every batch brings one more event, so the log never stays read to its end while this runs.
    onEvents: async (events) => {
      delivered += events.length
      log.push(events.map((e) => e.position).join(','))
      if (delivered < 12) await must(store.append({ stream: 'session-1', expected: 'any', events: [event(delivered)] }))
    },
    onCaughtUp: () => log.push('caught up')
  })
  await new Promise<void>((resolve) => {
    const check = (): void => void (delivered >= 12 ? resolve() : setTimeout(check, 10))
    check()
  })
  await subscription.close()
  assert.equal(log.slice(0, 4), ['1,2', '3,4', '5,6', 'caught up'])
  assert.equal(log.filter((l) => l === 'caught up').length, 1)
  await store.close()
})

test('iterateAll yields the log in batches for a rebuild', async () => {
  const store = open()
  const events = Array.from({ length: 7 }, (_, i) => event(i))
  await must(store.append({ stream: 'session-1', expected: 'any', events }))
  const batches = [...store.iterateAll(0, 3)].map((b) => (E.isRight(b) ? positions(b.right) : b.left._tag))
  assert.equal(batches, [[1, 2, 3], [4, 5, 6], [7]])
  assert.equal(
    [...store.iterateAll(5, 2)].map((b) => (E.isRight(b) ? positions(b.right) : b.left._tag)),
    [[6, 7], []]
  )
  await store.close()
})

test.run()
