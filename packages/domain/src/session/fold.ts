import type { TelephonySessionBody } from '../notification.js'
import { deriveSession, type SessionHeader } from './derive.js'
import { insertEnds } from './ends.js'
import { insertUpdates, partyUpdates } from './facts.js'
import { atOrBefore } from './time.js'
import type { EndFact, SessionState } from './types.js'

/**
 * The session fold. Order independence is by construction: evolving inserts the body's facts into the sorted,
 * deduplicated `updates` and derives everything else from them, so any arrival order, with any duplicates, gives
 * the same state. The body-level fields (sessionId, origin) are merged with an order-free rule too.
 */

export const emptySession = (telephonySessionId: string): SessionState =>
  deriveSession({ telephonySessionId, sessionId: null, origin: null }, [], [])

/** Keep the smallest of two values, ignoring absent ones: commutative, so arrival order cannot matter. */
const mergeText = (a: string | null, b: string | undefined): string | null =>
  b === undefined ? a : a === null || b < a ? b : a

const header = (state: SessionState, bodies: ReadonlyArray<TelephonySessionBody>): SessionHeader =>
  bodies.reduce<SessionHeader>(
    (h, body) => ({
      telephonySessionId: h.telephonySessionId,
      sessionId: mergeText(h.sessionId, body.sessionId),
      origin: mergeText(h.origin, body.origin)
    }),
    { telephonySessionId: state.telephonySessionId, sessionId: state.sessionId, origin: state.origin }
  )

/**
 * Fold several bodies and end facts in at once (one sort, one derivation). A body of another telephony session is
 * not a fact of this one and is left out: the caller routes bodies by telephonySessionId, and the event log still
 * holds it. End facts come from other streams (presence): the caller routes them by their session too.
 */
export const evolveSessionWith = (
  state: SessionState,
  bodies: ReadonlyArray<TelephonySessionBody>,
  ends: ReadonlyArray<EndFact> = []
): SessionState => {
  const mine = bodies.filter((b) => b.telephonySessionId === state.telephonySessionId)
  if (mine.length === 0 && ends.length === 0) return state
  return deriveSession(
    header(state, mine),
    mine.length === 0 ? state.updates : insertUpdates(state.updates, mine.flatMap(partyUpdates)),
    ends.length === 0 ? state.ends : insertEnds(state.ends, ends)
  )
}

export const evolveSession = (state: SessionState, body: TelephonySessionBody): SessionState =>
  evolveSessionWith(state, [body])

export const foldSession = (telephonySessionId: string, bodies: ReadonlyArray<TelephonySessionBody>): SessionState =>
  evolveSessionWith(emptySession(telephonySessionId), bodies)

/**
 * The session as it was at `at`: only the facts with eventTime <= at (untimed facts included), open spans counted
 * up to `at`. sessionId and origin are kept: they do not change during a session.
 */
export const sessionAt = (state: SessionState, at: string): SessionState =>
  deriveSession(
    state,
    state.updates.filter((u) => atOrBefore(u.eventTime, at)),
    state.ends.filter((f) => atOrBefore(f.at, at)),
    at
  )
