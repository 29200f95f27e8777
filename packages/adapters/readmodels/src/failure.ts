/**
 * The one place where opening the read-model file turns a thrown driver or file-system error into a value: the
 * read models are then a `Left` the caller words (`cannot open the read models in ...`), like the stores' failures.
 * Once open, the port's operations throw as the ReadModelStore port says (the runner catches them per batch).
 */
import * as E from 'fp-ts/lib/Either.js'
import { describeError } from '@callstate/projections'

export interface ReadModelsUnavailable {
  readonly _tag: 'ReadModelsUnavailable'
  /** The read-model file that could not be opened. */
  readonly file: string
  /** What went wrong, as one line (`describeError` of what was thrown). */
  readonly cause: string
}

export type ReadModelsFailure = ReadModelsUnavailable

/** Runs work on `file` that may throw; what it throws becomes `ReadModelsUnavailable`. */
export const attempt = <A>(file: string, work: () => A): E.Either<ReadModelsFailure, A> =>
  E.tryCatch(work, (error) => ({ _tag: 'ReadModelsUnavailable', file, cause: describeError(error) }))
