/**
 * Appends. Each event is its own EventStoreDB append call, so each gets its own commit position (the
 * port's Position, see ./positions.ts): the first with the request's expected revision, each next one
 * with the exact revision the previous one got. A request of several events is therefore NOT atomic
 * here: if a later call fails (another writer slipped in, the node went away), the events before it
 * stay written and the request fails. Retrying it is safe: what was written comes back `Duplicate`.
 * Once the operation's timer fired (the caller has its Timeout), no further event is sent: a late node does
 * not get the rest of an abandoned request written behind the caller's back.
 * Ids already in the stream are answered `Duplicate` with the stored event and not sent again
 * (./id-index.ts); if every id of a request is already there, the request is a retry and succeeds
 * without an expected-revision check, as in the embedded store.
 *
 * `appendBatch` is NOT atomic across streams: EventStoreDB has no multi-stream transaction. The adapter
 * checks every request's expected revision first and writes nothing if one is already wrong; a conflict
 * that appears between that check and the writes (another writer) fails the batch with the earlier
 * requests already written. Retrying the batch is safe: what was written comes back as `Duplicate`.
 */
import * as E from 'fp-ts/lib/Either.js'
import type * as TE from 'fp-ts/lib/TaskEither.js'
import type { AppendExpectedRevision, EventStoreDBClient } from '@eventstore/db-client'
import type {
  AppendOutcome,
  AppendRequest,
  AppendResult,
  ExpectedRevision,
  StoreFailure,
  StoredEvent
} from '@callstate/projections'
import { bounded, type Scope } from './bounded.js'
import { toClientEvent } from './codec.js'
import type { IdIndex, StreamIndex } from './id-index.js'
import { readStreamIn } from './read.js'

type ClientExpected = AppendExpectedRevision

const toClientExpected = (expected: ExpectedRevision): ClientExpected =>
  expected === 'no-stream'
    ? 'no_stream'
    : expected === 'stream-exists'
      ? 'stream_exists'
      : expected === 'any'
        ? 'any'
        : BigInt(expected)

const validate = (request: AppendRequest): string | undefined => {
  if (request.stream === '') return 'append: empty stream name'
  const e = request.expected
  if (typeof e === 'number' && !(Number.isSafeInteger(e) && e >= -1)) return `append: bad expected revision ${e}`
  if (request.events.some((ev) => ev.id === '')) return `append to ${request.stream}: an event has no id`
  return undefined
}

const conflict = (request: AppendRequest, index: StreamIndex): StoreFailure | undefined => {
  const last = index.lastRevision
  const e = request.expected
  const ok =
    e === 'any' ||
    (e === 'no-stream' && last === -1) ||
    (e === 'stream-exists' && last >= 0) ||
    (typeof e === 'number' && e === last)
  return ok
    ? undefined
    : { _tag: 'VersionConflict', stream: request.stream, expected: e, actual: last === -1 ? 'no-stream' : last }
}

/** The request's events split into those already stored (by id) and those to write (first occurrence). */
const split = (request: AppendRequest, index: StreamIndex) => {
  const seen = new Set<string>()
  const fresh = request.events.filter((e) => {
    if (index.revisions.has(e.id) || seen.has(e.id)) return false
    seen.add(e.id)
    return true
  })
  return { fresh, allKnown: fresh.length === 0 }
}

interface Deps {
  readonly client: EventStoreDBClient
  readonly index: IdIndex
  readonly ms: number
}

/** What an operation whose timer already fired returns (`bounded` has answered Timeout and drops it). */
const expired = (deps: Deps): StoreFailure => ({ _tag: 'Timeout', operation: 'append', ms: deps.ms })

const existingEvent = async (
  deps: Deps,
  scope: Scope,
  stream: string,
  revision: number
): Promise<E.Either<StoreFailure, StoredEvent>> => {
  const read = await readStreamIn(deps.client, scope, stream, revision, 1)
  if (E.isLeft(read)) return read
  const found = read.right[0]
  return found
    ? E.right(found)
    : E.left({ _tag: 'Unavailable', cause: `append: ${stream}@${revision} vanished while reading it back` })
}

const appendOne = async (
  deps: Deps,
  scope: Scope,
  request: AppendRequest,
  index: StreamIndex
): Promise<E.Either<StoreFailure, AppendOutcome>> => {
  const { fresh } = split(request, index)
  const written = new Map<string, { revision: number; position: number }>()
  let expected: ClientExpected = toClientExpected(request.expected)
  for (const event of fresh) {
    // The caller already has its Timeout: write nothing more after it (what was sent stays "outcome unknown").
    if (scope.expired()) return E.left(expired(deps))
    const result = await deps.client.appendToStream(request.stream, toClientEvent(event), {
      expectedRevision: expected,
      deadline: deps.ms
    })
    if (!result.position)
      return E.left({ _tag: 'Unavailable', cause: `append to ${request.stream}: no position returned` })
    const revision = Number(result.nextExpectedRevision)
    deps.index.record(request.stream, index, [event.id], revision)
    written.set(event.id, { revision, position: Number(result.position.commit) })
    expected = result.nextExpectedRevision
  }
  const results: AppendResult[] = []
  for (const event of request.events) {
    const mine = fresh.includes(event) ? written.get(event.id) : undefined
    if (mine) {
      results.push({ _tag: 'Appended', id: event.id, ...mine })
      continue
    }
    const revision = index.revisions.get(event.id)
    if (revision === undefined) return E.left({ _tag: 'Unavailable', cause: `append: lost track of ${event.id}` })
    const existing = await existingEvent(deps, scope, request.stream, revision)
    if (E.isLeft(existing)) return existing
    results.push({ _tag: 'Duplicate', id: event.id, existing: existing.right })
  }
  return E.right({ stream: request.stream, results, lastRevision: index.lastRevision })
}

const appendAll = async (
  deps: Deps,
  scope: Scope,
  requests: ReadonlyArray<AppendRequest>
): Promise<E.Either<StoreFailure, ReadonlyArray<AppendOutcome>>> => {
  for (const request of requests) {
    const invalid = validate(request)
    if (invalid !== undefined) return E.left({ _tag: 'InvalidRequest', reason: invalid })
  }
  // Check each stream's first request before writing any, so a conflict known up front writes nothing.
  // Later requests for a stream already in the batch are checked by the server when written.
  const checked = new Map<string, StreamIndex>()
  for (const request of requests) {
    if (checked.has(request.stream)) continue
    const index = await deps.index.refresh(deps.client, scope, request.stream)
    if (E.isLeft(index)) return index
    checked.set(request.stream, index.right)
    const failed = split(request, index.right).allKnown ? undefined : conflict(request, index.right)
    if (failed) return E.left(failed)
  }
  const outcomes: AppendOutcome[] = []
  for (const request of requests) {
    if (scope.expired()) return E.left(expired(deps))
    // The index object is updated by each write, so a second request for a stream sees the first.
    const index = checked.get(request.stream)
    if (!index) return E.left({ _tag: 'Unavailable', cause: `append: ${request.stream} was not checked` })
    const outcome = await appendOne(deps, scope, request, index)
    if (E.isLeft(outcome)) return outcome
    outcomes.push(outcome.right)
  }
  return E.right(outcomes)
}

export const append =
  (deps: Deps) =>
  (request: AppendRequest): TE.TaskEither<StoreFailure, AppendOutcome> =>
    bounded('append', deps.ms, async (scope) => {
      const outcomes = await appendAll(deps, scope, [request])
      if (E.isLeft(outcomes)) return outcomes
      const [outcome] = outcomes.right
      return outcome ? E.right(outcome) : E.left({ _tag: 'Unavailable', cause: 'append: no outcome' })
    })

export const appendBatch =
  (deps: Deps) =>
  (requests: ReadonlyArray<AppendRequest>): TE.TaskEither<StoreFailure, ReadonlyArray<AppendOutcome>> =>
    bounded('appendBatch', deps.ms, (scope) => appendAll(deps, scope, requests))
