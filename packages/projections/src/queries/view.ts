/**
 * The JSON shapes of the call-state queries (a contract: the CLI and the HTTP API print exactly these).
 * Times are ISO 8601 UTC; a party `status` keeps the spec's spelling, a session `status` is a SessionStatus.
 */
import type {
  Anomaly,
  EndedBy,
  EndSource,
  Endpoint,
  Gap,
  Link,
  Outcome,
  PartyState,
  QueueRef,
  SessionState,
  SessionStatus
} from '@callstate/domain'
import { isoTime } from '../time.js'

export interface HistoryView {
  readonly status: string
  readonly reason: string | null
  readonly at: string | null
  readonly sequence: number
  /** Present on an end the party's own events never sent: where it came from (`presence`). */
  readonly source?: EndSource
}

export interface PartyView {
  readonly id: string
  readonly extensionId: string | null
  readonly direction: string | null
  readonly from: Endpoint | null
  readonly to: Endpoint | null
  readonly status: string
  readonly reason: string | null
  readonly history: ReadonlyArray<HistoryView>
  readonly metrics: { readonly ringMs: number; readonly talkMs: number; readonly holdMs: number }
  readonly outcome: Outcome
  /** What ended the party: its own `event`, `presence`, or the `stale` rule; null while it lives. */
  readonly endedBy: EndedBy | null
  readonly queueCall: boolean
  /** The call queue a queue leg was rung for. */
  readonly queue: QueueRef | null
  readonly parkId: string | null
  /** The platform's `missedCall` flag, as last sent. */
  readonly missedCall: boolean | null
}

export interface SessionView {
  readonly telephonySessionId: string
  readonly status: SessionStatus
  readonly startedAt: string | null
  readonly endedAt: string | null
  readonly origin: string | null
  readonly gaps: ReadonlyArray<Gap>
  readonly anomalies: ReadonlyArray<Anomaly>
  readonly links: ReadonlyArray<Link>
  readonly parties: ReadonlyArray<PartyView>
}

/** One item of `sessions` / active calls. */
export interface SessionSummary {
  readonly telephonySessionId: string
  readonly status: SessionStatus
  readonly startedAt: string | null
  readonly endedAt: string | null
  readonly parties: ReadonlyArray<PartyView>
}

export const partyView = (p: PartyState): PartyView => ({
  id: p.id,
  extensionId: p.extensionId,
  direction: p.direction,
  from: p.from,
  to: p.to,
  status: p.status,
  reason: p.reason,
  history: p.history.map((h) => ({
    status: h.status,
    reason: h.reason,
    at: isoTime(h.at),
    sequence: h.sequence,
    ...(h.source !== undefined ? { source: h.source } : {})
  })),
  metrics: { ringMs: p.metrics.ringMs, talkMs: p.metrics.talkMs, holdMs: p.metrics.holdMs },
  outcome: p.outcome,
  endedBy: p.endedBy,
  queueCall: p.queueCall,
  queue: p.queue,
  parkId: p.parkId,
  missedCall: p.missedCall
})

export const sessionView = (state: SessionState, status: SessionStatus): SessionView => ({
  telephonySessionId: state.telephonySessionId,
  status,
  startedAt: isoTime(state.startedAt),
  endedAt: isoTime(state.endedAt),
  origin: state.origin,
  gaps: state.gaps,
  anomalies: state.anomalies,
  links: state.links,
  parties: state.parties.map(partyView)
})

export const sessionSummary = (state: SessionState, status: SessionStatus): SessionSummary => ({
  telephonySessionId: state.telephonySessionId,
  status,
  startedAt: isoTime(state.startedAt),
  endedAt: isoTime(state.endedAt),
  parties: state.parties.map(partyView)
})
