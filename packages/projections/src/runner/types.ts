/** What the projection runner offers and reports (the runner itself: ../runner.ts). */
import type * as E from 'fp-ts/lib/Either.js'
import type * as TE from 'fp-ts/lib/TaskEither.js'
import type { RunnerFailure } from '../describe.js'
import type { Undecodable } from '../event.js'
import type { Position, Subscription } from '../port.js'
import type { Projection } from '../projection.js'
import type { ProjectionName } from '../readmodel-port.js'

export interface BatchReport {
  /** Events read from the log (all types). */
  readonly events: number
  /** Events the current decoder could not read: skipped, and reported here (the first few in full). */
  readonly undecodable: number
  readonly problems: ReadonlyArray<Undecodable>
  /** The lowest checkpoint over the projections after the batch. */
  readonly checkpoint: Position
}

export interface CatchUpOptions {
  /** Stop at this position (verify rebuilds a scratch copy exactly up to the live checkpoint). */
  readonly until?: Position
  readonly onProgress?: (checkpoint: Position, head: Position) => void
}

export interface Runner {
  /** Rebuilds (resets) every projection whose stored version differs from its code; returns their names. */
  readonly prepare: () => E.Either<RunnerFailure, ReadonlyArray<ProjectionName>>
  readonly catchUp: (options?: CatchUpOptions) => TE.TaskEither<RunnerFailure, BatchReport>
  /** Catch up then follow the log live; `onBatch` after every committed batch. */
  readonly follow: (handlers?: {
    readonly onBatch?: (report: BatchReport) => void
    readonly onError?: (failure: RunnerFailure) => void
  }) => Subscription
  /** The lowest committed checkpoint over the projections. */
  readonly checkpoint: () => Position
  /** Log head minus checkpoint: how many positions the read models are behind. */
  readonly lag: () => TE.TaskEither<RunnerFailure, number>
}

export interface RunnerOptions {
  readonly batchSize?: number
  readonly projections?: ReadonlyArray<Projection>
}
