/**
 * Schema 2 of the embedded log (src/schema.ts): the duplicate key is (occurredAt, id), streams have integer ids,
 * and a schema 1 file is upgraded in place when opened. The upgrade of a real data directory written by the
 * release before is in tests/test/migration.v1.test.ts.
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
import type { NewEvent, StoreFailure } from '@callstate/projections'
import { openSqliteStore, type SqliteEventStore } from '../src/index.js'

const notification = (timestamp: string, uuid = randomUUID()): NewEvent => {
  const data = JSON.stringify({ uuid, timestamp, event: '/restapi/v1.0/account/1/extension/7/presence', body: {} })
  return {
    id: randomUUID(),
    type: 'PresenceNotification',
    data,
    metadata: {
      receivedAt: '2024-05-01T10:00:00.000Z',
      source: 'webhook',
      contentHash: createHash('sha256').update(data).digest('hex'),
      uuid,
      occurredAt: new Date(Date.parse(timestamp)).toISOString()
    }
  }
}

const tempDir = (): string => fs.mkdtempSync(path.join(os.tmpdir(), 'callstate-schema2-'))

const open = (dataDir = tempDir(), onUpgrade?: (m: string) => void): SqliteEventStore => {
  const opened = openSqliteStore({ dataDir, ...(onUpgrade ? { onUpgrade } : {}) })
  if (E.isLeft(opened)) throw new Error(`open failed: ${JSON.stringify(opened.left)}`)
  return opened.right
}

const must = async <A>(task: TE.TaskEither<StoreFailure, A>): Promise<A> => {
  const result = await task()
  if (E.isLeft(result)) throw new Error(`store answered ${JSON.stringify(result.left)}`)
  return result.right
}

test('a copy of a notification (same id and time) is a duplicate in any stream; occurredAt reads back', async () => {
  const store = open()
  const first = notification('2024-05-01T09:59:58.123Z')
  await must(store.append({ stream: 'presence-7', expected: 'any', events: [first] }))
  const [stored] = await must(store.readAll(0, 10))
  assert.equal(stored?.metadata, first.metadata)
  const again = await must(store.append({ stream: 'presence-8', expected: 'no-stream', events: [first] }))
  assert.equal(again.results, [{ _tag: 'Duplicate', id: first.id, existing: stored }])
  assert.equal(await must(store.findById(first.id, undefined, first.metadata.occurredAt)), stored)
  // The envelope's own spelling of the instant finds it too (presence end facts keep that one).
  assert.equal(await must(store.findById(first.id, undefined, '2024-05-01T11:59:58.123+02:00')), stored)
  assert.equal(await must(store.findById(first.id, 'presence-7')), stored)
  assert.equal(await must(store.findById(first.id, 'presence-8')), undefined)
  assert.equal(await must(store.findById(first.id)), stored)
  assert.equal(await must(store.head()), 1)
  await store.close()
})

test('the same id with another time is another notification: both are kept, findById tells them apart', async () => {
  const store = open()
  const first = notification('2024-05-01T10:00:00.000Z')
  const resent: NewEvent = { ...notification('2024-05-01T10:00:05.000Z'), id: first.id }
  await must(store.append({ stream: 'presence-7', expected: 'any', events: [first, resent] }))
  const [a, b] = await must(store.readAll(0, 10))
  assert.equal([a?.revision, b?.revision], [0, 1])
  assert.equal(await must(store.findById(first.id, undefined, '2024-05-01T10:00:05.000Z')), b)
  assert.equal(await must(store.findById(first.id, undefined, '2024-05-01T10:00:00.000Z')), a)
  assert.equal(await must(store.findById(first.id)), a)
  await store.close()
})

test('an occurredAt not written as Date.toISOString writes it is refused, nothing stored', async () => {
  const store = open()
  const e = notification('2024-05-01T10:00:00.000Z')
  for (const occurredAt of ['2024-05-01T10:00:00Z', '2024-02-30T10:00:00.000Z', '2024-05-01T24:00:00.000Z', 'soon']) {
    const odd: NewEvent = { ...e, metadata: { ...e.metadata, occurredAt } }
    const answer = await store.append({ stream: 'presence-7', expected: 'any', events: [odd] })()
    assert.ok(E.isLeft(answer) && answer.left._tag === 'InvalidRequest' && answer.left.reason.includes(occurredAt))
  }
  assert.equal(await must(store.head()), 0)
  await store.close()
})

test('streams get integer ids in the order they appear, and readStream/revisions work through them', async () => {
  const store = open()
  await must(
    store.append({ stream: 'session-b', expected: 'no-stream', events: [notification('2024-05-01T10:00:00Z')] })
  )
  await must(
    store.append({ stream: 'session-a', expected: 'no-stream', events: [notification('2024-05-01T10:00:01Z')] })
  )
  await must(store.append({ stream: 'session-b', expected: 0, events: [notification('2024-05-01T10:00:02Z')] }))
  const conflict = await store.append({
    stream: 'session-a',
    expected: 5,
    events: [notification('2024-05-01T10:00:03Z')]
  })()
  assert.ok(E.isLeft(conflict) && conflict.left._tag === 'VersionConflict')
  assert.equal(
    (await must(store.readStream('session-b'))).map((e) => [e.revision, e.position]),
    [
      [0, 1],
      [1, 3]
    ]
  )
  const db = new Database(store.path, { readonly: true })
  assert.equal(db.prepare('SELECT id, name FROM streams ORDER BY id').raw().all(), [
    [1, 'session-b'],
    [2, 'session-a']
  ])
  assert.equal(db.pragma('user_version', { simple: true }), 2)
  db.close()
  await store.close()
})

/** The schema 1 table exactly as the release before created it. */
const V1 = `CREATE TABLE events (
  position INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, stream TEXT NOT NULL, revision INTEGER NOT NULL,
  type TEXT NOT NULL, data TEXT NOT NULL, received_at TEXT NOT NULL, source TEXT NOT NULL, content_hash TEXT NOT NULL,
  source_ref TEXT, transport TEXT, uuid TEXT, UNIQUE (stream, revision))`

test('a schema 1 file is upgraded in place when opened: same rows, occurredAt from each envelope', async () => {
  const dir = tempDir()
  const old = new Database(path.join(dir, 'events.db'))
  old.pragma('journal_mode = WAL')
  old.exec(V1)
  old.pragma('user_version = 1')
  const n = notification('2024-05-01T12:00:00+02:00')
  const insert = old.prepare(`INSERT INTO events (id, stream, revision, type, data, received_at, source, content_hash,
    source_ref, transport, uuid) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`)
  insert.run(n.id, 'presence-7', 0, n.type, n.data, '2024-05-01T10:00:01.000Z', 'webhook', 'h1', null, 'webhook', 'u')
  insert.run(
    'q-1',
    'quarantine',
    0,
    'NotificationQuarantined',
    '{}',
    '2024-05-01T10:00:02.000Z',
    'stdin',
    'h2',
    null,
    null,
    null
  )
  old.close()

  const told: string[] = []
  const store = open(dir, (m) => told.push(m))
  assert.equal(told.length, 2)
  assert.match(told[0] ?? '', /from schema 1 to 2 \(2 events\)/)
  const events = await must(store.readAll(0, 10))
  assert.equal(
    events.map((e) => [e.position, e.id, e.stream, e.revision, e.metadata.occurredAt]),
    [
      [1, n.id, 'presence-7', 0, '2024-05-01T10:00:00.000Z'],
      [2, 'q-1', 'quarantine', 0, undefined]
    ]
  )
  // A copy arriving after the upgrade meets its first copy.
  const copy = await must(store.append({ stream: 'presence-7', expected: 'any', events: [n] }))
  assert.equal(copy.results[0]?._tag, 'Duplicate')
  await store.close()
  // Opening again upgrades nothing.
  const reopened = open(dir, (m) => told.push(m))
  assert.equal(told.length, 2)
  await reopened.close()
})

test('exclusive mode: refused while another connection is open; holds the log until closed; WAL again after', async () => {
  const dir = tempDir()
  const other = open(dir)
  const refused = openSqliteStore({ dataDir: dir, exclusive: true })
  assert.ok(E.isLeft(refused) && refused.left._tag === 'Unavailable' && refused.left.cause.includes('--exclusive'))
  await other.close()

  const bulk = openSqliteStore({ dataDir: dir, exclusive: true, durability: 'normal' })
  if (E.isLeft(bulk)) throw new Error(JSON.stringify(bulk.left))
  await must(
    bulk.right.append({ stream: 'presence-7', expected: 'any', events: [notification('2024-05-01T10:00:00Z')] })
  )
  const locked = openSqliteStore({ dataDir: dir, busyTimeoutMs: 100 })
  assert.ok(E.isLeft(locked) && locked.left._tag === 'Unavailable' && locked.left.cause.includes('import --exclusive'))
  await bulk.right.close()

  const after = open(dir)
  assert.equal((await must(after.readAll(0, 10))).length, 1)
  const db = new Database(after.path, { readonly: true })
  assert.equal(db.pragma('journal_mode', { simple: true }), 'wal')
  db.close()
  await after.close()
})
test.run()
