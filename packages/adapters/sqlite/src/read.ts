/**
 * Reads: one event by id, the whole log after a position (at once, in batches, or one shard of it), one stream,
 * the head. Every row is decoded (rows.ts); a row that does not decode fails the read as `Unavailable`, naming
 * the file, rather than being skipped.
 */
import * as E from 'fp-ts/lib/Either.js'
import {
  occurredAtOf,
  type Position,
  type ReadStreamOptions,
  type StoreFailure,
  type StoredEvent
} from '@callstate/projections'
import { type Connection, isCount, number } from './connection.js'
import { invalid } from './failure.js'
import { decodeRow, decodeRows, NO_TIME, occurredKey } from './rows.js'
import { isShard, type Shard } from './shard.js'

type Events = E.Either<StoreFailure, ReadonlyArray<StoredEvent>>

const decoded = (c: Connection, row: unknown): E.Either<StoreFailure, StoredEvent | undefined> =>
  row === undefined ? E.right(undefined) : E.mapLeft(c.corrupt)(decodeRow(row))

/** The event stored under the duplicate key (`at`: `occurredKey` of its time), if any. */
export const findByKey = (c: Connection, at: number, id: string): E.Either<StoreFailure, StoredEvent | undefined> =>
  decoded(c, c.statements.byKey.get(at, id))

/**
 * The port's findById: with the time, one index read (and, when that misses, the events without a time); without
 * it, the hinted stream's events, or the whole log (a scan: slow on a large log).
 */
export const findById = (
  c: Connection,
  id: string,
  streamHint?: string,
  occurredAt?: string
): E.Either<StoreFailure, StoredEvent | undefined> => {
  const at = occurredAt === undefined ? undefined : occurredKey(occurredAtOf(occurredAt) ?? occurredAt)
  if (at !== undefined) {
    const found = findByKey(c, at, id)
    if (E.isLeft(found) || found.right !== undefined) return found
  }
  const untimed = findByKey(c, NO_TIME, id)
  if (E.isLeft(untimed) || untimed.right !== undefined) return untimed
  if (streamHint === undefined) return decoded(c, c.statements.byIdAnywhere.get(id))
  const streamId: unknown = c.statements.streamId.get(streamHint)
  return typeof streamId === 'number' ? decoded(c, c.statements.byIdInStream.get(streamId, id)) : E.right(undefined)
}

export const readAll = (c: Connection, after: Position, limit: number): Events =>
  isCount(after) && isCount(limit)
    ? E.mapLeft(c.corrupt)(decodeRows(c.statements.readAll.all(after, limit)))
    : E.left(invalid(`readAll(${after}, ${limit}): position and limit must be non-negative integers`))

export const readStream = (
  c: Connection,
  stream: string,
  { fromRevision = 0, limit }: ReadStreamOptions = {}
): Events =>
  isCount(fromRevision) && (limit === undefined || isCount(limit))
    ? E.mapLeft(c.corrupt)(decodeRows(c.statements.readStream.all(stream, fromRevision, limit ?? -1)))
    : E.left(invalid(`readStream(${stream}): fromRevision and limit must be non-negative integers`))

export const readShard = (c: Connection, after: Position, limit: number, shard: Shard): Events =>
  isCount(after) && isCount(limit) && isShard(shard)
    ? E.mapLeft(c.corrupt)(decodeRows(c.statements.readShard.all(after, shard.count, shard.index, limit)))
    : E.left(invalid(`readShard(${after}, ${limit}, ${JSON.stringify(shard)}): not a position, limit and shard`))

export const head = (c: Connection): E.Either<StoreFailure, Position> => number('head', c.statements.head.get())

/** Each batch is its own guarded read, so closing the store between two batches ends the walk with a `Left`. */
export function* iterateAll(c: Connection, after: Position, size: number): Generator<Events, void> {
  let cursor = after
  for (;;) {
    const batch = c.run('iterateAll', () => readAll(c, cursor, size))
    yield batch
    const last = E.isRight(batch) ? batch.right.at(-1) : undefined
    if (last === undefined || (E.isRight(batch) && batch.right.length < size)) return
    cursor = last.position
  }
}
