import type { ActiveCall, PresenceNotification } from '../notification.js'

/** The five presence fields of DOMAIN.md; null when an update did not carry the field. */
export interface PresenceFields {
  readonly telephonyStatus: string | null
  readonly presenceStatus: string | null
  readonly userStatus: string | null
  readonly dndStatus: string | null
  readonly meetingStatus: string | null
}

/** A call of a detailed presence update, reduced to what links it to a telephony session and says if it ended. */
export interface PresenceCall {
  readonly id: string
  readonly telephonySessionId: string | null
  readonly sessionId: string | null
  readonly partyId: string | null
  readonly telephonyStatus: string | null
  readonly terminationType: string | null
}

/** One presence notification as a small fact: what the projection stores, one row per update. */
export interface PresenceUpdate extends PresenceFields {
  readonly extensionId: string
  /** Per-extension order of the news; null when the notification had none (documentation samples). */
  readonly sequence: number | null
  /** The envelope `timestamp`: the time of a presence update. */
  readonly at: string | null
  /** Empty for non-detailed presence. */
  readonly activeCalls: ReadonlyArray<PresenceCall>
}

// Members in canonical (sorted) order: the projection stores canonicalJson of every update, which then has nothing to
// sort.
const call = (c: ActiveCall): PresenceCall => ({
  id: c.id,
  partyId: c.partyId ?? null,
  sessionId: c.sessionId ?? null,
  telephonySessionId: c.telephonySessionId ?? null,
  telephonyStatus: c.telephonyStatus ?? null,
  terminationType: c.terminationType ?? null
})

export const presenceUpdate = (n: PresenceNotification): PresenceUpdate => ({
  activeCalls: n.kind === 'detailed-presence' ? n.body.activeCalls.map(call) : [],
  at: n.envelope.timestamp ?? null,
  dndStatus: n.body.dndStatus ?? null,
  extensionId: n.body.extensionId,
  meetingStatus: n.body.meetingStatus ?? null,
  presenceStatus: n.body.presenceStatus ?? null,
  sequence: n.body.sequence ?? null,
  telephonyStatus: n.body.telephonyStatus ?? null,
  userStatus: n.body.userStatus ?? null
})

/** A call that a presence update marks as ended: `terminationType: final` (DOMAIN.md "Presence"). */
export interface EndedCall {
  readonly callId: string
  readonly telephonySessionId: string | null
  readonly sessionId: string | null
  readonly partyId: string | null
}

/** The calls this update says have ended. `intermediate` is deprecated and means nothing here. */
export const endedCalls = (update: PresenceUpdate): EndedCall[] =>
  update.activeCalls
    .filter((c) => c.terminationType?.toLowerCase() === 'final')
    .map((c) => ({
      callId: c.id,
      telephonySessionId: c.telephonySessionId,
      sessionId: c.sessionId,
      partyId: c.partyId
    }))
