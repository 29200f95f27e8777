/**
 * Every read operation, and each client call an append makes (./calls.ts: appends have no timer over the whole
 * batch), runs under the adapter's own timer. The client's `deadline` is not enough:
 * against a peer that accepts TCP and never speaks HTTP/2 the client waits for minutes (reads and
 * subscriptions even run with an infinite deadline). So each operation races a timer; when it fires,
 * the reads it opened are cancelled and the caller gets `Timeout { operation, ms }`.
 * An append call cannot be recalled once sent (the client gets `deadline: ms` so gRPC gives up on it too): a
 * Timeout on it means "outcome unknown", and its late answer is dropped here. Retrying the append is safe, since
 * a written id comes back `Duplicate`.
 */
import * as E from 'fp-ts/lib/Either.js'
import type * as TE from 'fp-ts/lib/TaskEither.js'
import type { StoreFailure } from '@callstate/projections'
import { toStoreFailure } from './failure.js'

export interface Scope {
  /** Register a cancel action (e.g. a ReadStream's `cancel`) to run when the timer fires. */
  readonly onTimeout: (cancel: () => unknown) => void
  /** True once the timer fired: long loops stop early. */
  readonly expired: () => boolean
}

export const bounded =
  <A>(
    operation: string,
    ms: number,
    run: (scope: Scope) => Promise<E.Either<StoreFailure, A>>
  ): TE.TaskEither<StoreFailure, A> =>
  () =>
    new Promise((resolve) => {
      const cancels: Array<() => unknown> = []
      let settled = false
      const settle = (result: E.Either<StoreFailure, A>): void => {
        if (settled) return
        settled = true
        clearTimeout(timer)
        resolve(result)
      }
      const timer = setTimeout(() => {
        settle(E.left({ _tag: 'Timeout', operation, ms }))
        for (const cancel of cancels) cancel()
      }, ms)
      const scope: Scope = { onTimeout: (cancel) => void cancels.push(cancel), expired: () => settled }
      // After a timeout the late outcome of `run` has nothing left to decide: the caller already has
      // its Timeout value, so `settle` drops it.
      run(scope).then(settle, (error: unknown) => settle(E.left(toStoreFailure(error, operation, ms))))
    })
