/**
 * What one append call wrote, read back: each event's `$all` PREPARE position (the port's Position,
 * ./positions.ts), and whether the event stored under its id is really this one.
 *
 * Positions: an append's answer carries one position for all its events, its commit position, which is the
 * transaction's first prepare position (EventStoreDB writes an append's events one after the other;
 * tests/test/doubles/esdb-double-log.ts models it so). So the events are read back, matched by event id (and
 * stream), in one or two reads, each its own client call under its own timer (./calls.ts `writtenOf`):
 * 1. `$all` forwards from `{ commit, prepare: commit }`, as many records as were written (`inAll`);
 * 2. only if some are not there: the stream at the revisions the append reported (`inStream`; records read from a
 *    stream carry their positions on 22.6+ servers).
 * Whether it is ours: a node answers an append whose events already sit right after the expected revision with
 * success and writes nothing (its idempotency check, by id only). With several writers (several `serve` nodes)
 * that happens when another one stored the same ids an instant before, e.g. the same notification, or another
 * copy of it with other content (a conflict, which must reach quarantine, not vanish). Then the answer's position
 * is that earlier write's, which is why step 2 exists, and the stored record differs from ours (another
 * `receivedAt` at least): such an event is `other`, answered Duplicate by the caller. Only a record with our exact
 * type, data and metadata counts as ours.
 * If some stay unknown, `missing` says so instead of guessing: the events ARE written, only their positions are
 * unknown, and a re-run answers them `Duplicate` with the stored event. Kept apart so the rule is easy to change.
 */
import { FORWARDS, type EventStoreDBClient } from '@eventstore/db-client'
import type { NewEvent, Position, StoreFailure } from '@callstate/projections'
import type { Scope } from './bounded.js'
import { drain } from './drain.js'
import { isStreamNotFound } from './failure.js'

/** Per event id: ours (written by this call, at `position`), or another write's event under that id. */
export type Written = { readonly _tag: 'ours'; readonly position: Position } | { readonly _tag: 'other' }
export type Found = Map<string, Written>

interface ReadRecord {
  readonly streamId: string
  readonly id: string
  readonly type: string
  readonly data: unknown
  readonly metadata: unknown
  readonly position?: { readonly prepare: bigint } | undefined
}

const sameAs = (record: ReadRecord, event: NewEvent): boolean =>
  record.type === event.type &&
  record.data instanceof Uint8Array &&
  Buffer.from(record.data).toString('utf8') === event.data &&
  JSON.stringify(record.metadata) === JSON.stringify(event.metadata)

const visitor = (stream: string, events: ReadonlyArray<NewEvent>, found: Found) => {
  const byId = new Map(events.map((e) => [e.id, e]))
  return (record: ReadRecord | undefined): 'more' => {
    const event = record && record.streamId === stream ? byId.get(record.id) : undefined
    if (!record || !event) return 'more'
    if (!sameAs(record, event)) found.set(record.id, { _tag: 'other' })
    else if (record.position) found.set(record.id, { _tag: 'ours', position: Number(record.position.prepare) })
    return 'more'
  }
}

/** What reading `$all` forwards from the append's commit position finds of `events`. */
export const inAll = async (
  client: EventStoreDBClient,
  scope: Scope,
  stream: string,
  commit: bigint,
  events: ReadonlyArray<NewEvent>
): Promise<Found> => {
  const found: Found = new Map()
  const visit = visitor(stream, events, found)
  const read = client.readAll({
    fromPosition: { commit, prepare: commit },
    direction: FORWARDS,
    maxCount: events.length
  })
  await drain(read, scope, (resolved) => visit(resolved.event))
  return found
}

/** What reading `stream` from `fromRevision` finds of `events` (no positions from servers before 22.6). */
export const inStream = async (
  client: EventStoreDBClient,
  scope: Scope,
  stream: string,
  fromRevision: number,
  events: ReadonlyArray<NewEvent>
): Promise<Found> => {
  const found: Found = new Map()
  const visit = visitor(stream, events, found)
  const read = client.readStream(stream, {
    fromRevision: BigInt(fromRevision),
    direction: FORWARDS,
    maxCount: events.length
  })
  try {
    await drain(read, scope, (resolved) => visit(resolved.event))
  } catch (error) {
    if (!isStreamNotFound(error)) throw error
  }
  return found
}

/** What the caller is told when some events of an append stay unknown. */
export const missing = (stream: string, commit: bigint, ids: ReadonlyArray<string>, found: Found): StoreFailure => {
  const absent = ids.filter((id) => !found.has(id))
  return {
    _tag: 'Unavailable',
    cause:
      `append to ${stream}: ${ids.length} events were written at commit position ${commit}, but reading them back ` +
      `($all from there, then the stream) found ${ids.length - absent.length} of them (missing ` +
      `${absent.slice(0, 3).join(', ')}${absent.length > 3 ? ', ...' : ''}); their positions are unknown ` +
      `(running the same append again answers them Duplicate)`
  }
}
