/**
 * A session's end facts come from other streams (presence: domain session/ends.ts). The read model keeps them with
 * the session, each with the id of the event that told it; the log has no index of presence by session, so the
 * queries that read the log itself (`--known-at`, the audit, the feed) find those events by id.
 */
import * as E from 'fp-ts/lib/Either.js'
import * as TE from 'fp-ts/lib/TaskEither.js'
import { pipe } from 'fp-ts/lib/function.js'
import { presenceEnds, presenceUpdate, reconciliationEnds, type EndFact } from '@callstate/domain'
import { projectEvent } from '../event.js'
import { streams, type EventStore, type StoredEvent } from '../port.js'
import type { ReadModelStore } from '../readmodel-port.js'
import { storedEndsOf } from '../sessions/stored-state.js'
import { readModelFailure, type QueryFailure } from './failure.js'

/**
 * The end facts a stored event gives about one session: detailed presence saying `final`, or a reconciliation that
 * found the session gone; none for any other event.
 */
export const endsFor = (e: StoredEvent, telephonySessionId: string): EndFact[] => {
  const p = projectEvent(e)
  if (E.isLeft(p)) return []
  if (p.right.kind === 'reconciliation')
    return p.right.observation.telephonySessionId === telephonySessionId
      ? reconciliationEnds(p.right.observation, e.id)
      : []
  if (p.right.notification.kind !== 'detailed-presence') return []
  return presenceEnds(presenceUpdate(p.right.notification), e.id)
    .filter((x) => x.telephonySessionId === telephonySessionId)
    .map((x) => x.fact)
}

/**
 * The presence events that gave the session its end facts, by the ids the read model keeps with them (the log has
 * no index of presence by session). Each is looked up by its id and time (a presence fact's `at` is the
 * notification's timestamp: one index read in the embedded log), in its extension's stream.
 */
export const closingEvents = (
  store: EventStore,
  readModels: ReadModelStore,
  telephonySessionId: string
): TE.TaskEither<QueryFailure, StoredEvent[]> => {
  const stored = E.tryCatch(() => readModels.session(telephonySessionId), readModelFailure)
  if (E.isLeft(stored)) return TE.left(stored.left)
  const read = stored.right === undefined ? E.right([]) : storedEndsOf(telephonySessionId, stored.right.state)
  if (E.isLeft(read)) return TE.left(readModelFailure(`session ${telephonySessionId}: ${read.left.reason}`))
  // Reconciliation facts are in the session's own stream, which the callers read anyway: only presence here.
  const fromPresence = read.right.flatMap((f) =>
    f.source === 'presence' && f.extensionId !== null
      ? [{ eventId: f.eventId, extensionId: f.extensionId, at: f.at }]
      : []
  )
  const unique = [...new Map(fromPresence.map((f) => [f.eventId, f])).values()]
  return pipe(
    unique,
    TE.traverseSeqArray((f) => store.findById(f.eventId, streams.presence(f.extensionId), f.at)),
    TE.mapLeft((f): QueryFailure => f),
    TE.map((found) => found.flatMap((e) => (e === undefined ? [] : [e])))
  )
}
