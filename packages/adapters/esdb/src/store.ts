/**
 * The EventStore port on EventStoreDB (gRPC client @eventstore/db-client 6.2.1).
 * What differs from the embedded SQLite store, and why:
 * - Positions are `$all` prepare positions, one per event (./positions.ts, ./written-positions.ts).
 * - Duplicate ids are found per stream, not across the log (./id-index.ts); `findById` looks only in
 *   `streamHint` and answers undefined without one (EventStoreDB has no global id index).
 * - `appendBatch` is not atomic across streams (./append.ts); it sends one append call per stream request,
 *   `concurrency` streams at once, each client call under its own `timeoutMs` (./calls.ts), so a batch has no
 *   overall bound and a timed-out call leaves what other calls appended in place for a re-run to find.
 * - Every other operation is bounded by the adapter's own timeout (./bounded.ts); failures are values
 *   (./failure.ts). Read models stay in local SQLite on each query node; only the log lives here.
 */
import * as E from 'fp-ts/lib/Either.js'
import { EventStoreDBClient } from '@eventstore/db-client'
import type { EventStore, StoreFailure, StoredEvent } from '@callstate/projections'
import type * as TE from 'fp-ts/lib/TaskEither.js'
import { append, appendBatch } from './append.js'
import { Lanes, Limiter } from './lanes.js'
import { bounded } from './bounded.js'
import { IdIndex } from './id-index.js'
import { head, readAll, readStream, readStreamIn } from './read.js'
import { openReader } from './reader.js'
import { subscribe } from './subscribe.js'
import { describeError } from '@callstate/projections'

export interface EsdbStoreOptions {
  /** Bound on every read operation and on each client call of an append, in ms (default 10000: a remote node). */
  readonly timeoutMs?: number
  /** Streams whose appends are in flight at once in a batch (default 16). */
  readonly concurrency?: number
  /** Streams whose id index is kept in memory for duplicate detection (default 10000). */
  readonly indexedStreams?: number
}

export const DEFAULT_TIMEOUT_MS = 10_000
export const DEFAULT_CONCURRENCY = 16

const findById =
  (client: EventStoreDBClient, index: IdIndex, ms: number) =>
  (id: string, streamHint?: string): TE.TaskEither<StoreFailure, StoredEvent | undefined> =>
    bounded('findById', ms, async (scope) => {
      if (streamHint === undefined || streamHint === '') return E.right(undefined)
      const known = await index.refresh(client, scope, streamHint)
      if (E.isLeft(known)) return known
      const revision = known.right.revisions.get(id)
      if (revision === undefined) return E.right(undefined)
      const read = await readStreamIn(client, scope, streamHint, revision, 1)
      return E.isLeft(read) ? read : E.right(read.right.find((e) => e.id === id))
    })

/** `dispose()` waits for the client's open streams to finish; a dead peer must not make close hang. */
const closeWithin = (client: EventStoreDBClient, ms: number): Promise<void> =>
  new Promise((resolve) => {
    const timer = setTimeout(resolve, ms)
    const done = (): void => {
      clearTimeout(timer)
      resolve()
    }
    // dispose settles its streams with allSettled; either way the store is closed for the caller.
    void client.dispose().then(done, done)
  })

const connect = (connectionString: string): E.Either<StoreFailure, EventStoreDBClient> => {
  try {
    return E.right(EventStoreDBClient.connectionString(connectionString))
  } catch (error) {
    // The client's parser throws on a malformed string; that is the caller's input, reported as such.
    const reason = describeError(error)
    return E.left({ _tag: 'InvalidRequest', reason: `bad EventStoreDB connection string: ${reason}` })
  }
}

/** Opens (lazily: the client connects on first use) an EventStore on the node at `connectionString`. */
export const openEsdbStore = (
  connectionString: string,
  options?: EsdbStoreOptions
): E.Either<StoreFailure, EventStore> => {
  const ms = options?.timeoutMs ?? DEFAULT_TIMEOUT_MS
  if (!(Number.isFinite(ms) && ms > 0))
    return E.left({ _tag: 'InvalidRequest', reason: `timeoutMs must be > 0: ${ms}` })
  const concurrency = options?.concurrency ?? DEFAULT_CONCURRENCY
  if (!(Number.isSafeInteger(concurrency) && concurrency > 0))
    return E.left({ _tag: 'InvalidRequest', reason: `concurrency must be a positive integer: ${concurrency}` })
  return E.map((client: EventStoreDBClient): EventStore => {
    const index = new IdIndex(options?.indexedStreams ?? 10_000)
    const deps = { client, index, ms, lanes: new Lanes(), limiter: new Limiter(concurrency) }
    const reader = openReader(client, ms)
    return {
      append: append(deps),
      appendBatch: appendBatch(deps),
      readStream: readStream(reader),
      readAll: readAll(reader),
      findById: findById(client, index, ms),
      subscribe: subscribe(reader),
      head: head(reader),
      diagnostics: () => reader.foreign.snapshot(),
      close: () => closeWithin(client, ms)
    }
  })(connect(connectionString))
}
