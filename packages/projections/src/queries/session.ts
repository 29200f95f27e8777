/**
 * `session <id>`: one session's call state. From the read model (the stored SessionState); with `at`, the state
 * as it was then (`sessionAt` over the stored facts, open spans counted up to `at`); with `knownAt`, folded from
 * the log using only what had been received by then. Stale is decided here, never stored.
 */
import * as E from 'fp-ts/lib/Either.js'
import * as TE from 'fp-ts/lib/TaskEither.js'
import { pipe } from 'fp-ts/lib/function.js'
import { sessionAsOf, type SessionAsOf, type SessionState } from '@callstate/domain'
import type { EventStore } from '../port.js'
import type { ReadModelStore, SessionRow } from '../readmodel-port.js'
import { parseStoredState } from '../sessions/stored-state.js'
import { invalidQuery, notFound, readModelFailure, type QueryFailure, type QueryTime } from './failure.js'
import { sessionKnownAt } from './known-at.js'
import { sessionView, type SessionView } from './view.js'

export interface QueryDeps {
  readonly store: EventStore
  readonly readModels: ReadModelStore
}

export const stateOfRow = (row: SessionRow): E.Either<QueryFailure, SessionState> =>
  pipe(
    parseStoredState(row.telephonySessionId, row.state),
    E.mapLeft((c) => readModelFailure(`session ${c.telephonySessionId}: ${c.reason}`))
  )

export const readRow = <A>(f: () => A): E.Either<QueryFailure, A> => E.tryCatch(f, readModelFailure)

/** The state to answer from, before `at` is applied: known-at fold or read model; undefined when unknown. */
export const baseState = (
  deps: QueryDeps,
  telephonySessionId: string,
  time: QueryTime,
  row?: SessionRow
): TE.TaskEither<QueryFailure, SessionState | undefined> => {
  if (time.knownAt !== undefined) return sessionKnownAt(deps, telephonySessionId, time.knownAt)
  return pipe(
    row === undefined ? readRow(() => deps.readModels.session(telephonySessionId)) : E.right(row),
    E.flatMap((r) => (r === undefined ? E.right(undefined) : stateOfRow(r))),
    TE.fromEither
  )
}

/**
 * The session at the query's instant (`at`, or now), by the domain's one rule (`sessionAsOf`): live clocks run to
 * that instant, a stale call stops at its last event and ends as `unknown-end`. Undefined when the session had no
 * telephony fact by then.
 */
export const stateAt = (state: SessionState, time: QueryTime): SessionAsOf | undefined => sessionAsOf(state, time)

export const checkTime = (time: QueryTime): E.Either<QueryFailure, QueryTime> => {
  for (const [name, value] of [
    ['now', time.now],
    ['--at', time.at],
    ['--known-at', time.knownAt]
  ] as const)
    if (value !== undefined && !Number.isFinite(Date.parse(value)))
      return E.left(invalidQuery(`${name} is not an ISO 8601 time: "${value}"`))
  if (!(time.staleAfterMs > 0)) return E.left(invalidQuery('the stale threshold must be a positive duration'))
  // Normalised, so the read model can compare them with its (normalised) times as text.
  const iso = (v: string): string => new Date(Date.parse(v)).toISOString()
  return E.right({
    now: iso(time.now),
    staleAfterMs: time.staleAfterMs,
    ...(time.at !== undefined ? { at: iso(time.at) } : {}),
    ...(time.knownAt !== undefined ? { knownAt: iso(time.knownAt) } : {})
  })
}

export const querySession = (
  deps: QueryDeps,
  telephonySessionId: string,
  time: QueryTime
): TE.TaskEither<QueryFailure, SessionView> =>
  pipe(
    TE.fromEither(checkTime(time)),
    TE.flatMap((time) =>
      pipe(
        baseState(deps, telephonySessionId, time),
        TE.map((state) => ({ state, time }))
      )
    ),
    TE.flatMap(({ state, time }) => {
      const found = state === undefined ? undefined : stateAt(state, time)
      if (found !== undefined) return TE.right(sessionView(found.state, found.status))
      const when = [time.at && `at ${time.at}`, time.knownAt && `known at ${time.knownAt}`].filter(Boolean).join(', ')
      return TE.left(notFound(`telephony session ${telephonySessionId} not found${when ? ` (${when})` : ''}`))
    })
  )
