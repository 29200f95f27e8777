/**
 * How events reach SQLite: the embedded implementation of the `EventStore` port (packages/projections/src/port.ts).
 *
 * One file under the data directory, WAL mode, one connection per store. Every write runs in `BEGIN IMMEDIATE`,
 * which takes SQLite's single write lock up front, so several processes (an `import` while `serve` runs) can
 * append to the same file and positions stay gap-free. A writer that finds the lock taken waits up to
 * `busyTimeoutMs` (the driver is synchronous, so the event loop waits with it) and then gets `Unavailable`.
 * Durability: see `Durability` in schema.ts. Subscriptions: see subscribe.ts and subscription.ts.
 * This file opens the file and assembles the port; each operation lives in its own file (append.ts, read.ts,
 * subscribe.ts), sharing the connection and its prepared statements (connection.ts, statements.ts).
 */
import fs from 'node:fs'
import path from 'node:path'
import Database from 'better-sqlite3'
import * as E from 'fp-ts/lib/Either.js'
import type * as TE from 'fp-ts/lib/TaskEither.js'
import type { EventStore, Position, StoreFailure, StoredEvent } from '@callstate/projections'
import { appendAll, appendOne } from './append.js'
import { connect } from './connection.js'
import { attempt, toStoreFailure, unavailable } from './failure.js'
import { findById, head, iterateAll, readAll, readShard, readStream } from './read.js'
import { type Durability, prepareSchema, releaseExclusive, takeExclusive } from './schema.js'
import type { Shard } from './shard.js'
import { subscribe, watchLog } from './subscribe.js'

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
  /**
   * The exclusive bulk mode (schema.ts `takeExclusive`): pages written once instead of twice, and no other process
   * can open the log until this store is closed. Refused (`Unavailable`) when another process has it open.
   */
  readonly exclusive?: boolean
  /** Told when opening upgrades an older file in place (schema.ts, migrate.ts): what it does, then how long it took. */
  readonly onUpgrade?: (message: string) => void
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
   * `readAll` restricted to what one worker of a parallel rebuild folds: the streams of one shard
   * (`shardOf(stream, count) === index`), and, from the other shards, the detailed presence notifications that say
   * `final` (they may end the shard's sessions). The other rows are skipped inside SQLite, their data never reaches
   * JavaScript.
   */
  readonly readShard: (
    after: Position,
    limit: number,
    shard: Shard
  ) => TE.TaskEither<StoreFailure, ReadonlyArray<StoredEvent>>
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
  const ready = attempt(`open ${file}`, () =>
    E.flatMap(prepareSchema(db, durability, options.cacheMiB, options.onUpgrade), () =>
      options.exclusive === true ? takeExclusive(db) : E.right(undefined)
    )
  )
  if (E.isLeft(ready)) {
    db.close()
    return ready
  }
  return attempt(`open ${file}`, () => E.right(build(db, file, durability, options)))
}

/** The port over one connection: each operation guarded by the connection (connection.ts), named for its failures. */
const build = (
  db: Database.Database,
  file: string,
  durability: Durability,
  options: SqliteStoreOptions
): SqliteEventStore => {
  const c = connect(db, file)
  const hub = watchLog(c, options.pollIntervalMs ?? 200)
  return {
    path: file,
    durability,
    append: (request) => c.task('append', () => appendOne(c, request, hub.wakeAll)),
    appendBatch: (requests) => c.task('appendBatch', () => appendAll(c, requests, hub.wakeAll)),
    readStream: (stream, readOptions) => c.task('readStream', () => readStream(c, stream, readOptions)),
    readAll: (after, limit) => c.task('readAll', () => readAll(c, after, limit)),
    findById: (id, streamHint, occurredAt) => c.task('findById', () => findById(c, id, streamHint, occurredAt)),
    subscribe: subscribe(c, hub, options.subscribeBatchSize ?? 1000),
    head: () => c.task('head', () => head(c)),
    readShard: (after, limit, shard) => c.task('readShard', () => readShard(c, after, limit, shard)),
    iterateAll: (after, size) => iterateAll(c, after, size),
    close: async () => {
      if (c.isClosed()) return
      c.markClosed()
      await hub.closeAll(unavailable(`the store at ${file} was closed`))
      // Back to WAL for the next process; if that fails the file is still whole, and the next opener switches it.
      if (options.exclusive === true) E.tryCatch(() => releaseExclusive(db), String)
      db.close()
    }
  }
}
