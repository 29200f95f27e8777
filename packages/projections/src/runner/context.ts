/**
 * What every operation of one runner shares, and where its read models stand: the committed checkpoint and the
 * lag behind the log's head.
 */
import * as TE from 'fp-ts/lib/TaskEither.js'
import { pipe } from 'fp-ts/lib/function.js'
import type { RunnerFailure } from '../describe.js'
import type { EventStore, Position } from '../port.js'
import type { Projection } from '../projection.js'
import type { ProjectionName, ReadModelStore } from '../readmodel-port.js'

export interface RunnerContext {
  readonly store: EventStore
  readonly readModels: ReadModelStore
  readonly projections: ReadonlyArray<Projection>
  readonly batchSize: number
  /** What this runner last committed, per projection: if the file says otherwise, someone else wrote. */
  readonly known: Map<ProjectionName, Position>
}

/** The lowest committed checkpoint over the projections. */
export const checkpoint = ({ readModels, projections }: RunnerContext): Position => {
  const meta = readModels.meta()
  return Math.min(...projections.map((p) => meta.find((m) => m.projection === p.name)?.checkpoint ?? 0))
}

export const lag = (ctx: RunnerContext): TE.TaskEither<RunnerFailure, number> =>
  pipe(
    ctx.store.head(),
    TE.map((head) => Math.max(0, head - checkpoint(ctx)))
  )
