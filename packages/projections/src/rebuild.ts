/**
 * Rebuild: drop every read model and replay the whole log through the projections, then take the digest.
 * The reset and each replayed batch are separate transactions, with checkpoints: a rebuild that is killed
 * part-way resumes from where it got to on the next catch-up, and ends in the same state.
 */
import * as E from 'fp-ts/lib/Either.js'
import * as TE from 'fp-ts/lib/TaskEither.js'
import { pipe } from 'fp-ts/lib/function.js'
import type { EventStore, Position } from './port.js'
import type { Projection } from './projection.js'
import { defaultProjections } from './projections.js'
import type { ReadModelStore } from './readmodel-port.js'
import { createRunner, type BatchReport, type RunnerFailure } from './runner.js'

export interface RebuildOptions {
  readonly projections?: ReadonlyArray<Projection>
  readonly batchSize?: number
  /** Replay only up to this position (verify: exactly as far as the live read models got). */
  readonly until?: Position
  readonly onProgress?: (checkpoint: Position, head: Position) => void
}

export interface RebuildReport extends BatchReport {
  readonly digest: string
}

const failed = (e: unknown): RunnerFailure => ({
  _tag: 'ReadModelFailure',
  cause: e instanceof Error ? e.message : String(e)
})

export const rebuild = (
  store: EventStore,
  readModels: ReadModelStore,
  options: RebuildOptions = {}
): TE.TaskEither<RunnerFailure, RebuildReport> => {
  const projections = options.projections ?? defaultProjections()
  const runner = createRunner(store, readModels, {
    projections,
    ...(options.batchSize !== undefined ? { batchSize: options.batchSize } : {})
  })
  return pipe(
    TE.fromEither(
      E.tryCatch(() => {
        for (const p of projections) {
          readModels.reset(p.name, p.version)
          p.invalidate()
        }
      }, failed)
    ),
    TE.flatMap(() =>
      runner.catchUp({
        ...(options.until !== undefined ? { until: options.until } : {}),
        ...(options.onProgress !== undefined ? { onProgress: options.onProgress } : {})
      })
    ),
    TE.flatMap((report) =>
      TE.fromEither(
        pipe(
          E.tryCatch(() => readModels.digest(), failed),
          E.map((digest) => ({ ...report, digest }))
        )
      )
    )
  )
}
