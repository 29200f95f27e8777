/**
 * The SQLite read-model store: `readmodels.db` under the data directory, whichever store holds the log
 * (with EventStoreDB each query node keeps its own local read models). Implements the ReadModelStore port.
 *
 * WAL mode and a busy timeout let a query process catch up while a server follows the log on the same
 * file; write transactions are IMMEDIATE so two runners serialise instead of failing mid-batch.
 *
 * This file assembles the port; opening the file is ./database.ts, and each concept has its file:
 * ./checkpoints.ts, ./sessions.ts, ./presence.ts, ./messages.ts, ./digest.ts, ./bulk.ts, ./replace.ts.
 */
import type Database from 'better-sqlite3'
import * as E from 'fp-ts/lib/Either.js'
import path from 'node:path'
import type { ReadModelStore, ReadModelTx } from '@callstate/projections'
import { bulkLoad } from './bulk.js'
import { prepareCheckpoints } from './checkpoints.js'
import { openDatabase } from './database.js'
import { digestTables, snapshotTables } from './digest.js'
import { attempt, type ReadModelsFailure } from './failure.js'
import { prepareMessages } from './messages.js'
import { preparePresence } from './presence.js'
import { replaceWith, type ReplacedProjection } from './replace.js'
import { prepareSessions } from './sessions.js'

export type { ReadModelsFailure, ReadModelsUnavailable } from './failure.js'

export const READ_MODELS_FILE = 'readmodels.db'

export type ReadModelLocation = { readonly dataDir: string } | { readonly file: string }

export const readModelsPath = (location: ReadModelLocation): string =>
  'file' in location ? location.file : path.join(location.dataDir, READ_MODELS_FILE)

export interface ReadModelOptions {
  /**
   * A private, throw-away file (one shard of a parallel rebuild): no journal, no sync, no secondary indexes, one
   * transaction until `close`. Fast to fill, useless after a crash, and never to be shared with another process.
   */
  readonly scratch?: boolean
}

/** The SQLite read-model store, with what only this adapter can do. */
export interface SqliteReadModelStore extends ReadModelStore {
  readonly file: string
  /**
   * Replaces every read model of `projections` with the rows of these scratch files (made by `openReadModels` with
   * `scratch`), and sets those projections' versions and checkpoints, in one transaction (./replace.ts).
   */
  readonly replaceWith: (files: ReadonlyArray<string>, projections: ReadonlyArray<ReplacedProjection>) => void
}

/** The port over an open database (preparing the statements may throw: the caller runs this inside `attempt`). */
const assemble = (db: Database.Database, file: string): SqliteReadModelStore => {
  const { meta, reset, checkpoint, setCheckpoint } = prepareCheckpoints(db)
  const { session, listSessions, calls, loadSession, saveSession } = prepareSessions(db)
  const { presence, addPresence } = preparePresence(db)
  const { messages, addMessage } = prepareMessages(db)
  const tx: ReadModelTx = { checkpoint, setCheckpoint, loadSession, saveSession, addPresence, addMessage }
  return {
    file,
    replaceWith: (files, projections) => replaceWith(db, files, projections),
    meta,
    reset,
    transaction: <A>(f: (t: ReadModelTx) => A): A => db.transaction(() => f(tx)).immediate(),
    session,
    listSessions,
    calls,
    presence,
    messages,
    digest: () => digestTables(db),
    snapshot: () => snapshotTables(db),
    bulkLoad: () => bulkLoad(db),
    close: () => db.close()
  }
}

/** Opens (creating or migrating it as needed) the read-model file; a file that cannot be opened is a `Left`. */
export const openReadModels = (
  location: ReadModelLocation,
  options: ReadModelOptions = {}
): E.Either<ReadModelsFailure, SqliteReadModelStore> => {
  const file = readModelsPath(location)
  const opened = openDatabase(file, options.scratch === true)
  if (E.isLeft(opened)) return opened
  const db = opened.right
  const store = attempt(file, () => assemble(db, file))
  if (E.isLeft(store)) db.close()
  return options.scratch === true ? E.map(inOneTransaction(db))(store) : store
}

/**
 * A scratch file is filled in one transaction, from open to close (each `transaction` is then a savepoint): a page
 * is written when the cache lets it go, or at the close, instead of at the commit of every batch that touched it.
 */
const inOneTransaction =
  (db: Database.Database) =>
  (store: SqliteReadModelStore): SqliteReadModelStore => {
    db.exec('BEGIN')
    return {
      ...store,
      close: () => {
        if (db.inTransaction) db.exec('COMMIT')
        db.close()
      }
    }
  }
