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
 *
 * One file per operation under ./runner/: prepare (reset stale versions), apply (one batch and its checkpoints in
 * one transaction), catch-up, follow, and the checkpoint and lag (context.ts).
 */
import type { EventStore } from './port.js'
import type { ReadModelStore } from './readmodel-port.js'
import { defaultProjections } from './projections.js'
import type { RunnerFailure } from './describe.js'
import { catchUp } from './runner/catch-up.js'
import { checkpoint, lag, type RunnerContext } from './runner/context.js'
import { follow } from './runner/follow.js'
import { prepare } from './runner/prepare.js'
import type { Runner, RunnerOptions } from './runner/types.js'

export type { RunnerFailure }
export type { BatchReport, CatchUpOptions, Runner, RunnerOptions } from './runner/types.js'

export const createRunner = (store: EventStore, readModels: ReadModelStore, options: RunnerOptions = {}): Runner => {
  const ctx: RunnerContext = {
    store,
    readModels,
    projections: options.projections ?? defaultProjections(),
    batchSize: options.batchSize ?? 5000,
    known: new Map()
  }
  return {
    prepare: () => prepare(ctx),
    catchUp: (opts) => catchUp(ctx, opts),
    follow: (handlers) => follow(ctx, handlers),
    checkpoint: () => checkpoint(ctx),
    lag: () => lag(ctx)
  }
}
