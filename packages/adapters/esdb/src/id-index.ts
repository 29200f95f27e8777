/**
 * Duplicate detection. EventStoreDB's own idempotency is by event id within ONE stream and only for a
 * retried write at the same place (expected revision) or still in its idempotency cache; an id written
 * long ago with `any`, or with an expected revision equal to the current one, is written again. The
 * port promises `Duplicate` with the existing event, so the adapter keeps, per stream it touches, the
 * ids it has seen with their revisions, and brings that index up to date before every append by reading
 * the stream's tail (from the last revision it knows; usually nothing). Ids are unique per stream here,
 * not across the log as in the embedded store. A concurrent writer appending the same id in the window
 * between that read and the append is caught by the server's idempotency check (it reports success
 * without writing), and the adapter then reports `Appended` rather than `Duplicate`.
 */
import * as E from 'fp-ts/lib/Either.js'
import { FORWARDS, type EventStoreDBClient } from '@eventstore/db-client'
import type { StoreFailure } from '@callstate/projections'
import type { Scope } from './bounded.js'
import { drain } from './drain.js'
import { isStreamNotFound } from './failure.js'

export interface StreamIndex {
  /** Revision of the stream's last event; -1 when the stream does not exist. */
  lastRevision: number
  readonly revisions: Map<string, number>
}

export class IdIndex {
  private readonly streams = new Map<string, StreamIndex>()

  /** `maxStreams`: streams whose index is kept; the least recently used one is dropped and re-read later. */
  constructor(private readonly maxStreams: number) {}

  /** The index of `stream`, updated with every event appended since the last look. */
  async refresh(
    client: EventStoreDBClient,
    scope: Scope,
    stream: string
  ): Promise<E.Either<StoreFailure, StreamIndex>> {
    const index = this.streams.get(stream) ?? { lastRevision: -1, revisions: new Map<string, number>() }
    const read = client.readStream(stream, { fromRevision: BigInt(index.lastRevision + 1), direction: FORWARDS })
    try {
      await drain(read, scope, (resolved) => {
        if (resolved.event) {
          const revision = Number(resolved.event.revision)
          if (!index.revisions.has(resolved.event.id)) index.revisions.set(resolved.event.id, revision)
          index.lastRevision = Math.max(index.lastRevision, revision)
        }
        return 'more'
      })
    } catch (error) {
      if (!isStreamNotFound(error)) throw error
    }
    this.remember(stream, index)
    return E.right(index)
  }

  /** Adds what an append just wrote to the stream's index (the object `refresh` returned). */
  record(stream: string, index: StreamIndex, ids: ReadonlyArray<string>, firstRevision: number): void {
    ids.forEach((id, i) => {
      if (!index.revisions.has(id)) index.revisions.set(id, firstRevision + i)
    })
    index.lastRevision = Math.max(index.lastRevision, firstRevision + ids.length - 1)
    this.remember(stream, index)
  }

  private remember(stream: string, index: StreamIndex): void {
    this.streams.delete(stream)
    this.streams.set(stream, index)
    if (this.streams.size > this.maxStreams) {
      const oldest = this.streams.keys().next()
      if (!oldest.done) this.streams.delete(oldest.value)
    }
  }
}
