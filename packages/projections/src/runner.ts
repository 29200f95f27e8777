/**
 * The projection runner: reads the log from the read models' checkpoint in large batches, folds each batch
 * into every projection and commits the rows AND the new checkpoints in one read-model transaction. A crash
 * before the commit leaves rows and checkpoint as they were (the batch is read again on restart); after it,
 * both moved together. So no event is ever applied twice or skipped.
 *
 * Several runners may share one read-model file (a CLI query catching up while `serve` follows the log):
 * each batch re-reads the committed checkpoint inside its transaction, skips what another runner already
 * applied, and drops its caches when the file moved under it. When the committed checkpoint is BEHIND the
 * position the batch was read after (another process reset or rebuilt the read models), the batch is not
 * applied: that would move the checkpoint past events nobody applied. The runner reads the log again from the
 * committed checkpoint instead (catch-up loops, a follower subscribes again).
 */
import * as E from 'fp-ts/lib/Either.js'
import * as TE from 'fp-ts/lib/TaskEither.js'
import { pipe } from 'fp-ts/lib/function.js'
import { isProjected, projectEvent, type ProjectedEvent, type Undecodable } from './event.js'
import type { EventStore, Position, StoredEvent, Subscription } from './port.js'
import type { Projection } from './projection.js'
import type { ProjectionName, ReadModelStore } from './readmodel-port.js'
import { defaultProjections } from './projections.js'
import { describeError } from './describe.js'

import type { RunnerFailure } from './describe.js'

export type { RunnerFailure }

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

const MAX_PROBLEMS = 20
const REWOUND = 'rewound' as const

export const createRunner = (store: EventStore, readModels: ReadModelStore, options: RunnerOptions = {}): Runner => {
  const batchSize = options.batchSize ?? 5000
  const projections = options.projections ?? defaultProjections()
  // What this runner last committed, per projection: if the file says otherwise, someone else wrote.
  const known = new Map<ProjectionName, Position>()

  const checkpoint = (): Position => {
    const meta = readModels.meta()
    return Math.min(...projections.map((p) => meta.find((m) => m.projection === p.name)?.checkpoint ?? 0))
  }

  const prepare = (): E.Either<RunnerFailure, ReadonlyArray<ProjectionName>> =>
    E.tryCatch(
      () => {
        const meta = readModels.meta()
        const stale = projections.filter((p) => meta.find((m) => m.projection === p.name)?.version !== p.version)
        for (const p of stale) {
          readModels.reset(p.name, p.version)
          p.invalidate()
          known.delete(p.name)
        }
        return stale.map((p) => p.name)
      },
      (e): RunnerFailure => ({ _tag: 'ReadModelFailure', cause: describeError(e) })
    )

  /**
   * Decode, then apply one batch, read from the log after position `after`, to every projection and move the
   * checkpoints, in one transaction. `Rewound` (nothing written) when a projection's committed checkpoint is
   * behind `after`: the events between were removed by a reset elsewhere and must be read again first.
   */
  const applyBatch = (
    batch: ReadonlyArray<StoredEvent>,
    after: Position
  ): E.Either<RunnerFailure, BatchReport | typeof REWOUND> => {
    const decoded: ProjectedEvent[] = []
    const problems: Undecodable[] = []
    for (const e of batch) {
      if (!isProjected(e)) continue
      const p = projectEvent(e)
      if (E.isRight(p)) decoded.push(p.right)
      else problems.push(p.left)
    }
    const last = batch[batch.length - 1]?.position ?? 0
    return pipe(
      E.tryCatch(
        () =>
          readModels.transaction((tx): typeof REWOUND | undefined => {
            const committed = new Map(projections.map((p) => [p.name, tx.checkpoint(p.name)]))
            for (const p of projections) {
              const c = committed.get(p.name) ?? 0
              if (known.has(p.name) && known.get(p.name) !== c) p.invalidate()
            }
            if (projections.some((p) => (committed.get(p.name) ?? 0) < after)) {
              known.clear()
              return REWOUND
            }
            for (const p of projections) {
              const committed = tx.checkpoint(p.name)
              if (last <= committed) {
                known.set(p.name, committed)
                continue
              }
              p.apply(
                tx,
                decoded.filter((e) => e.position > committed)
              )
              tx.setCheckpoint(p.name, last)
              known.set(p.name, last)
            }
            return undefined
          }),
        (e): RunnerFailure => {
          // Nothing of the batch committed: caches may hold states that were never written.
          for (const p of projections) p.invalidate()
          known.clear()
          return { _tag: 'ReadModelFailure', cause: describeError(e) }
        }
      ),
      E.map((outcome) =>
        outcome === REWOUND
          ? REWOUND
          : {
              events: batch.length,
              undecodable: problems.length,
              problems: problems.slice(0, MAX_PROBLEMS),
              checkpoint: checkpoint()
            }
      )
    )
  }

  const sum = (a: BatchReport, b: BatchReport): BatchReport => ({
    events: a.events + b.events,
    undecodable: a.undecodable + b.undecodable,
    problems: [...a.problems, ...b.problems].slice(0, MAX_PROBLEMS),
    checkpoint: b.checkpoint
  })

  const catchUp = (opts: CatchUpOptions = {}): TE.TaskEither<RunnerFailure, BatchReport> =>
    pipe(
      TE.fromEither(prepare()),
      TE.flatMap(() => store.head()),
      TE.flatMap((head) => {
        const until = Math.min(opts.until ?? head, head)
        const loop = (total: BatchReport): TE.TaskEither<RunnerFailure, BatchReport> => {
          const from = checkpoint()
          if (from >= until) return TE.right({ ...total, checkpoint: from })
          return pipe(
            store.readAll(from, Math.min(batchSize, until - from)),
            TE.flatMap((events) => {
              const batch = events.filter((e) => e.position <= until)
              if (batch.length === 0) return TE.right({ ...total, checkpoint: from })
              return pipe(
                TE.fromEither(applyBatch(batch, from)),
                TE.flatMap((report) => {
                  // Reset under us: the next turn reads again from the committed checkpoint.
                  if (report === REWOUND) return loop(total)
                  opts.onProgress?.(report.checkpoint, until)
                  return loop(sum(total, report))
                })
              )
            })
          )
        }
        return loop({ events: 0, undecodable: 0, problems: [], checkpoint: checkpoint() })
      })
    )

  const follow: Runner['follow'] = (handlers = {}) => {
    const prepared = prepare()
    if (E.isLeft(prepared)) {
      handlers.onError?.(prepared.left)
      return { close: () => Promise.resolve() }
    }
    // After a failed batch the subscription must not go on to the next one (that would skip events): it is
    // stopped, and the next catch-up or follow starts again from the committed checkpoint.
    let failed = false
    let closed = false
    // Each subscription's handlers check they are still the current one: a replaced subscription may still
    // deliver a batch before its close takes effect.
    let generation = 0
    const holder: { subscription?: Subscription } = {}
    const stop = (failure: RunnerFailure): void => {
      if (failed) return
      failed = true
      handlers.onError?.(failure)
      void holder.subscription?.close()
    }
    const start = (from: Position): void => {
      const mine = ++generation
      let after = from
      const subscription = store.subscribe(from, {
        onEvents: (events) => {
          if (failed || closed || mine !== generation) return
          const result = applyBatch(events, after)
          if (E.isLeft(result)) return stop(result.left)
          if (result.right === REWOUND) {
            // The read models were reset under this follower: subscribe again from what is committed now.
            void subscription.close()
            return start(checkpoint())
          }
          after = events[events.length - 1]?.position ?? after
          handlers.onBatch?.(result.right)
        },
        onError: (failure) => {
          if (mine === generation) stop(failure)
        }
      })
      if (mine === generation) holder.subscription = subscription
      if (failed || mine !== generation) void subscription.close()
    }
    start(checkpoint())
    return {
      close: () => {
        closed = true
        return holder.subscription?.close() ?? Promise.resolve()
      }
    }
  }

  const lag = (): TE.TaskEither<RunnerFailure, number> =>
    pipe(
      store.head(),
      TE.map((head) => Math.max(0, head - checkpoint()))
    )

  return { prepare, catchUp, follow, checkpoint, lag }
}
