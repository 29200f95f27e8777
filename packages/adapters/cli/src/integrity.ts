/**
 * The checks a long-running process (`serve`) and `callstate rebuild` make before trusting the files of the data
 * directory: a damaged log (events.db) is refused, with what can still be read, rather than served; a damaged read
 * model file (readmodels.db), or one that is ahead of the log, is set aside and rebuilt from the log.
 */
import path from 'node:path'
import * as E from 'fp-ts/lib/Either.js'
import type { EventStore } from '@callstate/projections'
import { inspectSqliteFile, readableEvents } from '@callstate/sqlite'
import { readModelsPath, recoverReadModels, type ReadModelsRecovery } from '@callstate/readmodels'

/** The embedded log's file in a data directory. */
export const logFile = (dataDir: string): string => path.resolve(dataDir, 'events.db')

/**
 * SQLite's quick check of the embedded log (about 2 ms per MB). A damaged log is a `Left` that says how many events
 * can still be read and what to do.
 */
export const checkLogAtStart = (dataDir: string): E.Either<string, void> => {
  const file = logFile(dataDir)
  const check = inspectSqliteFile(file)
  if (check.missing || check.ok) return E.right(undefined)
  const readable = readableEvents(file)
  const counted =
    readable.error !== undefined
      ? 'no event can be read'
      : `${readable.readable} event(s) can still be read` +
        (readable.unreadable > 0 ? `, ${readable.unreadable} cannot` : '') +
        (readable.highest !== null ? ` (highest position ${readable.highest})` : '')
  return E.left(
    `the log ${file} fails SQLite's integrity check (${check.problems.slice(0, 2).join('; ')}); ${counted}. ` +
      'Not serving a damaged log: restore it from a backup (see `callstate doctor` and docs/doctor.md)'
  )
}

/**
 * Sets readmodels.db aside when it is damaged or ahead of the log's head, so that it is rebuilt from the log when
 * opened next. Returns what was done (nothing when the file is fine); the head is read from `store`.
 */
export const recoverReadModelsAtStart = async (store: EventStore, dataDir: string): Promise<ReadModelsRecovery> => {
  const head = await store.head()()
  return recoverReadModels(readModelsPath({ dataDir }), E.isRight(head) ? head.right : undefined)
}

/** The warning line for a read-model file set aside. */
export const describeRecovery = (r: ReadModelsRecovery): string | undefined =>
  r.setAside === undefined
    ? undefined
    : `${r.reason ?? 'the read models cannot be trusted'}: moved to ${r.setAside}; rebuilding the read models from the log`
