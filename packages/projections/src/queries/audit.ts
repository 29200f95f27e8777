/**
 * The session state after each of a session's notifications, for `audit`: folding the stream in log order
 * (the order they were received in), so a reader sees how each arrival changed the answer.
 */
import * as E from 'fp-ts/lib/Either.js'
import { emptySession, evolveSession, type SessionState } from '@callstate/domain'
import { projectEvent } from '../event.js'
import type { StoredEvent } from '../port.js'
import { sessionView, type SessionView } from './view.js'

/**
 * One entry per event, in the order given: the session view after applying it (status as stored: no clock
 * here, so never `stale`). An event that does not decode leaves the state as it was.
 */
export const statesAfterEach = (
  telephonySessionId: string,
  events: ReadonlyArray<StoredEvent>
): ReadonlyArray<SessionView> => {
  let state: SessionState = emptySession(telephonySessionId)
  return events.map((e) => {
    const p = projectEvent(e)
    if (E.isRight(p) && p.right.notification.kind === 'telephony-session')
      state = evolveSession(state, p.right.notification.body)
    return sessionView(state, state.status)
  })
}
