/**
 * What the live feed (`GET /feed`) says about one log event: from a telephony notification and its session's
 * earlier events to at most one feed event (the HTTP face frames it as Server-Sent Events).
 *
 * Event names (the SSE `event:` field):
 * - `call-state`: a session's state changed; data is a `FeedCall` (`status` is the stored live status:
 *   ringing, active, on-hold, parked, voicemail; staleness depends on the reader's clock and is not sent).
 * - `call-ended`: this event ended the session; data is the same `FeedCall` with `status: "ended"`, the
 *   parties' final outcomes and metrics: the ended-call record.
 * Each SSE event's `id:` is the log position of the notification that caused it, so a client resumes with
 * `Last-Event-ID` (or `?from=`) and gets exactly the events after it. One log event gives at most one SSE
 * event; a notification that changes nothing (a copy from a second subscription, a late duplicate fact)
 * gives none.
 */
import {
  canonicalJson,
  emptySession,
  evolveSession,
  type SessionState,
  type TelephonySessionBody
} from '@callstate/domain'
import type { StoredEvent } from '../port.js'
import { partyView, type PartyView } from './view.js'

/** A party as the feed shows it: the session API's party view without its history (`call-ended` records). */
export type FeedParty = Omit<PartyView, 'history'>

export interface FeedCall {
  readonly position: number
  readonly telephonySessionId: string
  readonly sessionId: string | null
  readonly status: string
  readonly startedAt: string | null
  readonly endedAt: string | null
  readonly lastEventAt: string | null
  /** Ids of the parties this notification carried. */
  readonly changed: ReadonlyArray<string>
  readonly parties: ReadonlyArray<FeedParty>
}

export interface FeedEvent {
  readonly event: 'call-state' | 'call-ended'
  readonly id: number
  readonly data: FeedCall
}

/** The session view's party, without its history: one formatting for /sessions and /feed. */
const parties = (state: SessionState): FeedParty[] =>
  state.parties.map((p) => {
    const { history: _history, ...party } = partyView(p)
    return party
  })

/** The part of a state a feed client sees; two states with the same summary are "no change". */
const summary = (state: SessionState) => ({
  status: state.status,
  startedAt: state.startedAt,
  endedAt: state.endedAt,
  parties: parties(state)
})

/**
 * The feed event for `event`, given the bodies of the same session stored before it (in log order). Folding is
 * order independent, so "before" is simply the events of the stream with a lower position.
 */
export const feedEventOf = (
  event: StoredEvent,
  body: TelephonySessionBody,
  earlier: ReadonlyArray<TelephonySessionBody>
): FeedEvent | undefined => {
  const before = earlier.reduce(evolveSession, emptySession(body.telephonySessionId))
  const after = evolveSession(before, body)
  const changed = earlier.length === 0 || canonicalJson(summary(before)) !== canonicalJson(summary(after))
  if (!changed) return undefined
  const ended = after.status === 'ended' && before.status !== 'ended'
  return {
    event: ended ? 'call-ended' : 'call-state',
    id: event.position,
    data: {
      position: event.position,
      telephonySessionId: after.telephonySessionId,
      sessionId: after.sessionId,
      status: after.status,
      startedAt: after.startedAt,
      endedAt: after.endedAt,
      lastEventAt: after.lastEventAt,
      changed: body.parties.map((p) => p.id),
      parties: parties(after)
    }
  }
}
