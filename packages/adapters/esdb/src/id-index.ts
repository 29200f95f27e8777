/**
 * Duplicate detection. EventStoreDB's own idempotency is by event id within ONE stream and only for a
 * retried write at the same place (expected revision) or still in its idempotency cache; an id written
 * long ago with `any`, or with an expected revision equal to the current one, is written again. The
 * port promises `Duplicate` with the existing event, so the adapter keeps, per stream it touches, the
 * ids it has seen with their revisions (the least recently used streams are dropped past `maxStreams`).
 * A stream not in the index is read (its tail, from the last revision known) before an append; a stream
 * in it is not: the append then names the EXACT revision the index believes is last (./append-request.ts),
 * so if another writer (another `serve` node) appended meanwhile the server refuses it with
 * WrongExpectedVersion and the adapter reads the tail, splits the request again and retries. Several
 * writers therefore store each id once per stream. Ids are unique per stream here, not across the log as
 * in the embedded store. A stream whose append had an unknown outcome (timeout, lost connection) is
 * forgotten, so its next append reads the tail first.
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
    const page = await this.refreshPage(client, scope, stream, undefined)
    return E.map((p: { index: StreamIndex }) => p.index)(page)
  }

  /**
   * Reads at most `maxCount` of the events after the last revision known (all when undefined), in order: if the
   * read is cut short, the index still holds a prefix of the stream, and the next read goes on from there.
   * `more`: the page was full, so there may be more to read.
   */
  async refreshPage(
    client: EventStoreDBClient,
    scope: Scope,
    stream: string,
    maxCount: number | undefined
  ): Promise<E.Either<StoreFailure, { index: StreamIndex; more: boolean }>> {
    const index = this.streams.get(stream) ?? { lastRevision: -1, revisions: new Map<string, number>() }
    const read = client.readStream(stream, {
      fromRevision: BigInt(index.lastRevision + 1),
      direction: FORWARDS,
      ...(maxCount === undefined ? {} : { maxCount })
    })
    let seen = 0
    try {
      await drain(read, scope, (resolved) => {
        if (resolved.event) {
          seen += 1
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
    return E.right({ index, more: maxCount !== undefined && seen >= maxCount })
  }

  /** The index of `stream` as far as this process knows it (no read), or undefined when not kept. */
  cached(stream: string): StreamIndex | undefined {
    const index = this.streams.get(stream)
    if (index) this.remember(stream, index)
    return index
  }

  /** Drops what is known of `stream`: its next append reads the tail first. */
  forget(stream: string): void {
    this.streams.delete(stream)
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
