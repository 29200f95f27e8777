/**
 * `append` and `appendBatch`. A batch's requests are grouped by stream: one stream's requests run in order, one
 * at a time (and after any other batch's appends to that stream, ./lanes.ts); different streams run
 * concurrently, at most `concurrency` at once. Each request is sent as one append call (./append-request.ts),
 * each client call under its OWN timer (./calls.ts): there is no timer over the whole batch.
 *
 * Positions: each Appended event's `$all` prepare position (./positions.ts), exact per event, also when one call
 * wrote several (./written-positions.ts).
 *
 * NOT atomic across streams (EventStoreDB has no multi-stream transaction): the expectations of requests that
 * state one (not `any`) are checked first, and a conflict known then writes nothing; after that, the first
 * failure of any call (Timeout, Unavailable, a conflict appearing meanwhile) fails the batch: no further call is
 * started, the calls in flight are let finish (each within its timer), and then the failure is answered. What
 * other streams' calls appended stays appended; running the batch again answers it `Duplicate` (the id index
 * reads each stream again), so a re-run continues where the failed one stopped. Nothing is ever retried after a
 * failure behind the caller's back: a late answer to a timed-out call is dropped.
 */
import * as E from 'fp-ts/lib/Either.js'
import type * as TE from 'fp-ts/lib/TaskEither.js'
import type { EventStoreDBClient } from '@eventstore/db-client'
import type { AppendOutcome, AppendRequest, StoreFailure } from '@callstate/projections'
import { appendRequest, checkExpected } from './append-request.js'
import type { CallContext } from './calls.js'
import { toStoreFailure } from './failure.js'
import type { IdIndex } from './id-index.js'
import type { Lanes, Limiter } from './lanes.js'

export interface AppendDeps {
  readonly client: EventStoreDBClient
  readonly index: IdIndex
  /** Bound of each client call, in ms. */
  readonly ms: number
  readonly lanes: Lanes
  readonly limiter: Limiter
}

const validate = (request: AppendRequest): string | undefined => {
  if (request.stream === '') return 'append: empty stream name'
  const e = request.expected
  if (typeof e === 'number' && !(Number.isSafeInteger(e) && e >= -1)) return `append: bad expected revision ${e}`
  if (request.events.some((ev) => ev.id === '')) return `append to ${request.stream}: an event has no id`
  return undefined
}

/** Indexes of the requests of each stream, streams in order of first appearance. */
const byStream = (requests: ReadonlyArray<AppendRequest>): ReadonlyArray<ReadonlyArray<number>> => {
  const groups = new Map<string, number[]>()
  requests.forEach((r, i) => {
    const group = groups.get(r.stream)
    if (group) group.push(i)
    else groups.set(r.stream, [i])
  })
  return [...groups.values()]
}

const run = async (
  deps: AppendDeps,
  operation: string,
  requests: ReadonlyArray<AppendRequest>
): Promise<E.Either<StoreFailure, ReadonlyArray<AppendOutcome>>> => {
  for (const request of requests) {
    const invalid = validate(request)
    if (invalid !== undefined) return E.left({ _tag: 'InvalidRequest', reason: invalid })
  }
  let failed: StoreFailure | undefined
  const fail = (failure: StoreFailure): void => void (failed ??= failure)
  const ctx: CallContext = { ...deps, operation, stopped: () => failed }
  // What can only be a bug (a throw past the calls' own handling) still becomes a value, once.
  const guard = (task: () => Promise<void>) => (): Promise<void> =>
    task().catch((error: unknown) => fail(toStoreFailure(error, operation, deps.ms)))
  const groups = byStream(requests)

  // The stated expectations first: a conflict known before writing writes nothing.
  const stated = groups
    .flatMap((g) => g.slice(0, 1))
    .flatMap((i) => {
      const r = requests[i]
      return r && r.expected !== 'any' ? [r] : []
    })
  await Promise.all(
    stated.map((request) =>
      deps.limiter.run(
        guard(async () => {
          const checked = await checkExpected(ctx, request)
          if (E.isLeft(checked)) fail(checked.left)
        })
      )
    )
  )
  if (failed) return E.left(failed)

  const outcomes: Array<AppendOutcome | undefined> = requests.map(() => undefined)
  await Promise.all(
    groups.map((group) => {
      const stream = requests[group[0] ?? 0]?.stream ?? ''
      return deps.lanes.run(stream, () =>
        deps.limiter.run(
          guard(async () => {
            for (const i of group) {
              const request = requests[i]
              if (failed || !request) return
              const outcome = await appendRequest(ctx, request)
              if (E.isLeft(outcome)) return fail(outcome.left)
              outcomes[i] = outcome.right
            }
          })
        )
      )
    })
  )
  if (failed) return E.left(failed)
  const done = outcomes.flatMap((o) => (o ? [o] : []))
  return done.length === requests.length
    ? E.right(done)
    : E.left({ _tag: 'Unavailable', cause: `${operation}: ${requests.length - done.length} requests got no outcome` })
}

export const append =
  (deps: AppendDeps) =>
  (request: AppendRequest): TE.TaskEither<StoreFailure, AppendOutcome> =>
  async () => {
    const outcomes = await run(deps, 'append', [request])
    if (E.isLeft(outcomes)) return outcomes
    const [outcome] = outcomes.right
    return outcome ? E.right(outcome) : E.left({ _tag: 'Unavailable', cause: 'append: no outcome' })
  }

export const appendBatch =
  (deps: AppendDeps) =>
  (requests: ReadonlyArray<AppendRequest>): TE.TaskEither<StoreFailure, ReadonlyArray<AppendOutcome>> =>
  () =>
    run(deps, 'appendBatch', requests)
