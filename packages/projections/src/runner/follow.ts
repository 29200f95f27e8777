/** Following the log live: a subscription from the committed checkpoint, each delivered batch applied and committed. */
import * as E from 'fp-ts/lib/Either.js'
import type { RunnerFailure } from '../describe.js'
import type { Position, Subscription } from '../port.js'
import { applyBatch, REWOUND } from './apply.js'
import { checkpoint, type RunnerContext } from './context.js'
import { prepare } from './prepare.js'
import type { Runner } from './types.js'

export const follow = (ctx: RunnerContext, handlers: Parameters<Runner['follow']>[0] = {}): Subscription => {
  const prepared = prepare(ctx)
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
    const subscription = ctx.store.subscribe(from, {
      onEvents: (events) => {
        if (failed || closed || mine !== generation) return
        const result = applyBatch(ctx, events, after)
        if (E.isLeft(result)) return stop(result.left)
        if (result.right === REWOUND) {
          // The read models were reset under this follower: subscribe again from what is committed now.
          void subscription.close()
          return start(checkpoint(ctx))
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
  start(checkpoint(ctx))
  return {
    close: () => {
      closed = true
      return holder.subscription?.close() ?? Promise.resolve()
    }
  }
}
