/**
 * One append request (one stream): its fresh events sent as ONE append call (several when over MAX_EVENTS
 * events or MAX_BYTES of payload: EventStoreDB refuses an append over 1 MiB by default), each call naming the
 * EXACT revision the id index believes is last, even when the request says `any` (./id-index.ts):
 * - A stream not in the index is read first (its tail); a stream in it is not (one round trip saved).
 * - WrongExpectedVersion (another writer appended meanwhile, or the index was stale): read the tail, split the
 *   request again into stored and fresh ids, and send what is still fresh; at most MAX_ATTEMPTS times, then
 *   the request fails with VersionConflict.
 * - A request with its own expectation (`no-stream`, `stream-exists`, a revision) keeps the port's semantics:
 *   checked against the index (read again first if the index disagrees), a conflict writes nothing and
 *   answers VersionConflict with the actual revision; a request whose ids are ALL stored already is a retry
 *   and answers Duplicate without a check. After the first call of such a request wrote, a conflict on a later
 *   call (a request split in several calls) fails it with the part before written.
 * - Each call's events are read back (./calls.ts `writtenOf`): each event's Position is its `$all` prepare
 *   position, and an event the node did NOT write because the same id was already there (its idempotency check;
 *   another writer was faster) is answered Duplicate with the stored event, so a conflicting copy is not lost.
 * - Ids already stored (or repeated in the request) answer `Duplicate` with the stored event, read back.
 * A call that fails otherwise (timeout, node gone) fails the request; its stream is forgotten by the index if
 * the outcome of an append is unknown. Several calls of one request are NOT atomic: the calls before a
 * failure stay written, and running the request again answers them Duplicate.
 */
import * as E from 'fp-ts/lib/Either.js'
import type { AppendOutcome, AppendRequest, AppendResult, NewEvent, StoreFailure } from '@callstate/projections'
import { appendChunk, readStored, readTail, writtenOf, type CallContext } from './calls.js'
import type { StreamIndex } from './id-index.js'

export const MAX_EVENTS = 500
export const MAX_BYTES = 512 * 1024
const MAX_ATTEMPTS = 5

/** The events of the request not stored yet, first occurrence of each id. */
const freshOf = (request: AppendRequest, index: StreamIndex): NewEvent[] => {
  const seen = new Set<string>()
  return request.events.filter((e) => {
    if (index.revisions.has(e.id) || seen.has(e.id)) return false
    seen.add(e.id)
    return true
  })
}

/** A rough size of an event on the wire: enough to keep an append well under the node's limit. */
const sizeOf = (e: NewEvent): number =>
  Buffer.byteLength(e.data, 'utf8') + Buffer.byteLength(JSON.stringify(e.metadata), 'utf8') + e.type.length + 100

const firstChunk = (fresh: ReadonlyArray<NewEvent>): ReadonlyArray<NewEvent> => {
  let bytes = 0
  let n = 0
  for (const e of fresh) {
    bytes += sizeOf(e)
    if (n > 0 && (n >= MAX_EVENTS || bytes > MAX_BYTES)) break
    n += 1
  }
  return fresh.slice(0, n)
}

export const conflictOf = (request: AppendRequest, index: StreamIndex): StoreFailure | undefined => {
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

/** The stream's index: as cached, or read when not kept (`read` says whether it was just read). */
const indexOf = async (
  ctx: CallContext,
  stream: string
): Promise<E.Either<StoreFailure, { index: StreamIndex; read: boolean }>> => {
  const cached = ctx.index.cached(stream)
  if (cached) return E.right({ index: cached, read: false })
  const read = await readTail(ctx, stream)
  return E.isLeft(read) ? read : E.right({ index: read.right, read: true })
}

/**
 * The request's own expectation against the index (read again when the cached one disagrees, since it may be
 * stale); a request whose ids are all stored is a retry and passes. Answers the index to append on.
 */
export const checkExpected = async (
  ctx: CallContext,
  request: AppendRequest
): Promise<E.Either<StoreFailure, StreamIndex>> => {
  const known = await indexOf(ctx, request.stream)
  if (E.isLeft(known)) return known
  let index = known.right.index
  if (request.expected === 'any' || freshOf(request, index).length === 0 || !conflictOf(request, index))
    return E.right(index)
  if (!known.right.read) {
    const reread = await readTail(ctx, request.stream)
    if (E.isLeft(reread)) return reread
    index = reread.right
  }
  const conflict = freshOf(request, index).length === 0 ? undefined : conflictOf(request, index)
  return conflict ? E.left(conflict) : E.right(index)
}

export const appendRequest = async (
  ctx: CallContext,
  request: AppendRequest
): Promise<E.Either<StoreFailure, AppendOutcome>> => {
  const { stream } = request
  const checked = await checkExpected(ctx, request)
  if (E.isLeft(checked)) return checked
  let index = checked.right
  const written = new Map<string, { revision: number; position: number }>()
  let conflicts = 0
  for (let fresh = freshOf(request, index); fresh.length > 0; fresh = freshOf(request, index)) {
    const chunk = firstChunk(fresh)
    const last = index.lastRevision
    const sent = await appendChunk(ctx, stream, chunk, last < 0 ? 'no_stream' : BigInt(last))
    if (E.isLeft(sent)) {
      if (sent.left._tag !== 'VersionConflict') {
        // Outcome unknown: the write may have landed; the next append to this stream reads the tail first.
        ctx.index.forget(stream)
        return sent
      }
      conflicts += 1
      const reread = await readTail(ctx, stream)
      if (E.isLeft(reread)) return reread
      index = reread.right
      if (freshOf(request, index).length === 0) break
      const mayRetry = request.expected === 'any' || (written.size === 0 && !conflictOf(request, index))
      if (!mayRetry || conflicts >= MAX_ATTEMPTS) {
        const actual = index.lastRevision < 0 ? 'no-stream' : index.lastRevision
        return E.left({ _tag: 'VersionConflict', stream, expected: request.expected, actual })
      }
      continue
    }
    const first = Number(sent.right.nextExpectedRevision) - chunk.length + 1
    ctx.index.record(
      stream,
      index,
      chunk.map((e) => e.id),
      first
    )
    const stored = await writtenOf(ctx, stream, chunk, first, sent.right)
    if (E.isLeft(stored)) return stored
    // Another writer's event under one of our ids (the node wrote nothing) is answered Duplicate, by resultsOf.
    chunk.forEach((e, i) => {
      const w = stored.right[i]
      if (w?._tag === 'ours') written.set(e.id, { revision: first + i, position: w.position })
    })
  }
  return resultsOf(ctx, request, index, written)
}

/** Appended for what this request wrote (first occurrence), Duplicate with the stored event for the rest. */
const resultsOf = async (
  ctx: CallContext,
  request: AppendRequest,
  index: StreamIndex,
  written: ReadonlyMap<string, { revision: number; position: number }>
): Promise<E.Either<StoreFailure, AppendOutcome>> => {
  const claimed = new Set<string>()
  const plan = request.events.map((e) => {
    const mine = claimed.has(e.id) ? undefined : written.get(e.id)
    claimed.add(e.id)
    return mine
      ? { _tag: 'mine' as const, id: e.id, mine }
      : { _tag: 'stored' as const, id: e.id, revision: index.revisions.get(e.id) }
  })
  const wanted = plan.flatMap((p) => (p._tag === 'stored' && p.revision !== undefined ? [p.revision] : []))
  const stored = wanted.length === 0 ? E.right(new Map()) : await readStored(ctx, request.stream, wanted)
  if (E.isLeft(stored)) return stored
  const results: AppendResult[] = []
  for (const p of plan) {
    if (p._tag === 'mine') {
      results.push({ _tag: 'Appended', id: p.id, ...p.mine })
      continue
    }
    const existing = p.revision === undefined ? undefined : stored.right.get(p.revision)
    if (existing?.id !== p.id)
      return E.left({ _tag: 'Unavailable', cause: `append to ${request.stream}: lost track of stored event ${p.id}` })
    results.push({ _tag: 'Duplicate', id: p.id, existing })
  }
  return E.right({ stream: request.stream, results, lastRevision: index.lastRevision })
}
