import type { Anomaly } from '../anomaly.js'
import type { PartyMetrics, Outcome } from '../metrics.js'
import type { Endpoint, Party } from '../notification.js'
import type { EndSource, HistoryEntry } from '../party/history.js'

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
  /** Gone, or Disconnected without reason Pickup/CallSwitch (its own, or an end fact's: see `endedBy`). */
  readonly ended: boolean
  /**
   * What ended the party: `event`, its own telephony event; `presence`, the extension's detailed presence said the
   * call ended (`terminationType: final`) when the telephony stream never did; `stale`, nothing did, and the session
   * went stale (decided at query time, never stored). Null while the party is live (or its leg moved).
   */
  readonly endedBy: EndedBy | null
  /** The platform's `missedCall` flag, as last sent. */
  readonly missedCall: boolean | null
  /** `park.id` of the last park. */
  readonly parkId: string | null
  /** For a leg rung for a call queue (`queueCall`): the queue, the leg's `to` (payload 06). */
  readonly queue: QueueRef | null
}

export type EndedBy = 'event' | EndSource | 'stale'

export interface QueueRef {
  readonly extensionId: string | null
  /** `to.name`, or `uiCallInfo`'s QueueName. */
  readonly name: string | null
}

/**
 * A fact that ends parties whose own end never arrived: a detailed presence notification listing the call with
 * `terminationType: final` (from the extension's stream), or a reconciliation that found the session gone from the
 * platform (an event callstate recorded in the session's own stream). Kept with the session's facts, sorted and
 * deduplicated the same way, so the rule stays order independent (session/ends.ts).
 */
export interface EndFact {
  readonly source: EndSource
  /** The event that told it (the presence notification's, the reconciliation's event id), for the audit. */
  readonly eventId: string
  /** When it was told: the presence notification's `timestamp`; the moment the platform was asked. */
  readonly at: string
  /** The extension whose presence it was; null for a reconciliation (it is about the whole session). */
  readonly extensionId: string | null
  /** The party the presence names (newer payloads); null: the extension's parties, or every party. */
  readonly partyId: string | null
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
  /** End facts from other streams (presence), sorted by canonical content, deduplicated. */
  readonly ends: ReadonlyArray<EndFact>
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
