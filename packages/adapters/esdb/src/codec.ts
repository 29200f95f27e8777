/**
 * How callstate events are laid out in EventStoreDB, and decoded back (io-ts, once, at this boundary).
 * - event id: the port's deterministic UUIDv5, as is; event type: the port's EventType.
 * - data: the JSON text exactly as given, stored as bytes (content type application/octet-stream):
 *   letting the client re-serialise it as JSON would not give the same text back.
 * - custom metadata: the port's EventMetadata as JSON.
 */
import type * as t from 'io-ts'
import * as E from 'fp-ts/lib/Either.js'
import { pipe } from 'fp-ts/lib/function.js'
import { binaryEvent, type EventData } from '@eventstore/db-client'
import { EventMetadata, EventType, type NewEvent, type StoredEvent } from '@callstate/projections'

export const toClientEvent = (event: NewEvent): EventData =>
  binaryEvent({
    id: event.id,
    type: event.type,
    data: new Uint8Array(Buffer.from(event.data, 'utf8')),
    metadata: { ...event.metadata }
  })

/** The part of a client `RecordedEvent` we read; typed structurally so no client type leaks out. */
export interface ClientRecord {
  readonly streamId: string
  readonly id: string
  readonly revision: bigint
  readonly type: string
  readonly data: unknown
  readonly metadata: unknown
  readonly position?: { readonly commit: bigint; readonly prepare: bigint } | undefined
}

export const isSystem = (record: Pick<ClientRecord, 'streamId' | 'type'>): boolean =>
  record.streamId.startsWith('$') || record.type.startsWith('$')

const dataText = (data: unknown): E.Either<string, string> =>
  data instanceof Uint8Array ? E.right(Buffer.from(data).toString('utf8')) : E.left('data is not stored as bytes')

const problems = (errors: t.Errors): string =>
  errors.map((e) => `${e.context.map((c) => c.key).join('.')}: ${String(e.value)}`).join('; ')

/**
 * A stored record -> the port's StoredEvent, its position being the record's prepare position (./positions.ts);
 * `fallback` (the resolved event's commit position) only for a record read without its position, where it is the
 * right one for a log of one event per append. A record callstate did not write is an error with a reason: the
 * readers skip it and count it (./foreign.ts).
 */
export const decodeRecord = (record: ClientRecord, fallback: bigint | undefined): E.Either<string, StoredEvent> => {
  const where = `event ${record.id} (${record.streamId}@${record.revision})`
  const position = record.position?.prepare ?? fallback
  return pipe(
    E.Do,
    E.apS('type', pipe(EventType.decode(record.type), E.mapLeft(problems))),
    E.apS('meta', pipe(EventMetadata.decode(record.metadata), E.mapLeft(problems))),
    E.apS('data', dataText(record.data)),
    E.apS('position', position === undefined ? E.left('no position') : E.right(position)),
    E.map(({ type, meta, data, position }) => ({
      id: record.id,
      type,
      data,
      metadata: meta,
      stream: record.streamId,
      revision: Number(record.revision),
      position: Number(position)
    })),
    E.mapLeft((reason) => `${where} is not a callstate event: ${reason}`)
  )
}

const isPosition = (value: unknown): boolean =>
  value === undefined ||
  (typeof value === 'object' &&
    value !== null &&
    typeof Reflect.get(value, 'commit') === 'bigint' &&
    typeof Reflect.get(value, 'prepare') === 'bigint')

const isRecord = (value: unknown): value is ClientRecord =>
  typeof value === 'object' &&
  value !== null &&
  isPosition(Reflect.get(value, 'position')) &&
  typeof Reflect.get(value, 'streamId') === 'string' &&
  typeof Reflect.get(value, 'id') === 'string' &&
  typeof Reflect.get(value, 'revision') === 'bigint' &&
  typeof Reflect.get(value, 'type') === 'string'

/** What a subscription's untyped `read()` hands out, checked rather than cast. */
export const resolvedOf = (item: unknown): { record?: ClientRecord; commit?: bigint } => {
  if (typeof item !== 'object' || item === null) return {}
  const record = Reflect.get(item, 'event')
  const commit = Reflect.get(item, 'commitPosition')
  return {
    ...(isRecord(record) ? { record } : {}),
    ...(typeof commit === 'bigint' ? { commit } : {})
  }
}
