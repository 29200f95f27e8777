import { instant } from './time.js'
import type { SessionState, SessionStatus } from './types.js'

/**
 * Stale: a session not ended with no event for `staleAfterMs` or more. "Stuck ringing" calls are closed by this rule
 * at query time; stale is never stored, since it depends on `now`. A session with no timed event is never stale
 * (there is no last event to measure from).
 */
export const isStale = (state: SessionState, now: string, staleAfterMs: number): boolean => {
  if (state.status === 'ended' || state.lastEventAt === null) return false
  const last = instant(state.lastEventAt)
  const current = instant(now)
  return last !== null && current !== null && current - last >= staleAfterMs
}

export const statusAt = (state: SessionState, now: string, staleAfterMs: number): SessionStatus =>
  isStale(state, now, staleAfterMs) ? 'stale' : state.status
