/**
 * The client calls an append makes, ONE call each under its own timer (./bounded.ts): a stream's tail read,
 * one append of a chunk of events, the read-back of what a chunk wrote (./written-positions.ts), the read of
 * stored events answered `Duplicate`. A batch has no overall timer: each call has `ms`, so a batch of many
 * streams progresses however long it takes in total, and a slow node only fails the call it is slow on.
 *
 * Once one call of a batch failed (`stopped()` answers that failure), no further call of the batch is started:
 * what is in flight finishes or times out, nothing new is sent, and nothing is retried behind the caller's
 * back. An append call that timed out is not recalled (the client also gets `deadline: ms`, so gRPC drops it):
 * its outcome is unknown and its late answer is dropped by `bounded`; the stream's index is forgotten, so the
 * next append reads the tail and answers the events `Duplicate` if that write did land.
 * A Timeout names the port operation and the call: `appendBatch (append of 12 events to session-…)`.
 */
import * as E from 'fp-ts/lib/Either.js'
import type { AppendResult as ClientAppendResult, EventStoreDBClient } from '@eventstore/db-client'
import type { NewEvent, StoreFailure, StoredEvent } from '@callstate/projections'
import { bounded, type Scope } from './bounded.js'
import { toClientEvent } from './codec.js'
import type { IdIndex, StreamIndex } from './id-index.js'
import { readStreamIn } from './read.js'
import { inAll, inStream, missing, type Written } from './written-positions.js'

export interface CallContext {
  readonly client: EventStoreDBClient
  readonly index: IdIndex
  /** The bound of each call, in ms. */
  readonly ms: number
  /** The port operation (`append`, `appendBatch`), named in Timeout answers. */
  readonly operation: string
  /** The batch's first failure, once a call failed: then no call is started any more. */
  readonly stopped: () => StoreFailure | undefined
}

const call = <A>(
  ctx: CallContext,
  what: string,
  run: (scope: Scope) => Promise<E.Either<StoreFailure, A>>
): Promise<E.Either<StoreFailure, A>> => {
  const stop = ctx.stopped()
  return stop ? Promise.resolve(E.left(stop)) : bounded(`${ctx.operation} (${what})`, ctx.ms, run)()
}

const events = (n: number): string => (n === 1 ? '1 event' : `${n} events`)

/** Events per read of a stream's tail: a long stream read for the first time is read in pages, each its own call. */
const TAIL_PAGE = 2000

/** The stream's index brought up to date: reads of the events after the last revision it knows. */
export const readTail = async (ctx: CallContext, stream: string): Promise<E.Either<StoreFailure, StreamIndex>> => {
  for (;;) {
    const page = await call(ctx, `read of the tail of ${stream}`, (scope) =>
      ctx.index.refreshPage(ctx.client, scope, stream, TAIL_PAGE)
    )
    if (E.isLeft(page) || !page.right.more) return E.map((p: { index: StreamIndex }) => p.index)(page)
  }
}

/** One append call; a WrongExpectedVersion comes back as VersionConflict (./failure.ts). */
export const appendChunk = (
  ctx: CallContext,
  stream: string,
  chunk: ReadonlyArray<NewEvent>,
  expectedRevision: bigint | 'no_stream'
): Promise<E.Either<StoreFailure, ClientAppendResult>> =>
  call(ctx, `append of ${events(chunk.length)} to ${stream}`, async () =>
    E.right(await ctx.client.appendToStream(stream, chunk.map(toClientEvent), { expectedRevision, deadline: ctx.ms }))
  )

/**
 * What an append call that was answered success wrote (./written-positions.ts): for each event of `chunk` (at
 * revisions from `firstRevision`), ours at its prepare position, or another writer's event under the same id (the
 * node's idempotency check answered success without writing). Always read back, also for one event: only the
 * stored record tells the two apart. A second read only if the first did not find them all.
 */
export const writtenOf = async (
  ctx: CallContext,
  stream: string,
  chunk: ReadonlyArray<NewEvent>,
  firstRevision: number,
  answer: ClientAppendResult
): Promise<E.Either<StoreFailure, ReadonlyArray<Written>>> => {
  const position = answer.position
  if (!position) return E.left({ _tag: 'Unavailable', cause: `append to ${stream}: the node returned no position` })
  const what = `read-back of ${events(chunk.length)} appended to ${stream}`
  const found = await call(ctx, what, async (scope) =>
    E.right(await inAll(ctx.client, scope, stream, position.commit, chunk))
  )
  if (E.isLeft(found)) return found
  if (found.right.size < chunk.length) {
    const more = await call(ctx, what, async (scope) =>
      E.right(await inStream(ctx.client, scope, stream, firstRevision, chunk))
    )
    if (E.isLeft(more)) return more
    for (const [id, w] of more.right) if (!found.right.has(id)) found.right.set(id, w)
  }
  const ids = chunk.map((e) => e.id)
  const written = ids.flatMap((id) => {
    const w = found.right.get(id)
    return w === undefined ? [] : [w]
  })
  return written.length === ids.length ? E.right(written) : E.left(missing(stream, position.commit, ids, found.right))
}

/** Stored events at these revisions of `stream`, read in few calls (nearby revisions share one read). */
export const readStored = async (
  ctx: CallContext,
  stream: string,
  revisions: ReadonlyArray<number>
): Promise<E.Either<StoreFailure, ReadonlyMap<number, StoredEvent>>> => {
  const found = new Map<number, StoredEvent>()
  const sorted = [...new Set(revisions)].sort((a, b) => a - b)
  let i = 0
  while (i < sorted.length) {
    const from = sorted[i] ?? 0
    let to = from
    // One read covers revisions up to 32 apart, at most 1000 events.
    while (i + 1 < sorted.length && (sorted[i + 1] ?? 0) - to <= 32 && (sorted[i + 1] ?? 0) - from < 1000) {
      i += 1
      to = sorted[i] ?? to
    }
    i += 1
    const count = to - from + 1
    const read = await call(ctx, `read of ${events(count)} stored in ${stream}`, (scope) =>
      readStreamIn(ctx.client, scope, stream, from, count)
    )
    if (E.isLeft(read)) return read
    for (const event of read.right) found.set(event.revision, event)
  }
  return E.right(found)
}
