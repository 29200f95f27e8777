/**
 * `--known-at`: folds one stream from the log on demand, keeping only the events received by then (metadata
 * `receivedAt`; for imported history that is the import time). For a session, the presence notifications that
 * ended parties of it are found through the read model (session-ends.ts), and counted if received by then.
 */
import * as TE from 'fp-ts/lib/TaskEither.js'
import { pipe } from 'fp-ts/lib/function.js'
import {
  emptySession,
  evolveSessionWith,
  type EndFact,
  type Notification,
  type SessionState,
  type TelephonySessionBody
} from '@callstate/domain'
import { notificationOf, telephonyBodyOf } from '../event.js'
import type { EventStore, StoredEvent, StoreFailure } from '../port.js'
import { streams } from '../port.js'
import { instantMs } from '../time.js'
import type { ReadModelStore } from '../readmodel-port.js'
import type { QueryFailure } from './failure.js'
import { closingEvents, endsFor } from './session-ends.js'

const PAGE = 1000

/** Every event of a stream, in revision order, read page by page. */
export const readWholeStream = (store: EventStore, stream: string): TE.TaskEither<StoreFailure, StoredEvent[]> => {
  const from = (revision: number, acc: StoredEvent[]): TE.TaskEither<StoreFailure, StoredEvent[]> =>
    pipe(
      store.readStream(stream, { fromRevision: revision, limit: PAGE }),
      TE.flatMap((page) => {
        acc.push(...page)
        const last = page[page.length - 1]
        return page.length < PAGE || last === undefined ? TE.right(acc) : from(last.revision + 1, acc)
      })
    )
  return from(0, [])
}

/** Received at or before `knownAt` (an event whose receivedAt is not an instant is not known at any time). */
export const receivedBy = (knownAt: string) => {
  const limit = instantMs(knownAt) ?? -Infinity
  return (e: StoredEvent): boolean => (instantMs(e.metadata.receivedAt) ?? Infinity) <= limit
}

/** The decodable notifications of a stream received by `knownAt`, in log order. */
export const knownNotifications = (
  store: EventStore,
  stream: string,
  knownAt: string
): TE.TaskEither<StoreFailure, Notification[]> =>
  pipe(
    readWholeStream(store, stream),
    TE.map((events) =>
      events.filter(receivedBy(knownAt)).flatMap((e) => {
        const n = notificationOf(e)
        return n === undefined ? [] : [n]
      })
    )
  )

/**
 * The session as known at `knownAt`: its own notifications received by then, and the end facts of the presence
 * notifications received by then (found through the read model, see session-ends.ts); undefined when none of its
 * telephony notifications had been received.
 */
export const sessionKnownAt = (
  deps: { readonly store: EventStore; readonly readModels: ReadModelStore },
  telephonySessionId: string,
  knownAt: string
): TE.TaskEither<QueryFailure, SessionState | undefined> =>
  pipe(
    TE.Do,
    TE.apS(
      'own',
      pipe(
        readWholeStream(deps.store, streams.session(telephonySessionId)),
        TE.map((events) => events.filter(receivedBy(knownAt))),
        TE.mapLeft((f): QueryFailure => f)
      )
    ),
    TE.apS('closing', closingEvents(deps.store, deps.readModels, telephonySessionId)),
    TE.map(({ own, closing }) => {
      // Each event is decoded once: a telephony notification gives a body (and no end), any other an end or nothing.
      const bodies: TelephonySessionBody[] = []
      const ends: EndFact[] = []
      for (const e of own) {
        if (e.type !== 'TelephonySessionNotification') ends.push(...endsFor(e, telephonySessionId))
        else {
          const body = telephonyBodyOf(e)
          if (body !== undefined) bodies.push(body)
        }
      }
      if (bodies.length === 0) return undefined
      // Ends known by then: a reconciliation in the session's own stream, presence received by then.
      for (const e of closing.filter(receivedBy(knownAt))) ends.push(...endsFor(e, telephonySessionId))
      // One derivation of all the facts: the fold is order-free, so this is the state folded bodies first.
      return evolveSessionWith(emptySession(telephonySessionId), bodies, ends)
    })
  )
