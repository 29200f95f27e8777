/**
 * Opening the read-model file: the connection settings, the schema and its migrations. A shared file (the live
 * read models) is in WAL mode with a busy timeout, so a query process can catch up while a server follows the log
 * on it; a scratch file (one shard of a parallel rebuild) is private and throw-away.
 */
import Database from 'better-sqlite3'
import * as E from 'fp-ts/lib/Either.js'
import { mkdirSync } from 'node:fs'
import path from 'node:path'
import { enableWal } from '@callstate/sqlite'
import { dropSecondaryIndexes } from './bulk.js'
import { attempt, type ReadModelsFailure } from './failure.js'
import { migrateFactKeys } from './presence-key.js'
import { SCHEMA } from './schema.js'
import { migrateSessionColumns } from './session-indexes.js'

/** No journal, no sync, no secondary indexes: fast to fill, useless after a crash, never shared. */
const prepareScratch = (db: Database.Database): void => {
  db.pragma('journal_mode = OFF')
  db.pragma('synchronous = OFF')
  db.pragma('locking_mode = EXCLUSIVE')
  db.pragma('cache_size = -16384')
  migrateSessionColumns(db)
  db.exec(SCHEMA)
  dropSecondaryIndexes(db)
}

const prepareShared = (db: Database.Database): void => {
  enableWal(db)
  db.pragma('synchronous = NORMAL')
  migrateSessionColumns(db)
  db.exec(SCHEMA)
  migrateFactKeys(db)
}

/** The open, prepared database; closed again if preparing it fails. */
export const openDatabase = (file: string, scratch: boolean): E.Either<ReadModelsFailure, Database.Database> => {
  const opened = attempt(file, () => {
    mkdirSync(path.dirname(file), { recursive: true })
    return new Database(file, { timeout: 10_000 })
  })
  if (E.isLeft(opened)) return opened
  const db = opened.right
  const ready = attempt(file, () => (scratch ? prepareScratch(db) : prepareShared(db)))
  if (E.isLeft(ready)) {
    db.close()
    return ready
  }
  return opened
}
