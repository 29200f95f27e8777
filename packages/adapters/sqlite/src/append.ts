/**
 * Appends. Every call is one `BEGIN IMMEDIATE` transaction over all its requests (the group commit): SQLite's
 * single write lock is taken up front, so positions stay gap-free even with several processes appending, and
 * any failure rolls every request of the call back.
 */
import * as E from 'fp-ts/lib/Either.js'
import type {
  AppendOutcome,
  AppendRequest,
  AppendResult,
  ExpectedRevision,
  NewEvent,
  StoreFailure,
  StoredEvent
} from '@callstate/projections'
import { type Connection, isCount, number } from './connection.js'
import { invalid, unavailable } from './failure.js'
import { findByKey } from './read.js'
import { encodeRow, NO_TIME, occurredKey } from './rows.js'

type Outcome = E.Either<StoreFailure, AppendOutcome>

const checkRequest = (request: AppendRequest): StoreFailure | undefined => {
  if (request.stream === '') return invalid('stream name is empty')
  const { expected } = request
  if (typeof expected === 'number' && !isCount(expected))
    return invalid(`expected revision ${expected} is not a revision (use 'no-stream' for an absent stream)`)
  if (request.events.some((e) => e.id === '')) return invalid(`an event for ${request.stream} has an empty id`)
  const untimed = request.events.find((e) => occurredKey(e.metadata.occurredAt) === undefined)
  if (untimed !== undefined)
    return invalid(
      `event ${untimed.id}: occurredAt ${String(untimed.metadata.occurredAt)} is not an ISO 8601 UTC instant ` +
        'as Date.toISOString writes it (occurredAtOf)'
    )
  return undefined
}

/** `current` is the revision of the stream's last event, -1 when the stream is absent. */
const versionConflict = (stream: string, expected: ExpectedRevision, current: number): StoreFailure | undefined => {
  const matches =
    expected === 'any' ||
    (expected === 'no-stream' && current < 0) ||
    (expected === 'stream-exists' && current >= 0) ||
    expected === current
  return matches
    ? undefined
    : { _tag: 'VersionConflict', stream, expected, actual: current < 0 ? 'no-stream' : current }
}

/** The duplicate key's time of an event whose request passed `checkRequest`. */
const keyOf = (event: NewEvent): number => occurredKey(event.metadata.occurredAt) ?? NO_TIME

/** The events of `request` already in the log, by id. */
const knownEvents = (c: Connection, request: AppendRequest): E.Either<StoreFailure, Map<string, StoredEvent>> => {
  const known = new Map<string, StoredEvent>()
  for (const event of request.events) {
    const found = findByKey(c, keyOf(event), event.id)
    if (E.isLeft(found)) return found
    if (found.right !== undefined) known.set(event.id, found.right)
  }
  return E.right(known)
}

/** The stream's integer id (created when absent) and the revision of its last event (-1 when it has none). */
const streamOf = (c: Connection, stream: string): E.Either<StoreFailure, { id: number; current: number }> => {
  const known: unknown = c.statements.streamId.get(stream)
  if (known === undefined)
    return E.right({ id: Number(c.statements.newStream.run(stream).lastInsertRowid), current: -1 })
  if (typeof known !== 'number') return E.left(c.corrupt(`stream ${stream} has no integer id`))
  return E.map((current: number) => ({ id: known, current }))(
    number('stream revision', c.statements.streamRevision.get(known))
  )
}

/**
 * One request inside the open transaction. Ids already in the log (or written earlier in this batch) are
 * reported `Duplicate` and not written. A request whose events are all already stored is a retry of an append
 * that happened: it answers the duplicates without checking `expected`, which the first append has moved past.
 */
const appendInTransaction = (c: Connection, request: AppendRequest): Outcome => {
  const target = streamOf(c, request.stream)
  if (E.isLeft(target)) return target
  const { id: streamId, current } = target.right
  if (request.expected === 'any') return appendAny(c, request, streamId, current)
  const found = knownEvents(c, request)
  if (E.isLeft(found)) return found
  const known = found.right
  const retry = request.events.length > 0 && known.size === new Set(request.events.map((e) => e.id)).size
  const conflict = retry ? undefined : versionConflict(request.stream, request.expected, current)
  if (conflict) return E.left(conflict)

  let revision = current
  const written = new Set<string>()
  const results: AppendResult[] = []
  for (const event of request.events) {
    const existing = known.get(event.id)
    if (existing !== undefined) {
      results.push({ _tag: 'Duplicate', id: event.id, existing })
      continue
    }
    if (written.has(event.id)) {
      // The same id twice in one request: the second answers with the row the first one wrote.
      const again = findByKey(c, keyOf(event), event.id)
      if (E.isLeft(again)) return again
      if (again.right === undefined) return E.left(c.corrupt(`event ${event.id} vanished inside its transaction`))
      results.push({ _tag: 'Duplicate', id: event.id, existing: again.right })
      continue
    }
    revision += 1
    const info = c.statements.insert.run(...encodeRow(event, request.stream, streamId, revision, keyOf(event)))
    written.add(event.id)
    results.push({ _tag: 'Appended', id: event.id, position: Number(info.lastInsertRowid), revision })
  }
  return E.right({ stream: request.stream, results, lastRevision: revision })
}

/** `expected: 'any'` (what ingest uses): no revision to check, so no lookup before writing (see insertUnlessKnown). */
const appendAny = (c: Connection, request: AppendRequest, streamId: number, current: number): Outcome => {
  let revision = current
  const results: AppendResult[] = []
  for (const event of request.events) {
    const at = keyOf(event)
    const info = c.statements.insertUnlessKnown.run(...encodeRow(event, request.stream, streamId, revision + 1, at))
    if (info.changes === 1) {
      revision += 1
      results.push({ _tag: 'Appended', id: event.id, position: Number(info.lastInsertRowid), revision })
      continue
    }
    // Already in the log, or written earlier in this batch: answer with the stored row.
    const existing = findByKey(c, at, event.id)
    if (E.isLeft(existing)) return existing
    if (existing.right === undefined) return E.left(c.corrupt(`event ${event.id} conflicts but cannot be read`))
    results.push({ _tag: 'Duplicate', id: event.id, existing: existing.right })
  }
  return E.right({ stream: request.stream, results, lastRevision: revision })
}

/**
 * All requests in one IMMEDIATE transaction: the group commit. Any failure rolls every request back.
 * `wake` is told (after the commit) when something was appended: the store's subscriptions read it then.
 */
export const appendAll = (
  c: Connection,
  requests: ReadonlyArray<AppendRequest>,
  wake: () => void
): E.Either<StoreFailure, ReadonlyArray<AppendOutcome>> => {
  const bad = requests.map(checkRequest).find((f) => f !== undefined)
  if (bad) return E.left(bad)
  if (requests.length === 0) return E.right([])
  c.statements.begin.run()
  const outcomes: AppendOutcome[] = []
  let failure: StoreFailure | undefined
  try {
    for (const request of requests) {
      const outcome = appendInTransaction(c, request)
      if (E.isLeft(outcome)) {
        failure = outcome.left
        break
      }
      outcomes.push(outcome.right)
    }
    if (failure === undefined) c.statements.commit.run()
  } finally {
    // A failed request, or a driver exception on its way to `attempt`: leave nothing half-written. SQLite
    // may already have rolled back by itself (e.g. on SQLITE_FULL), hence the check.
    if (c.db.inTransaction) c.statements.rollback.run()
  }
  if (failure !== undefined) return E.left(failure)
  // After the commit, and not on the appender's stack: a subscriber's handler never runs inside `append`.
  if (outcomes.some((o) => o.results.some((r) => r._tag === 'Appended'))) queueMicrotask(wake)
  return E.right(outcomes)
}

/** One request: `appendAll` of one, answering its one outcome. */
export const appendOne = (c: Connection, request: AppendRequest, wake: () => void): Outcome =>
  E.flatMap(appendAll(c, [request], wake), ([outcome]) =>
    outcome === undefined ? E.left(unavailable('append: no outcome for the request')) : E.right(outcome)
  )
