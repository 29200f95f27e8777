/**
 * What the live feed (`GET /feed`) says about one log event: from a telephony notification (or a presence
 * notification that ends calls) and its session's earlier events to feed events (the HTTP face frames them as
 * Server-Sent Events).
 *
 * Event names (the SSE `event:` field):
 * - `call-state`: a session's state changed; data is a `FeedCall` (`status` is the stored live status: ringing,
 *   active, on-hold, parked, voicemail; `stale` says whether the call was stale at the moment the event was sent,
 *   the parties then as the stale rule leaves them: `unknown-end`).
 * - `call-ended`: this event ended the session; data is the same `FeedCall` with `status: "ended"`, the
 *   parties' final outcomes and metrics: the ended-call record.
 * Each SSE event's `id:` is the log position of the notification that caused it, so a client resumes with
 * `Last-Event-ID` (or `?from=`) and gets exactly the events after it. A telephony notification gives at most one
 * event; a presence notification gives one per session it ends (they share the id: a client that reconnects
 * between two of them with Last-Event-ID misses the rest). A notification that changes nothing (a copy from a
 * second subscription, a late duplicate fact) gives none.
 */
import {
  canonicalJson,
  emptySession,
  evolveSession,
  evolveSessionWith,
  presenceEnds,
  presenceUpdate,
  reconciliationEnds,
  sessionAsOf,
  type AsOf,
  type EndFact,
  type SessionState,
  type TelephonySessionBody
} from '@callstate/domain'
import * as E from 'fp-ts/lib/Either.js'
import { projectEvent } from '../event.js'
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
  /**
   * The instant the parties' metrics count their open spans up to: the server's clock when the event was sent
   * for a live call (a client adds the time since to tick its clocks), the last event for an ended or stale one.
   */
  readonly metricsAsOf: string | null
  /** The call was stale (no event for the stale threshold) when the event was sent. */
  readonly stale: boolean
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

/** What the event changed: a telephony notification's body, or the end facts a presence notification gave. */
export type FeedChange =
  | { readonly body: TelephonySessionBody }
  | { readonly telephonySessionId: string; readonly ends: ReadonlyArray<EndFact> }

/** What the log held about the session before the event: its telephony bodies, and the end facts presence gave. */
export interface FeedEarlier {
  readonly bodies: ReadonlyArray<TelephonySessionBody>
  readonly ends: ReadonlyArray<EndFact>
}

/**
 * The feed event for `event`, given what was stored about the same session before it (lower positions). Folding is
 * order independent, so "before" is simply the facts with a lower position. A presence notification that ends a
 * call its telephony stream left open is an event of that call too. `time`: the server's clock and the stale
 * threshold, so a live call's open spans count up to the moment sent.
 */
export const feedEventOf = (
  event: StoredEvent,
  change: FeedChange,
  earlier: FeedEarlier,
  time: AsOf
): FeedEvent | undefined => {
  const id = 'body' in change ? change.body.telephonySessionId : change.telephonySessionId
  const before = evolveSessionWith(emptySession(id), earlier.bodies, earlier.ends)
  const after = 'body' in change ? evolveSession(before, change.body) : evolveSessionWith(before, [], change.ends)
  if (after.updates.length === 0) return undefined
  const changed = earlier.bodies.length === 0 || canonicalJson(summary(before)) !== canonicalJson(summary(after))
  if (!changed) return undefined
  const ended = after.status === 'ended' && before.status !== 'ended'
  const live = after.status !== 'ended' ? sessionAsOf(after, time) : undefined
  const shown = live?.state ?? after
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
      metricsAsOf:
        live === undefined
          ? (after.endedAt ?? after.lastEventAt)
          : live.status === 'stale'
            ? after.lastEventAt
            : time.now,
      stale: live?.status === 'stale',
      changed: 'body' in change ? change.body.parties.map((p) => p.id) : [],
      parties: parties(shown)
    }
  }
}

/**
 * The feed changes one stored event may make: a telephony notification's body; for a detailed presence
 * notification, the end facts it gives each session it lists as ended; for a reconciliation that found a session
 * gone, its end fact. Other events (and ones that no longer decode) change nothing the feed shows.
 */
export const feedChangesOf = (event: StoredEvent): FeedChange[] => {
  const projected = projectEvent(event)
  if (E.isLeft(projected)) return []
  if (projected.right.kind === 'reconciliation') {
    const { telephonySessionId } = projected.right.observation
    const ends = reconciliationEnds(projected.right.observation, event.id)
    return ends.length === 0 ? [] : [{ telephonySessionId, ends }]
  }
  const n = projected.right.notification
  if (n.kind === 'telephony-session') return [{ body: n.body }]
  if (n.kind !== 'detailed-presence') return []
  const bySession = new Map<string, EndFact[]>()
  for (const { telephonySessionId, fact } of presenceEnds(presenceUpdate(n), event.id))
    bySession.set(telephonySessionId, [...(bySession.get(telephonySessionId) ?? []), fact])
  return [...bySession].map(([telephonySessionId, ends]) => ({ telephonySessionId, ends }))
}
