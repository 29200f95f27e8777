/**
 * How events reach SQLite: the embedded implementation of the `EventStore` port (packages/projections/src/port.ts).
 *
 * One file under the data directory, WAL mode, one connection per store. Every write runs in `BEGIN IMMEDIATE`,
 * which takes SQLite's single write lock up front, so several processes (an `import` while `serve` runs) can
 * append to the same file and positions stay gap-free. A writer that finds the lock taken waits up to
 * `busyTimeoutMs` (the driver is synchronous, so the event loop waits with it) and then gets `Unavailable`.
 * Durability: see `Durability` in schema.ts. Subscriptions: see subscription.ts.
 */
import fs from 'node:fs'
import path from 'node:path'
import Database from 'better-sqlite3'
import * as E from 'fp-ts/lib/Either.js'
import type * as TE from 'fp-ts/lib/TaskEither.js'
import type {
  AppendOutcome,
  AppendRequest,
  AppendResult,
  EventStore,
  ExpectedRevision,
  Position,
  StoreFailure,
  StoredEvent
} from '@callstate/projections'
import { attempt, invalid, toStoreFailure, unavailable } from './failure.js'
import { COLUMNS, decodeRow, decodeRows, encodeRow } from './rows.js'
import { type Durability, prepareSchema } from './schema.js'
import { makeHub, refused } from './subscription.js'
import { isShard, type Shard, shardOf } from './shard.js'

export interface SqliteStoreOptions {
  readonly dataDir: string
  /** Default `events.db`. */
  readonly fileName?: string
  /** Default `full`; see `Durability`. */
  readonly durability?: Durability
  /** How often open subscriptions look for commits made by other processes. Default 200 ms. */
  readonly pollIntervalMs?: number
  /** How long a statement waits for another process's lock before answering `Unavailable`. Default 5000 ms. */
  readonly busyTimeoutMs?: number
  /** Events per read while a subscription catches up. Default 1000. */
  readonly subscribeBatchSize?: number
  /** SQLite page cache in MiB: small for readers (the default, 8), larger for writers (see schema.ts). */
  readonly cacheMiB?: number
}

export interface SqliteEventStore extends EventStore {
  /** Absolute path of the database file. */
  readonly path: string
  readonly durability: Durability
  /**
   * The log after `after` in batches of at most `batchSize`, read synchronously: the fast path for a rebuild.
   * Ends after a short batch or after the first `Left`.
   */
  readonly iterateAll: (
    after: Position,
    batchSize: number
  ) => Generator<E.Either<StoreFailure, ReadonlyArray<StoredEvent>>, void>
  /**
   * `readAll` restricted to the streams of one shard (`shardOf(stream, count) === index`): what one worker of a
   * parallel rebuild folds. The other shards' rows are skipped inside SQLite, their data never reaches JavaScript.
   */
  readonly readShard: (
    after: Position,
    limit: number,
    shard: Shard
  ) => TE.TaskEither<StoreFailure, ReadonlyArray<StoredEvent>>
}

const isCount = (n: number): boolean => Number.isSafeInteger(n) && n >= 0

const checkRequest = (request: AppendRequest): StoreFailure | undefined => {
  if (request.stream === '') return invalid('stream name is empty')
  const { expected } = request
  if (typeof expected === 'number' && !isCount(expected))
    return invalid(`expected revision ${expected} is not a revision (use 'no-stream' for an absent stream)`)
  if (request.events.some((e) => e.id === '')) return invalid(`an event for ${request.stream} has an empty id`)
  return undefined
}

/** `current` is the revision of the stream's last event, -1 when the stream is absent. */
const versionConflict = (stream: string, expected: ExpectedRevision, current: number): StoreFailure | undefined => {
  const matches =
    expected === 'any' ||
    (expected === 'no-stream' && current < 0) ||
    (expected === 'stream-exists' && current >= 0) ||
    expected === current
  return matches
    ? undefined
    : { _tag: 'VersionConflict', stream, expected, actual: current < 0 ? 'no-stream' : current }
}

export const openSqliteStore = (options: SqliteStoreOptions): E.Either<StoreFailure, SqliteEventStore> => {
  const file = path.resolve(options.dataDir, options.fileName ?? 'events.db')
  const durability = options.durability ?? 'full'
  const opened = E.tryCatch(
    () => {
      fs.mkdirSync(path.dirname(file), { recursive: true })
      return new Database(file, { timeout: options.busyTimeoutMs ?? 5000 })
    },
    toStoreFailure(`open ${file}`)
  )
  if (E.isLeft(opened)) return opened
  const db = opened.right
  const ready = attempt(`open ${file}`, () => prepareSchema(db, durability, options.cacheMiB))
  if (E.isLeft(ready)) {
    db.close()
    return ready
  }
  return attempt(`open ${file}`, () => E.right(build(db, file, durability, options)))
}

const build = (db: Database.Database, file: string, durability: Durability, options: SqliteStoreOptions) => {
  const statements = {
    insert: db.prepare(
      `INSERT INTO events (id, stream, revision, type, data, received_at, source, content_hash, source_ref, transport, uuid)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`
    ),
    // The fast path for `expected: 'any'`: the id's UNIQUE index is the duplicate check, so a new event costs one
    // insert and no lookup; only an id that is already there is read back.
    insertUnlessKnown: db.prepare(
      `INSERT INTO events (id, stream, revision, type, data, received_at, source, content_hash, source_ref, transport, uuid)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING`
    ),
    byId: db.prepare(`SELECT ${COLUMNS} FROM events WHERE id = ?`).raw(),
    streamRevision: db.prepare('SELECT coalesce(max(revision), -1) FROM events WHERE stream = ?').pluck(),
    readStream: db
      .prepare(`SELECT ${COLUMNS} FROM events WHERE stream = ? AND revision >= ? ORDER BY revision LIMIT ?`)
      .raw(),
    readAll: db.prepare(`SELECT ${COLUMNS} FROM events WHERE position > ? ORDER BY position LIMIT ?`).raw(),
    head: db.prepare('SELECT coalesce(max(position), 0) FROM events').pluck(),
    readShard: db
      .function('callstate_shard', { deterministic: true }, (stream: unknown, count: unknown) =>
        typeof stream === 'string' && typeof count === 'number' ? shardOf(stream, count) : null
      )
      .prepare(
        `SELECT ${COLUMNS} FROM events WHERE position > ? AND callstate_shard(stream, ?) = ? ORDER BY position LIMIT ?`
      )
      .raw(),
    dataVersion: db.prepare('PRAGMA data_version').pluck(),
    begin: db.prepare('BEGIN IMMEDIATE'),
    commit: db.prepare('COMMIT'),
    rollback: db.prepare('ROLLBACK')
  }
  let closed = false

  const number = (what: string, value: unknown): E.Either<StoreFailure, number> =>
    typeof value === 'number' ? E.right(value) : E.left(unavailable(`${what} is not a number: ${String(value)}`))
  const corrupt = (reason: string): StoreFailure => unavailable(`${file}: ${reason}`)

  /** Every operation: refused once closed, driver exceptions turned into values (failure.ts). */
  const run = <A>(operation: string, work: () => E.Either<StoreFailure, A>): E.Either<StoreFailure, A> =>
    closed ? E.left(unavailable(`${operation}: the store at ${file} is closed`)) : attempt(operation, work)
  const task =
    <A>(operation: string, work: () => E.Either<StoreFailure, A>): TE.TaskEither<StoreFailure, A> =>
    () =>
      Promise.resolve(run(operation, work))

  const findById = (id: string): E.Either<StoreFailure, StoredEvent | undefined> => {
    const row = statements.byId.get(id)
    return row === undefined ? E.right(undefined) : E.mapLeft(corrupt)(decodeRow(row))
  }
  const readAll = (after: Position, limit: number): E.Either<StoreFailure, ReadonlyArray<StoredEvent>> =>
    isCount(after) && isCount(limit)
      ? E.mapLeft(corrupt)(decodeRows(statements.readAll.all(after, limit)))
      : E.left(invalid(`readAll(${after}, ${limit}): position and limit must be non-negative integers`))

  /**
   * One request inside the open transaction. Ids already in the log (or written earlier in this batch) are
   * reported `Duplicate` and not written. A request whose events are all already stored is a retry of an append
   * that happened: it answers the duplicates without checking `expected`, which the first append has moved past.
   */
  const appendInTransaction = (request: AppendRequest): E.Either<StoreFailure, AppendOutcome> => {
    const current = number('stream revision', statements.streamRevision.get(request.stream))
    if (E.isLeft(current)) return current
    if (request.expected === 'any') return appendAny(request, current.right)
    const known = new Map<string, StoredEvent>()
    for (const event of request.events) {
      const found = findById(event.id)
      if (E.isLeft(found)) return found
      if (found.right !== undefined) known.set(event.id, found.right)
    }
    const retry = request.events.length > 0 && known.size === new Set(request.events.map((e) => e.id)).size
    const conflict = retry ? undefined : versionConflict(request.stream, request.expected, current.right)
    if (conflict) return E.left(conflict)

    let revision = current.right
    const written = new Set<string>()
    const results: AppendResult[] = []
    for (const event of request.events) {
      const existing = known.get(event.id)
      if (existing !== undefined) {
        results.push({ _tag: 'Duplicate', id: event.id, existing })
        continue
      }
      if (written.has(event.id)) {
        // The same id twice in one request: the second answers with the row the first one wrote.
        const again = findById(event.id)
        if (E.isLeft(again)) return again
        if (again.right === undefined) return E.left(corrupt(`event ${event.id} vanished inside its transaction`))
        results.push({ _tag: 'Duplicate', id: event.id, existing: again.right })
        continue
      }
      revision += 1
      const info = statements.insert.run(...encodeRow(event, request.stream, revision))
      written.add(event.id)
      results.push({ _tag: 'Appended', id: event.id, position: Number(info.lastInsertRowid), revision })
    }
    return E.right({ stream: request.stream, results, lastRevision: revision })
  }

  /** `expected: 'any'` (what ingest uses): no revision to check, so no lookup before writing (see insertUnlessKnown). */
  const appendAny = (request: AppendRequest, current: number): E.Either<StoreFailure, AppendOutcome> => {
    let revision = current
    const results: AppendResult[] = []
    for (const event of request.events) {
      const info = statements.insertUnlessKnown.run(...encodeRow(event, request.stream, revision + 1))
      if (info.changes === 1) {
        revision += 1
        results.push({ _tag: 'Appended', id: event.id, position: Number(info.lastInsertRowid), revision })
        continue
      }
      // Already in the log, or written earlier in this batch: answer with the stored row.
      const existing = findById(event.id)
      if (E.isLeft(existing)) return existing
      if (existing.right === undefined) return E.left(corrupt(`event ${event.id} conflicts but cannot be read`))
      results.push({ _tag: 'Duplicate', id: event.id, existing: existing.right })
    }
    return E.right({ stream: request.stream, results, lastRevision: revision })
  }

  /** All requests in one IMMEDIATE transaction: the group commit. Any failure rolls every request back. */
  const appendAll = (requests: ReadonlyArray<AppendRequest>): E.Either<StoreFailure, ReadonlyArray<AppendOutcome>> => {
    const bad = requests.map(checkRequest).find((f) => f !== undefined)
    if (bad) return E.left(bad)
    if (requests.length === 0) return E.right([])
    statements.begin.run()
    const outcomes: AppendOutcome[] = []
    let failure: StoreFailure | undefined
    try {
      for (const request of requests) {
        const outcome = appendInTransaction(request)
        if (E.isLeft(outcome)) {
          failure = outcome.left
          break
        }
        outcomes.push(outcome.right)
      }
      if (failure === undefined) statements.commit.run()
    } finally {
      // A failed request, or a driver exception on its way to `attempt`: leave nothing half-written. SQLite
      // may already have rolled back by itself (e.g. on SQLITE_FULL), hence the check.
      if (db.inTransaction) statements.rollback.run()
    }
    if (failure !== undefined) return E.left(failure)
    // After the commit, and not on the appender's stack: a subscriber's handler never runs inside `append`.
    if (outcomes.some((o) => o.results.some((r) => r._tag === 'Appended'))) queueMicrotask(hub.wakeAll)
    return E.right(outcomes)
  }

  let dataVersion: unknown = statements.dataVersion.get()
  const hub = makeHub(
    () =>
      run('poll for appends by other processes', () => {
        const now: unknown = statements.dataVersion.get()
        const changed = now !== dataVersion
        dataVersion = now
        return E.right(changed)
      }),
    options.pollIntervalMs ?? 200
  )
  const batchSize = options.subscribeBatchSize ?? 1000

  const store: SqliteEventStore = {
    path: file,
    durability,
    append: (request) =>
      task('append', () =>
        E.flatMap(appendAll([request]), ([outcome]) =>
          outcome === undefined ? E.left(unavailable('append: no outcome for the request')) : E.right(outcome)
        )
      ),
    appendBatch: (requests) => task('appendBatch', () => appendAll(requests)),
    readStream: (stream, { fromRevision = 0, limit } = {}) =>
      task('readStream', () =>
        isCount(fromRevision) && (limit === undefined || isCount(limit))
          ? E.mapLeft(corrupt)(decodeRows(statements.readStream.all(stream, fromRevision, limit ?? -1)))
          : E.left(invalid(`readStream(${stream}): fromRevision and limit must be non-negative integers`))
      ),
    readAll: (after, limit) => task('readAll', () => readAll(after, limit)),
    findById: (id) => task('findById', () => findById(id)),
    subscribe: (after, handlers) =>
      closed
        ? refused(handlers, unavailable(`subscribe: the store at ${file} is closed`))
        : hub.subscribe(
            {
              after: (from, limit) => run('subscribe', () => readAll(from, limit)),
              head: () => run('subscribe', () => number('head', statements.head.get()))
            },
            after,
            handlers,
            batchSize
          ),
    head: () => task('head', () => number('head', statements.head.get())),
    readShard: (after, limit, shard) =>
      task('readShard', () =>
        isCount(after) && isCount(limit) && isShard(shard)
          ? E.mapLeft(corrupt)(decodeRows(statements.readShard.all(after, shard.count, shard.index, limit)))
          : E.left(invalid(`readShard(${after}, ${limit}, ${JSON.stringify(shard)}): not a position, limit and shard`))
      ),
    iterateAll: function* (after, size) {
      let cursor = after
      for (;;) {
        const batch = run('iterateAll', () => readAll(cursor, size))
        yield batch
        const last = E.isRight(batch) ? batch.right.at(-1) : undefined
        if (last === undefined || (E.isRight(batch) && batch.right.length < size)) return
        cursor = last.position
      }
    },
    close: async () => {
      if (closed) return
      closed = true
      await hub.closeAll(unavailable(`the store at ${file} was closed`))
      db.close()
    }
  }
  return store
}
