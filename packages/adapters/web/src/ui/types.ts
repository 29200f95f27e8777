/**
 * The API's JSON shapes as the UI reads them: a copy of the contract in @callstate/projections (queries/view.ts,
 * queries/feed.ts, analytics) and @callstate/http (schemas.ts), kept here so the browser bundle imports nothing of
 * ours. Only the fields the pages use are listed.
 */
export interface Endpoint {
  readonly phoneNumber?: string
  readonly name?: string
  readonly extensionId?: string
  readonly deviceId?: string
}

export interface HistoryView {
  readonly status: string
  readonly reason: string | null
  readonly at: string | null
  readonly sequence: number
  readonly source?: string
}

export interface Metrics {
  readonly ringMs: number
  readonly talkMs: number
  readonly holdMs: number
}

export interface PartyView {
  readonly id: string
  readonly extensionId: string | null
  readonly direction: string | null
  readonly from: Endpoint | null
  readonly to: Endpoint | null
  readonly status: string
  readonly reason: string | null
  readonly history?: ReadonlyArray<HistoryView>
  readonly metrics: Metrics
  readonly outcome: string
  readonly endedBy: string | null
  readonly queueCall: boolean
  readonly queue: { readonly extensionId: string | null; readonly name: string | null } | null
  readonly parkId: string | null
  readonly missedCall: boolean | null
}

export interface SessionSummary {
  readonly telephonySessionId: string
  readonly status: string
  readonly startedAt: string | null
  readonly endedAt: string | null
  readonly parties: ReadonlyArray<PartyView>
}

export interface SessionView extends SessionSummary {
  readonly origin: string | null
  readonly gaps: ReadonlyArray<{ readonly from: number; readonly to: number }>
  readonly anomalies: ReadonlyArray<{ readonly kind: string } & Record<string, unknown>>
  readonly links: ReadonlyArray<{
    readonly partyId: string
    readonly telephonySessionId: string | null
    readonly sessionId: string | null
    readonly peerPartyId: string | null
    readonly reason: string | null
  }>
}

export interface AuditEntry {
  readonly position: number
  readonly revision: number
  readonly id: string
  readonly type: string
  readonly receivedAt: string
  readonly source: string
  readonly sourceRef?: string
  readonly sequence?: number
  readonly eventTime?: string
  readonly parties?: ReadonlyArray<string>
  readonly problem?: string
  readonly data: unknown
  readonly state: SessionView
}

/** `data` of the feed's `call-state` and `call-ended` events. */
export interface FeedCall {
  readonly position: number
  readonly telephonySessionId: string
  readonly sessionId: string | null
  readonly status: string
  readonly startedAt: string | null
  readonly endedAt: string | null
  readonly lastEventAt: string | null
  readonly metricsAsOf: string | null
  readonly stale: boolean
  readonly changed: ReadonlyArray<string>
  readonly parties: ReadonlyArray<PartyView>
}

export interface PresenceInterval {
  readonly from: string | null
  readonly to: string | null
  readonly telephonyStatus: string | null
  readonly presenceStatus: string | null
  readonly userStatus: string | null
  readonly dndStatus: string | null
  readonly meetingStatus: string | null
}

export interface PresenceTimeline {
  readonly extensionId: string
  readonly intervals: ReadonlyArray<PresenceInterval>
}

export interface StatsRow {
  readonly key: string
  readonly calls: number
  readonly inbound: number
  readonly outbound: number
  readonly answered: number
  readonly missed: number
  readonly voicemail: number
  readonly cancelled: number
  readonly transferred: number
  readonly unknownEnd: number
  readonly ringMs: number
  readonly talkMs: number
  readonly holdMs: number
  readonly avgRingMs: number
  readonly avgTalkMs: number
  readonly avgHoldMs: number
  readonly voicemailsLeft: number
}

export interface QueueRow {
  readonly key: string
  readonly queue: string
  readonly name: string | null
  readonly offered: number
  readonly answered: number
  readonly abandoned: number
  readonly shortAbandoned: number
  readonly voicemail: number
  readonly waiting: number
  readonly unknownEnd: number
  readonly answeredWithinThreshold: number
  readonly waitMs: number
  readonly asaMs: number
  readonly longestWaitMs: number
  readonly serviceLevel: number | null
  readonly abandonRate: number | null
  readonly answerWithinMs: number
  readonly shortAbandonMs: number
}

export interface QueueBoardRow extends QueueRow {
  readonly waitingNow: number
  readonly longestWaitNowMs: number
  readonly agentsOnCall: number
}

export interface Health {
  readonly status: 'ok' | 'unavailable'
  readonly store: { readonly reachable: boolean; readonly head?: number; readonly error?: string }
  readonly projections: { readonly checkpoint: number | null; readonly lag?: number }
  readonly connection?: {
    readonly mode: string
    readonly connected: boolean
    readonly state: string
    readonly lastNotificationAt?: string | null
    readonly alerts: ReadonlyArray<string>
  }
}

export interface QuarantineItem {
  readonly id: string
  readonly position: number
  readonly receivedAt: string
  readonly reason: string
  readonly reasons: ReadonlyArray<string>
  readonly source: string
  readonly sourceRef: string
  readonly preview: string
  readonly resolved: boolean
  readonly raw: string
}
