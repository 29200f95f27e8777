/** Catch-up: batches from the committed checkpoint up to the log's head (or `until`), each committed on its own. */
import * as TE from 'fp-ts/lib/TaskEither.js'
import { pipe } from 'fp-ts/lib/function.js'
import type { RunnerFailure } from '../describe.js'
import { applyBatch, REWOUND, sum } from './apply.js'
import { checkpoint, type RunnerContext } from './context.js'
import { prepare } from './prepare.js'
import type { BatchReport, CatchUpOptions } from './types.js'

export const catchUp = (ctx: RunnerContext, opts: CatchUpOptions = {}): TE.TaskEither<RunnerFailure, BatchReport> =>
  pipe(
    TE.fromEither(prepare(ctx)),
    TE.flatMap(() => ctx.store.head()),
    TE.flatMap((head) => {
      const until = Math.min(opts.until ?? head, head)
      const loop = (total: BatchReport): TE.TaskEither<RunnerFailure, BatchReport> => {
        const from = checkpoint(ctx)
        if (from >= until) return TE.right({ ...total, checkpoint: from })
        return pipe(
          ctx.store.readAll(from, Math.min(ctx.batchSize, until - from)),
          TE.flatMap((events) => {
            const batch = events.filter((e) => e.position <= until)
            if (batch.length === 0) return TE.right({ ...total, checkpoint: from })
            return pipe(
              TE.fromEither(applyBatch(ctx, batch, from)),
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
      return loop({ events: 0, undecodable: 0, problems: [], checkpoint: checkpoint(ctx) })
    })
  )
