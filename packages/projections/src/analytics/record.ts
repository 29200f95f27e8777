/**
 * The per-party call record: what analytics (stats, export) know about one party of one telephony session,
 * flattened from the session state the sessions projection stores. The read model's rm_calls row has most of
 * these fields; the record adds what stats and export also need and rm_calls does not keep: whether the party
 * was ever answered (its history), and the parties' from/to endpoints (the queue a member was rung for is the
 * member's `to`).
 */
import {
  isFinal,
  isMoved,
  knownStatus,
  sessionAsOf,
  type AsOf,
  type EndedBy,
  type Endpoint,
  type PartyState,
  type SessionState
} from '@callstate/domain'
import { isoTime } from '../time.js'
import { queueCallsOf, type QueueCall } from './queue-calls.js'

export interface CallRecord {
  readonly telephonySessionId: string
  readonly partyId: string
  readonly extensionId: string | null
  /** As received (`Inbound` / `Outbound`); RingOut parties say Inbound for both roles. */
  readonly direction: string | null
  readonly ringOutRole: string | null
  readonly queueCall: boolean
  readonly from: string | null
  readonly fromName: string | null
  readonly fromExtensionId: string | null
  readonly to: string | null
  readonly toName: string | null
  readonly toExtensionId: string | null
  /** The session's first event time: "the call's start", which buckets and selects every party of the call. */
  readonly sessionStartedAt: string | null
  /** The party's first event time. */
  readonly startedAt: string | null
  /** The time of the event that ended the party's leg (final, or moved to another device); null while it lives. */
  readonly endedAt: string | null
  readonly status: string
  readonly reason: string | null
  readonly outcome: string
  /** What ended the party: its own event, presence, or the stale rule (null while it lives). */
  readonly endedBy: EndedBy | null
  /** The party reached Answered at some point (for a caller that includes ringback: see counting.ts). */
  readonly answered: boolean
  /** The leg is over: Gone, Disconnected, or moved to another device (Pickup/CallSwitch). */
  readonly legOver: boolean
  readonly ringMs: number
  readonly talkMs: number
  readonly holdMs: number
}

const endpoint = (e: Endpoint | null) => ({
  number: e?.phoneNumber ?? null,
  name: e?.name ?? null,
  extensionId: e?.extensionId ?? null
})

const recordOf = (state: SessionState, party: PartyState): CallRecord => {
  const last = party.history[party.history.length - 1]
  const legOver = last !== undefined && (isFinal(last) || isMoved(last))
  const from = endpoint(party.from)
  const to = endpoint(party.to)
  return {
    telephonySessionId: state.telephonySessionId,
    partyId: party.id,
    extensionId: party.extensionId,
    direction: party.direction,
    ringOutRole: party.ringOutRole,
    queueCall: party.queueCall,
    from: from.number,
    fromName: from.name,
    fromExtensionId: from.extensionId,
    to: to.number,
    toName: to.name,
    toExtensionId: to.extensionId,
    sessionStartedAt: isoTime(state.startedAt),
    startedAt: isoTime(party.history[0]?.at),
    endedAt: legOver ? isoTime(last.at) : null,
    status: party.status,
    reason: party.reason,
    outcome: party.outcome,
    endedBy: party.endedBy,
    answered: party.history.some((h) => knownStatus(h.status) === 'Answered'),
    legOver,
    ringMs: party.metrics.ringMs,
    talkMs: party.metrics.talkMs,
    holdMs: party.metrics.holdMs
  }
}

/** One record per party, in the state's party order (sorted by party id). */
export const callRecordsOf = (state: SessionState): CallRecord[] => state.parties.map((p) => recordOf(state, p))

/**
 * What stats need of one session: its parties' records, the sessions it is linked to (transfer, conference), and
 * its queue calls.
 */
export interface SessionCalls {
  readonly telephonySessionId: string
  /** Sessions its parties left into (Gone + peerId): one customer call with this one. */
  readonly linked: ReadonlyArray<string>
  readonly records: ReadonlyArray<CallRecord>
  readonly queueCalls: ReadonlyArray<QueueCall>
}

/**
 * A stored session as analytics count it at an instant (`clock`: the report's now and stale threshold), by the
 * domain's one view (`sessionAsOf`): a live call's open spans count up to now, a stale call's live parties are ended
 * by the stale rule (`unknown-end`), so a call whose end never came is counted, not lost. Without a clock: the stored
 * state as it is (spans up to its last event).
 */
export const sessionCallsOf = (state: SessionState, clock?: AsOf): SessionCalls => {
  const view = clock === undefined ? { state, status: state.status } : sessionAsOf(state, clock)
  const seen = view?.state ?? state
  return {
    telephonySessionId: state.telephonySessionId,
    linked: state.links.flatMap((l) => (l.telephonySessionId === null ? [] : [l.telephonySessionId])),
    records: view === undefined ? [] : callRecordsOf(seen),
    queueCalls: view === undefined ? [] : queueCallsOf(seen, view.status, clock?.now ?? state.lastEventAt ?? '')
  }
}
