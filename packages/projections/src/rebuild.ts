/**
 * Rebuild: drop every read model and replay the whole log through the projections, then take the digest.
 * The reset and each replayed batch are separate transactions, with checkpoints: a rebuild that is killed
 * part-way resumes from where it got to on the next catch-up, and ends in the same state.
 *
 * Speed: batches are larger than a live runner's (fewer transactions, and a session spread over neighbouring
 * events is saved once instead of once per small batch), and the read-model store is put in bulk mode when it
 * has one (indexes built once at the end). Neither changes a row: the fold does not depend on batching.
 */
import * as E from 'fp-ts/lib/Either.js'
import * as TE from 'fp-ts/lib/TaskEither.js'
import { pipe } from 'fp-ts/lib/function.js'
import type { EventStore, Position } from './port.js'
import type { Projection } from './projection.js'
import { defaultProjections } from './projections.js'
import type { ReadModelStore } from './readmodel-port.js'
import { createRunner, type BatchReport, type RunnerFailure } from './runner.js'
import { describeError } from './describe.js'

/**
 * Events per transaction in a rebuild, when the caller does not choose. Small on purpose: everything decoded for a
 * batch lives until its commit, and V8 copies it at every young-generation collection on the way and then promotes
 * it, so the heap (peak RSS) grows with the batch size while the time hardly changes (measured on a 200k log:
 * 20,000 -> 510 MB, 5,000 -> 330 MB, 2,000 -> 314 MB, CPU within 10%). Each batch is one read of the log, so a log
 * read over the network (EventStoreDB) keeps this size; the embedded log, read in-process, goes smaller still
 * (`LOCAL_REBUILD_BATCH_SIZE` in the adapters). A batch boundary never changes a row (the fold is order-free), so
 * this is a tuning knob only.
 */
export const REBUILD_BATCH_SIZE = 2000

/**
 * Sessions kept in memory between rebuild batches. A call's notifications sit close together in the log (in the
 * simulator's 1M log 99% of sessions span fewer than 20 positions), so a few batches' worth of sessions catch
 * nearly every revisit; a larger cache only adds live heap, which V8 multiplies into its next GC limit
 * (2,000 -> 500 took the 200k rebuild from 314 to 258 MB peak RSS, same digest).
 */
export const REBUILD_SESSION_CACHE = 500

export interface RebuildOptions {
  readonly projections?: ReadonlyArray<Projection>
  /** Default REBUILD_BATCH_SIZE. */
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
  cause: describeError(e)
})

export const rebuild = (
  store: EventStore,
  readModels: ReadModelStore,
  options: RebuildOptions = {}
): TE.TaskEither<RunnerFailure, RebuildReport> => {
  const projections = options.projections ?? defaultProjections({ sessionCacheSize: REBUILD_SESSION_CACHE })
  const runner = createRunner(store, readModels, { projections, batchSize: options.batchSize ?? REBUILD_BATCH_SIZE })
  /** Replays with the store in bulk mode (when it has one), leaving bulk mode whether the replay worked or not. */
  const replay = (): TE.TaskEither<RunnerFailure, BatchReport> => {
    const started = E.tryCatch(() => readModels.bulkLoad?.(), failed)
    if (E.isLeft(started)) return TE.left(started.left)
    const finish = started.right
    const catchUp = runner.catchUp({
      ...(options.until !== undefined ? { until: options.until } : {}),
      ...(options.onProgress !== undefined ? { onProgress: options.onProgress } : {})
    })
    if (finish === undefined) return catchUp
    return async () => {
      const report = await catchUp()
      const finished = E.tryCatch(finish, failed)
      return E.isLeft(report) ? report : E.isLeft(finished) ? finished : report
    }
  }
  return pipe(
    TE.fromEither(
      E.tryCatch(() => {
        for (const p of projections) {
          readModels.reset(p.name, p.version)
          p.invalidate()
        }
      }, failed)
    ),
    TE.flatMap(replay),
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
