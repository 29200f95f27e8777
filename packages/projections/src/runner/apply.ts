/**
 * One batch from the log into every projection, with the checkpoints, in one read-model transaction: rows and
 * checkpoint move together or not at all.
 */
import * as E from 'fp-ts/lib/Either.js'
import { pipe } from 'fp-ts/lib/function.js'
import { describeError, type RunnerFailure } from '../describe.js'
import { isProjected, projectEvent, type ProjectedEvent, type Undecodable } from '../event.js'
import type { Position, StoredEvent } from '../port.js'
import type { ReadModelTx } from '../readmodel-port.js'
import { checkpoint, type RunnerContext } from './context.js'
import type { BatchReport } from './types.js'

const MAX_PROBLEMS = 20
export const REWOUND = 'rewound' as const

/** The batch's events the projections read, decoded; the ones that do not decode are reported, not applied. */
const decode = (batch: ReadonlyArray<StoredEvent>): { decoded: ProjectedEvent[]; problems: Undecodable[] } => {
  const decoded: ProjectedEvent[] = []
  const problems: Undecodable[] = []
  for (const e of batch) {
    if (!isProjected(e)) continue
    const p = projectEvent(e)
    if (E.isRight(p)) decoded.push(p.right)
    else problems.push(p.left)
  }
  return { decoded, problems }
}

/** Inside the transaction: the checkpoints as committed decide what each projection still has to apply. */
const applyInTransaction = (
  { projections, known }: RunnerContext,
  tx: ReadModelTx,
  decoded: ReadonlyArray<ProjectedEvent>,
  after: Position,
  last: Position
): typeof REWOUND | undefined => {
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
}

/**
 * Decode, then apply one batch, read from the log after position `after`, to every projection and move the
 * checkpoints, in one transaction. `Rewound` (nothing written) when a projection's committed checkpoint is
 * behind `after`: the events between were removed by a reset elsewhere and must be read again first.
 */
export const applyBatch = (
  ctx: RunnerContext,
  batch: ReadonlyArray<StoredEvent>,
  after: Position
): E.Either<RunnerFailure, BatchReport | typeof REWOUND> => {
  const { decoded, problems } = decode(batch)
  const last = batch[batch.length - 1]?.position ?? 0
  return pipe(
    E.tryCatch(
      () => ctx.readModels.transaction((tx) => applyInTransaction(ctx, tx, decoded, after, last)),
      (e): RunnerFailure => {
        // Nothing of the batch committed: caches may hold states that were never written.
        for (const p of ctx.projections) p.invalidate()
        ctx.known.clear()
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
            checkpoint: checkpoint(ctx)
          }
    )
  )
}

/** Two consecutive batches as one report. */
export const sum = (a: BatchReport, b: BatchReport): BatchReport => ({
  events: a.events + b.events,
  undecodable: a.undecodable + b.undecodable,
  problems: [...a.problems, ...b.problems].slice(0, MAX_PROBLEMS),
  checkpoint: b.checkpoint
})
