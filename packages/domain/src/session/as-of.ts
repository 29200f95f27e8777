/**
 * A session as a reader sees it at an instant: the one rule every face (session, sessions, active calls, the feed,
 * stats, export) applies, so none of them counts a clock differently.
 *
 * - Live clocks run: a call not ended and not stale counts its open span (ringing, talking, on hold) up to the
 *   instant of the question (`at`, or `now`), not up to its last event.
 * - A stale call stops counting: a call with no event for `staleAfterMs` is `stale`; its open spans stop at its
 *   last event (they never grow to hours or days at a later instant), and its parties still live get the outcome
 *   `unknown-end`, ended by `stale`. Stale is decided here, at the question's instant, never stored.
 * - An ended call is what it is: its spans are closed, the instant changes nothing.
 */
import { isMoved } from '../party/transitions.js'
import { deriveSession } from './derive.js'
import { sessionAt } from './fold.js'
import { isStale } from './stale.js'
import type { PartyState, SessionState, SessionStatus } from './types.js'

export interface AsOf {
  /** The reader's clock (ISO). */
  readonly now: string
  /** The instant asked about (`--at`): the answer as it was then, by the events' own times. */
  readonly at?: string
  readonly staleAfterMs: number
}

export interface SessionAsOf {
  readonly state: SessionState
  readonly status: SessionStatus
}

const staleParty = (p: PartyState): PartyState => {
  const last = p.history[p.history.length - 1]
  return p.ended || (last !== undefined && isMoved(last)) ? p : { ...p, outcome: 'unknown-end', endedBy: 'stale' }
}

/** The state with its live parties marked as ended by the stale rule. */
export const staleState = (state: SessionState): SessionState => ({ ...state, parties: state.parties.map(staleParty) })

/** Undefined when the session had no telephony fact by then (it is not known at that instant). */
export const sessionAsOf = (state: SessionState, time: AsOf): SessionAsOf | undefined => {
  const instant = time.at ?? time.now
  const base = time.at === undefined ? state : sessionAt(state, time.at)
  if (base.updates.length === 0) return undefined
  if (isStale(base, instant, time.staleAfterMs)) {
    // Spans stop at the last event: derived as the stored state is (clock-free), not up to `at`.
    const cut = time.at === undefined ? base : deriveSession(base, base.updates, base.ends)
    return { state: staleState(cut), status: 'stale' }
  }
  if (base.status === 'ended' || time.at !== undefined) return { state: base, status: base.status }
  return { state: deriveSession(base, base.updates, base.ends, time.now), status: base.status }
}
