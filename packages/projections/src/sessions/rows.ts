/** A session state as read-model rows: the rm_sessions row, one rm_calls row per party, its extensions. */
import type { PartyState, SessionState } from '@callstate/domain'
import type { CallRow, SessionRow } from '../readmodel-port.js'
import { isoTime } from '../time.js'
import { storedStateText } from './stored-state.js'

export const sessionRowOf = (state: SessionState, position: number, knownSinceMs: number | null): SessionRow => ({
  telephonySessionId: state.telephonySessionId,
  status: state.status,
  startedAt: isoTime(state.startedAt),
  endedAt: isoTime(state.endedAt),
  lastEventAt: isoTime(state.lastEventAt),
  position,
  state: storedStateText(state),
  knownSinceMs
})

const callRowOf = (state: SessionState, party: PartyState, endedPosition: number | null): CallRow => {
  const first = party.history[0]
  const last = party.history[party.history.length - 1]
  return {
    telephonySessionId: state.telephonySessionId,
    partyId: party.id,
    extensionId: party.extensionId,
    direction: party.direction,
    ringOutRole: party.ringOutRole,
    queueCall: party.queueCall,
    status: party.status,
    reason: party.reason,
    outcome: party.outcome,
    ended: party.ended,
    ringMs: party.metrics.ringMs,
    talkMs: party.metrics.talkMs,
    holdMs: party.metrics.holdMs,
    sessionStartedAt: isoTime(state.startedAt),
    startedAt: isoTime(first?.at),
    endedAt: party.ended ? isoTime(last?.at) : null,
    endedPosition: party.ended ? endedPosition : null
  }
}

export const callRowsOf = (state: SessionState, endedPositions: ReadonlyMap<string, number>): CallRow[] =>
  state.parties.map((p) => callRowOf(state, p, endedPositions.get(p.id) ?? null))

/** The extensions a session involves (its parties' own extensions), sorted: the `--extension` index. */
export const extensionsOf = (state: SessionState): string[] =>
  [...new Set(state.parties.flatMap((p) => (p.extensionId === null ? [] : [p.extensionId])))].sort()
