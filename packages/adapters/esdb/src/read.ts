/**
 * Reads: one stream, the whole log after a position, the head. System events (`$`-prefixed stream or
 * type: stats, settings, metadata, projections) are never returned from `$all`.
 */
import * as E from 'fp-ts/lib/Either.js'
import type * as TE from 'fp-ts/lib/TaskEither.js'
import { FORWARDS, type EventStoreDBClient } from '@eventstore/db-client'
import type { Position, ReadStreamOptions, StoreFailure, StoredEvent } from '@callstate/projections'
import { bounded, type Scope } from './bounded.js'
import { decodeRecord, isSystem } from './codec.js'
import { drain } from './drain.js'
import { isStreamNotFound } from './failure.js'
import { pageAll } from './pages.js'

const invalid = (reason: string): E.Either<StoreFailure, never> => E.left({ _tag: 'InvalidRequest', reason })

const isCount = (n: number): boolean => Number.isSafeInteger(n) && n >= 0

/** Reads a stream forwards into decoded events; an absent stream is []. */
export const readStreamIn = async (
  client: EventStoreDBClient,
  scope: Scope,
  stream: string,
  fromRevision: number,
  limit: number | undefined
): Promise<E.Either<StoreFailure, ReadonlyArray<StoredEvent>>> => {
  const events: StoredEvent[] = []
  let failure: string | undefined
  const read = client.readStream(stream, {
    fromRevision: BigInt(fromRevision),
    direction: FORWARDS,
    ...(limit === undefined ? {} : { maxCount: limit })
  })
  try {
    await drain(read, scope, (resolved) => {
      if (!resolved.event) return 'more'
      const decoded = decodeRecord(resolved.event, resolved.commitPosition)
      if (E.isLeft(decoded)) {
        failure = decoded.left
        return 'stop'
      }
      events.push(decoded.right)
      return 'more'
    })
  } catch (error) {
    if (isStreamNotFound(error)) return E.right([])
    throw error
  }
  return failure === undefined ? E.right(events) : invalid(failure)
}

export const readStream =
  (client: EventStoreDBClient, ms: number) =>
  (stream: string, options?: ReadStreamOptions): TE.TaskEither<StoreFailure, ReadonlyArray<StoredEvent>> =>
    bounded('readStream', ms, async (scope) => {
      const from = options?.fromRevision ?? 0
      const limit = options?.limit
      if (stream === '') return invalid('readStream: empty stream name')
      if (!isCount(from) || (limit !== undefined && !isCount(limit))) {
        return invalid(`readStream: fromRevision and limit must be non-negative integers`)
      }
      if (limit === 0) return E.right([])
      return readStreamIn(client, scope, stream, from, limit)
    })

export const readAll =
  (client: EventStoreDBClient, ms: number) =>
  (after: Position, limit: number): TE.TaskEither<StoreFailure, ReadonlyArray<StoredEvent>> =>
    bounded('readAll', ms, async (scope) => {
      if (!isCount(after) || !isCount(limit)) return invalid('readAll: after and limit must be non-negative integers')
      if (limit === 0) return E.right([])
      const collected: StoredEvent[] = []
      let failure: string | undefined
      const from = after === 0 ? 'start' : { commit: BigInt(after), prepare: BigInt(after) }
      // A page a little larger than `limit` leaves room for the system events that get skipped.
      await pageAll(client, scope, 'forwards', from, Math.min(limit + 16, 4096), (resolved) => {
        const record = resolved.event
        if (!record || isSystem(record)) return 'more'
        const decoded = decodeRecord(record, resolved.commitPosition)
        if (E.isLeft(decoded)) {
          failure = decoded.left
          return 'stop'
        }
        // The read starts at the event at `after`, which is excluded.
        if (decoded.right.position <= after) return 'more'
        collected.push(decoded.right)
        return collected.length >= limit ? 'stop' : 'more'
      })
      if (failure !== undefined) return invalid(failure)
      return E.right(collected)
    })

/** The position of the last non-system event: read `$all` backwards from the end. */
export const headIn = async (client: EventStoreDBClient, scope: Scope): Promise<E.Either<StoreFailure, Position>> => {
  let head = 0
  await pageAll(client, scope, 'backwards', 'end', 32, (resolved) => {
    const record = resolved.event
    if (!record || isSystem(record)) return 'more'
    head = Number(resolved.commitPosition ?? record.position?.commit ?? 0n)
    return 'stop'
  })
  return E.right(head)
}

export const head = (client: EventStoreDBClient, ms: number) => (): TE.TaskEither<StoreFailure, Position> =>
  bounded('head', ms, (scope) => headIn(client, scope))
