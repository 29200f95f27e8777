/**
 * Reads: one stream, the whole log after a position, the head. Each is a walk over pages, every page under its
 * own deadline and sized to the server's answer time (./pages.ts, ./page.ts). System events (`$`-prefixed
 * stream or type: stats, settings, metadata, projections) are never returned and not counted; an event another
 * program wrote is skipped and counted (./foreign.ts), never a failure.
 * - `readAll(after, limit)`: from where ./positions.ts says, events with position > after, at most `limit`. When
 *   a page fails after others succeeded, what was read is returned (the port allows fewer than `limit`); with
 *   nothing read yet, a page that timed out is tried again smaller, and the read fails only after `RETRIES`.
 * - `readStream`: pages too, but a failure after some pages fails the read: callers take a short answer for the
 *   stream's end (`readWholeStream` pages until fewer than it asked for).
 * - `head()`: the position of the last callstate event, read backwards from the end in growing pages.
 */
import * as E from 'fp-ts/lib/Either.js'
import type * as TE from 'fp-ts/lib/TaskEither.js'
import { FORWARDS, type EventStoreDBClient, type ResolvedEvent } from '@eventstore/db-client'
import type { Position, ReadStreamOptions, StoreFailure, StoredEvent } from '@callstate/projections'
import type { Scope } from './bounded.js'
import { decodeRecord, isSystem } from './codec.js'
import { drain, type Visit } from './drain.js'
import { isStreamNotFound } from './failure.js'
import type { ForeignTally } from './foreign.js'
import { RETRIES } from './page.js'
import { walkAll, walkStream } from './pages.js'
import { startAfter } from './positions.js'
import type { Reader } from './reader.js'

const invalid = (reason: string): E.Either<StoreFailure, never> => E.left({ _tag: 'InvalidRequest', reason })

const isCount = (n: number): boolean => Number.isSafeInteger(n) && n >= 0

/** Room left in a page for the system and foreign events that get skipped. */
const SLACK = 16

/** Decodes a resolved event into `into`; system events are passed over, foreign ones counted. */
const collect =
  (foreign: ForeignTally | undefined, into: StoredEvent[]) =>
  (resolved: ResolvedEvent): StoredEvent | undefined => {
    const record = resolved.event
    if (!record || isSystem(record)) return undefined
    const decoded = decodeRecord(record, resolved.commitPosition)
    if (E.isLeft(decoded)) {
      foreign?.note(record, decoded.left)
      return undefined
    }
    into.push(decoded.right)
    return decoded.right
  }

/** One read of a stream inside an operation's Scope (appends and findById, a few events); an absent stream is []. */
export const readStreamIn = async (
  client: EventStoreDBClient,
  scope: Scope,
  stream: string,
  fromRevision: number,
  limit: number | undefined,
  foreign?: ForeignTally
): Promise<E.Either<StoreFailure, ReadonlyArray<StoredEvent>>> => {
  const events: StoredEvent[] = []
  const add = collect(foreign, events)
  const read = client.readStream(stream, {
    fromRevision: BigInt(fromRevision),
    direction: FORWARDS,
    ...(limit === undefined ? {} : { maxCount: limit })
  })
  try {
    await drain(read, scope, (resolved): Visit => {
      add(resolved)
      return 'more'
    })
  } catch (error) {
    if (isStreamNotFound(error)) return E.right([])
    throw error
  }
  return E.right(events)
}

export const readStream =
  (reader: Reader) =>
  (stream: string, options?: ReadStreamOptions): TE.TaskEither<StoreFailure, ReadonlyArray<StoredEvent>> =>
  async () => {
    const from = options?.fromRevision ?? 0
    const limit = options?.limit
    if (stream === '') return invalid('readStream: empty stream name')
    if (!isCount(from) || (limit !== undefined && !isCount(limit))) {
      return invalid(`readStream: fromRevision and limit must be non-negative integers`)
    }
    if (limit === 0) return E.right([])
    const events: StoredEvent[] = []
    const add = collect(reader.foreign, events)
    const walked = await walkStream(
      reader,
      {
        operation: 'readStream',
        stream,
        fromRevision: from,
        size: (adapted) => (limit === undefined ? adapted : Math.min(adapted, limit - events.length + SLACK)),
        retries: () => RETRIES
      },
      (resolved) => {
        add(resolved)
        return limit !== undefined && events.length >= limit ? 'stop' : 'more'
      }
    )
    return E.isLeft(walked) ? walked : E.right(events)
  }

export const readAll =
  (reader: Reader) =>
  (after: Position, limit: number): TE.TaskEither<StoreFailure, ReadonlyArray<StoredEvent>> =>
  async () => {
    if (!isCount(after) || !isCount(limit)) return invalid('readAll: after and limit must be non-negative integers')
    if (limit === 0) return E.right([])
    const start = await startAfter(reader, 'readAll', after, RETRIES)
    if (E.isLeft(start)) return start
    const events: StoredEvent[] = []
    const add = collect(reader.foreign, events)
    let last: ResolvedEvent['event'] | undefined
    const walked = await walkAll(
      reader,
      {
        operation: 'readAll',
        direction: 'forwards',
        from: start.right,
        size: (adapted) => Math.min(adapted, limit - events.length + SLACK),
        // Something read is progress: return it rather than wait on a retry.
        retries: () => (events.length > 0 ? 0 : RETRIES)
      },
      (resolved) => {
        // The read may start before `after` (the beginning of its transaction): those are not asked for.
        const prepare = resolved.event?.position?.prepare
        if (prepare !== undefined && prepare <= BigInt(after)) return 'more'
        if (add(resolved) !== undefined) last = resolved.event
        return events.length >= limit ? 'stop' : 'more'
      }
    )
    if (last?.position) reader.known.remember(last.position)
    if (E.isLeft(walked) && events.length === 0) return walked
    return E.right(events)
  }

/** The position of the last callstate event (0: none), read backwards from the end in growing pages. */
export const headOf = async (reader: Reader, operation: string): Promise<E.Either<StoreFailure, Position>> => {
  let head = 0
  let size = 32
  const walked = await walkAll(
    reader,
    {
      operation,
      direction: 'backwards',
      from: 'end',
      // Pages only grow past the first when its events were all system or foreign ones.
      size: () => {
        const now = size
        size = Math.min(size * 4, reader.sizer.max)
        return now
      },
      retries: () => 0
    },
    (resolved) => {
      const found = collect(reader.foreign, [])(resolved)
      if (found === undefined) return 'more'
      head = found.position
      return 'stop'
    }
  )
  return E.isLeft(walked) ? walked : E.right(head)
}

export const head = (reader: Reader) => (): TE.TaskEither<StoreFailure, Position> => () => headOf(reader, 'head')
