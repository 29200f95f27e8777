/**
 * The one place where better-sqlite3 exceptions become `StoreFailure` values. Every statement the store runs
 * goes through `attempt`, so no driver exception ever leaves the adapter.
 */
import Database from 'better-sqlite3'
import * as E from 'fp-ts/lib/Either.js'
import { describeError, type StoreFailure } from '@callstate/projections'

/** What to do about the driver errors an operator can act on, said after SQLite's own words. */
const HINTS: Readonly<Record<string, string>> = {
  SQLITE_FULL: 'the disk is full: free space in the data directory; nothing of this operation was stored',
  SQLITE_CORRUPT: 'the file is damaged: run `callstate doctor`',
  SQLITE_NOTADB: 'the file is damaged: run `callstate doctor`',
  SQLITE_BUSY:
    'another process holds the lock on the log: a long write, or an `import --exclusive`, which keeps it until it ends'
}

const describe = (error: unknown): string => {
  if (!(error instanceof Database.SqliteError)) return describeError(error)
  const hint = HINTS[error.code.split('_').slice(0, 2).join('_')]
  return `${error.code}: ${error.message}${hint !== undefined ? ` (${hint})` : ''}`
}

/**
 * A constraint violation means the request itself cannot be stored (the append logic checks ids and revisions
 * first, so only malformed input gets here). Everything else (SQLITE_BUSY after the busy timeout, I/O errors,
 * a closed connection, a full disk) is the store being unable to serve right now: `Unavailable`.
 */
export const toStoreFailure =
  (operation: string) =>
  (error: unknown): StoreFailure =>
    error instanceof Database.SqliteError && error.code.startsWith('SQLITE_CONSTRAINT')
      ? { _tag: 'InvalidRequest', reason: `${operation}: ${describe(error)}` }
      : { _tag: 'Unavailable', cause: `${operation}: ${describe(error)}` }

/** Runs driver work that may throw and returns its own expected failures as values; both end up in one Either. */
export const attempt = <A>(operation: string, work: () => E.Either<StoreFailure, A>): E.Either<StoreFailure, A> =>
  E.flatten(E.tryCatch(work, toStoreFailure(operation)))

export const unavailable = (cause: string): StoreFailure => ({ _tag: 'Unavailable', cause })
export const invalid = (reason: string): StoreFailure => ({ _tag: 'InvalidRequest', reason })
