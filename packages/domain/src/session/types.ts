import type { Anomaly } from '../anomaly.js'
import type { PartyMetrics, Outcome } from '../metrics.js'
import type { Endpoint, Party } from '../notification.js'
import type { HistoryEntry } from '../party/history.js'

/** One fact of a session: one party as one notification reported it. The fold's only input. */
export interface PartyUpdate {
  readonly sequence: number
  /** The event's time; `''` when the event had none (flagged `missing-event-time`). */
  readonly eventTime: string
  /** The party in plain form: only the domain fields, no `undefined` members (see facts.ts). */
  readonly party: Party
}

export interface PartyState {
  readonly id: string
  readonly extensionId: string | null
  readonly direction: string | null
  readonly from: Endpoint | null
  readonly to: Endpoint | null
  /** The status of the last entry of the sequence-ordered history. */
  readonly status: string
  readonly reason: string | null
  readonly queueCall: boolean
  readonly ringOutRole: string | null
  readonly history: ReadonlyArray<HistoryEntry>
  readonly metrics: PartyMetrics
  readonly outcome: Outcome
  /** Gone, or Disconnected without reason Pickup/CallSwitch. */
  readonly ended: boolean
}

/** The statuses a session's fold can store: THE closed list (read models, schemas and faces use this one). */
export const LIVE_STATUSES = ['ringing', 'active', 'on-hold', 'parked', 'voicemail', 'ended'] as const
export type LiveStatus = (typeof LIVE_STATUSES)[number]
/** `stale` is decided at query time from `now` and a threshold; it is never stored. */
export const SESSION_STATUSES = [...LIVE_STATUSES, 'stale'] as const
export type SessionStatus = (typeof SESSION_STATUSES)[number]

/** A range of sequences that never arrived, both ends included. */
export interface Gap {
  readonly from: number
  readonly to: number
}

/** A party left this session into another one (Gone + peerId). sessionId "0" with reason Conference: a bridge. */
export interface Link {
  readonly partyId: string
  readonly telephonySessionId: string | null
  readonly sessionId: string | null
  readonly peerPartyId: string | null
  readonly reason: string | null
}

export interface SessionState {
  readonly telephonySessionId: string
  readonly sessionId: string | null
  readonly origin: string | null
  /** The deduplicated facts, sorted by (sequence, party id, canonical content). Everything else derives from them. */
  readonly updates: ReadonlyArray<PartyUpdate>
  readonly status: LiveStatus
  readonly startedAt: string | null
  readonly endedAt: string | null
  readonly lastEventAt: string | null
  /** Sorted by id. */
  readonly parties: ReadonlyArray<PartyState>
  readonly gaps: ReadonlyArray<Gap>
  readonly anomalies: ReadonlyArray<Anomaly>
  readonly links: ReadonlyArray<Link>
}
