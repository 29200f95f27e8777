/**
 * One open connection to the log file and what every operation of the store shares: its prepared statements,
 * whether the store was closed, and the guard that turns driver exceptions into values (failure.ts).
 */
import type Database from 'better-sqlite3'
import * as E from 'fp-ts/lib/Either.js'
import type * as TE from 'fp-ts/lib/TaskEither.js'
import type { StoreFailure } from '@callstate/projections'
import { attempt, unavailable } from './failure.js'
import { prepareStatements, type Statements } from './statements.js'

type Work<A> = () => E.Either<StoreFailure, A>

export interface Connection {
  readonly db: Database.Database
  /** Absolute path of the database file. */
  readonly file: string
  readonly statements: Statements
  readonly isClosed: () => boolean
  /** From now on every operation is refused; the caller closes the database itself. */
  readonly markClosed: () => void
  /** Every operation: refused once closed, driver exceptions turned into values (failure.ts). */
  readonly run: <A>(operation: string, work: Work<A>) => E.Either<StoreFailure, A>
  /** `run` behind the port's TaskEither (the driver is synchronous: the work is done when the task runs). */
  readonly task: <A>(operation: string, work: Work<A>) => TE.TaskEither<StoreFailure, A>
  /** A row the file holds but the store cannot read back. */
  readonly corrupt: (reason: string) => StoreFailure
}

/** Prepares the statements (which may throw: the caller runs this inside `attempt`). */
export const connect = (db: Database.Database, file: string): Connection => {
  const statements = prepareStatements(db)
  let closed = false
  const run = <A>(operation: string, work: Work<A>): E.Either<StoreFailure, A> =>
    closed ? E.left(unavailable(`${operation}: the store at ${file} is closed`)) : attempt(operation, work)
  return {
    db,
    file,
    statements,
    isClosed: () => closed,
    markClosed: () => {
      closed = true
    },
    run,
    task:
      <A>(operation: string, work: Work<A>): TE.TaskEither<StoreFailure, A> =>
      () =>
        Promise.resolve(run(operation, work)),
    corrupt: (reason) => unavailable(`${file}: ${reason}`)
  }
}

export const isCount = (n: number): boolean => Number.isSafeInteger(n) && n >= 0

/** A value SQLite computed (a max, a revision) checked before use: the file is data from outside. */
export const number = (what: string, value: unknown): E.Either<StoreFailure, number> =>
  typeof value === 'number' ? E.right(value) : E.left(unavailable(`${what} is not a number: ${String(value)}`))
