/**
 * Between `StoredEvent` and a row of the events table. Rows are read in raw (array) mode, the fastest the driver
 * offers, and checked field by field: what comes out of the file is data from outside, so nothing is cast.
 */
import * as E from 'fp-ts/lib/Either.js'
import {
  EventType,
  occurredAtOf,
  Source,
  type EventMetadata,
  type NewEvent,
  type StoredEvent
} from '@callstate/projections'

/** The column order of every SELECT; `decodeRow` reads the same order. */
export const COLUMNS =
  'position, id, stream, revision, type, data, received_at, source, content_hash, source_ref, transport, uuid, occurred_at'

/**
 * `occurred_at` of an event without `occurredAt`: outside the range of any JavaScript date, so no notification's
 * time can take it, and not NULL, which a UNIQUE index would treat as distinct from every other NULL.
 */
export const NO_TIME = Number.MIN_SAFE_INTEGER

/**
 * The duplicate key's time for `occurredAt` (schema.ts); undefined when it is not the canonical form `occurredAtOf`
 * writes (a time written another way would not read back as written).
 */
export const occurredKey = (occurredAt: string | undefined): number | undefined => {
  if (occurredAt === undefined) return NO_TIME
  // The shape test first: it runs for every appended event, and a round trip through Date costs ten times more.
  if (!CANONICAL.test(occurredAt)) return occurredAtOf(occurredAt) === occurredAt ? Date.parse(occurredAt) : undefined
  const ms = Date.parse(occurredAt)
  // Date.parse rolls 30 February or 24:00 over into the next day: the day of the month tells.
  return Number.isFinite(ms) && new Date(ms).getUTCDate() === Number(occurredAt.slice(8, 10)) ? ms : undefined
}

/** What `Date.toISOString` writes for the years 0000-9999. */
const CANONICAL = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/

/** Each metadata field has its column; a field added to `EventMetadata` fails to compile here. */
export const METADATA_COLUMNS: Record<keyof EventMetadata, string> = {
  receivedAt: 'received_at',
  source: 'source',
  sourceRef: 'source_ref',
  contentHash: 'content_hash',
  transport: 'transport',
  uuid: 'uuid',
  occurredAt: 'occurred_at'
}

const optionalText = (value: unknown): value is string | null => value === null || typeof value === 'string'

/**
 * Parameters of the INSERT, in its column order (statements.ts), `at` being `occurredKey` of the event. Absent
 * optional metadata is stored as NULL.
 */
export const encodeRow = (
  event: NewEvent,
  stream: string,
  streamId: number,
  revision: number,
  at: number
): ReadonlyArray<string | number | null> => [
  event.id,
  stream,
  revision,
  event.type,
  event.data,
  event.metadata.receivedAt,
  event.metadata.source,
  event.metadata.contentHash,
  event.metadata.sourceRef ?? null,
  event.metadata.transport ?? null,
  event.metadata.uuid ?? null,
  streamId,
  at
]

/** A row back to a `StoredEvent`; NULL optional metadata becomes an absent key, so round trips compare equal. */
export const decodeRow = (row: unknown): E.Either<string, StoredEvent> => {
  if (!Array.isArray(row) || row.length !== 13) return E.left('row has an unexpected shape')
  const [position, id, stream, revision, type, data, receivedAt, source, contentHash, sourceRef, transport, uuid, at] =
    row
  if (
    typeof position !== 'number' ||
    typeof id !== 'string' ||
    typeof stream !== 'string' ||
    typeof revision !== 'number' ||
    !EventType.is(type) ||
    typeof data !== 'string' ||
    typeof receivedAt !== 'string' ||
    !Source.is(source) ||
    typeof contentHash !== 'string' ||
    !optionalText(sourceRef) ||
    !optionalText(transport) ||
    !optionalText(uuid) ||
    typeof at !== 'number'
  )
    return E.left(`row at position ${String(position)} does not hold a valid event`)
  const metadata: EventMetadata = {
    receivedAt,
    source,
    contentHash,
    ...(sourceRef === null ? {} : { sourceRef }),
    ...(transport === null ? {} : { transport }),
    ...(uuid === null ? {} : { uuid }),
    ...(at === NO_TIME ? {} : { occurredAt: new Date(at).toISOString() })
  }
  return E.right({ id, type, data, metadata, stream, revision, position })
}

/** Decodes rows in order; the first bad row fails the whole read (a corrupt log must not be skipped silently). */
export const decodeRows = (rows: ReadonlyArray<unknown>): E.Either<string, ReadonlyArray<StoredEvent>> => {
  const events: StoredEvent[] = new Array(rows.length)
  for (let i = 0; i < rows.length; i++) {
    const decoded = decodeRow(rows[i])
    if (E.isLeft(decoded)) return decoded
    events[i] = decoded.right
  }
  return E.right(events)
}
